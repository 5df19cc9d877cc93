/**
 * Issue 15, "Unattended: hear about every failure, hang and missed run": the
 * compiled binary on a temp project with a real database file, a real HTTP
 * receiver on loopback for webhooks and pings. Each test is what someone
 * who left tickd alone would see arrive: a slow run's warning once, one
 * alert for a night of downtime, an alert that waited for its receiver, the
 * ping and alert of a run that died with its instance, and no alert for a
 * failure its retry made good.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import { freePort, tickd } from "../helpers/binary.ts";
import { receiver, until } from "../helpers/receiver.ts";
import { startService, writeProject, type Project, type Service } from "../helpers/service.ts";

const projects: Project[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

function project(ini: string, files: Record<string, string> = {}): Project {
  const p = writeProject(ini, files);
  projects.push(p);
  return p;
}

/** Rows of the project's store (config/scheduler.db), read as another process would. */
async function rows(p: Project, sql: string): Promise<Array<Record<string, any>>> {
  const client = createClient({ url: `file:${path.join(p.dir, "config", "scheduler.db")}` });
  try {
    return (await client.execute(sql)).rows as unknown as Array<Record<string, any>>;
  } finally {
    client.close();
  }
}

const NOTIFICATIONS = `{ notifications(first: 100) { label event runId state attempts lastError } notificationChannels { channel failing failuresInRow pending } }`;

/** The value of one /metrics series, by its exact name and labels. */
async function metric(service: Service, series: string): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no series ${series}`);
  return Number(line.slice(series.length + 1));
}

describe("warn_after", () => {
  test("a run still going after warn_after raises slow once, at the receiver, while it runs; a run that ends in time raises none", async () => {
    const hook = receiver();
    // 5 s runs, every second (the occurrences due meanwhile are skipped): each run is slow once, not once per warn_after.
    const p = project(`[crawl]\ncommand = sleep 5\nevery = 1 second\nwarn_after = 1 second\nnotify = ${hook.url}/crawl\n\n[quick]\ncommand = true\nevery = 1 second\nwarn_after = 1 second\nnotify = ${hook.url}/quick\n`);
    const service = await startService(p.dir);
    try {
      await until("two runs' slow warnings", () => new Set(hook.got.map((r) => r.body!.runId)).size >= 2, 25_000);
      // The second run started after the first ended: the first had 4 s more to warn again, and did not.
      const [first, second] = [...new Set(hook.got.map((r) => r.body!.runId))];
      const ofFirst = hook.got.filter((r) => r.body!.runId === first);
      expect(ofFirst.map((r) => r.body!.event)).toEqual(["slow"]);
      const slow = ofFirst[0]!.body!;
      expect(slow).toMatchObject({ event: "slow", label: "crawl", status: "running", endedAt: null, consecutiveFailures: 0, attempt: 1 });
      expect(slow.durationMs).toBeGreaterThanOrEqual(1000);
      expect(slow.durationMs).toBeLessThan(5000);
      // It arrived while the run went on: after warn_after, before the run's 5 s (a loaded machine may delay the warning by seconds).
      const started = Date.parse(slow.startedAt);
      expect(ofFirst[0]!.at - started).toBeGreaterThanOrEqual(1000);
      expect(ofFirst[0]!.at - started).toBeLessThan(5000);
      const [ended] = await rows(p, `SELECT status, ended_at FROM activity WHERE run_id = '${first}'`);
      expect(ended).toMatchObject({ status: "success" });
      expect(hook.got.filter((r) => r.body!.runId === second).map((r) => r.body!.event)).toEqual(["slow"]);
      expect(hook.got.filter((r) => r.path === "/quick")).toEqual([]);
    } finally {
      await service.stop();
      hook.stop();
    }
  }, 45_000);
});

describe("grace", () => {
  test("an instance down across three occurrences records one missed run and sends one missed alert on restart, then one recovered", async () => {
    const hook = receiver();
    const p = project(`[report]\ncommand = true\nevery = 2 seconds\ngrace = 1 second\nnotify = ${hook.url}/report\n`);
    const first = await startService(p.dir, ["--no-api"]);
    try {
      await until("a recorded run", async () => (await rows(p, "SELECT 1 FROM activity WHERE status = 'success'")).length >= 1, 10_000);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const last = Number((await rows(p, "SELECT MAX(scheduled_for) AS at FROM activity"))[0]!.at);
    // Down across last+2 s, +4 s and +6 s; back half-way to +8 s. (Time has to pass with nothing running: a sleep.)
    await Bun.sleep(last + 7000 - Date.now());
    const second = await startService(p.dir);
    try {
      // The gap alerts once; the run after it (at +8 s) succeeds and ends the streak.
      await until("the recovered alert", () => hook.got.some((r) => r.body!.event === "recovered"), 10_000);
      expect(hook.got.map((r) => r.body!.event)).toEqual(["missed", "recovered"]);
      const missed = hook.got[0]!.body!;
      const records = await rows(p, "SELECT run_id, output FROM activity WHERE status = 'missed'");
      expect(records.length).toBe(1);
      // +2, +4, +6 s; and more when a loaded machine starts the second instance late (past +7 s and its grace).
      const gap = (JSON.parse(String(records[0]!.output)) as { missed: { first: string; last: string; count: number } }).missed;
      expect(gap.first).toBe(new Date(last + 2000).toISOString());
      expect(gap.count).toBeGreaterThanOrEqual(3);
      expect(gap.last).toBe(new Date(last + 2000 * gap.count).toISOString());
      expect(missed).toMatchObject({ event: "missed", label: "report", status: "missed", consecutiveFailures: 1, scheduledFor: gap.last });
      expect(missed.message).toStartWith(`missed ${gap.count} occurrences from ${gap.first} to ${gap.last}`);
      expect(missed.runId).toBe(records[0]!.run_id);
      const api = await second.gql(NOTIFICATIONS);
      expect(api.data!.notifications.map((n: any) => [n.event, n.state])).toEqual([
        ["recovered", "delivered"],
        ["missed", "delivered"],
      ]);
    } finally {
      await second.stop();
      hook.stop();
    }
  }, 30_000);
});

describe("a receiver that is down at first", () => {
  test("is tried again with backoff and gets the alert once it is up: one alert, delivered on the third attempt", async () => {
    const port = await freePort();
    const p = project(`[nightly]\ncommand = echo disk full; exit 1\nevery = 1 second\nnotify = http://127.0.0.1:${port}/hook\n`);
    const service = await startService(p.dir);
    let hook: ReturnType<typeof receiver> | null = null;
    try {
      // Refused at once, and again 1 s later; the next attempt is 5 s after that.
      await until("a second attempt", async () => ((await service.gql(NOTIFICATIONS)).data?.notifications?.[0]?.attempts ?? 0) >= 2, 10_000);
      const waiting = (await service.gql(NOTIFICATIONS)).data!;
      expect(waiting.notifications).toMatchObject([{ label: "nightly", event: "failure", state: "pending", attempts: 2 }]);
      expect(waiting.notifications[0].lastError).not.toBe("");
      expect(waiting.notificationChannels).toMatchObject([{ failing: true, failuresInRow: 2, pending: 1 }]);
      hook = receiver({ port });
      const up = hook;
      await until("the alert at the receiver", () => up.got.length >= 1, 10_000);
      await until("the alert recorded delivered", async () => (await service.gql(NOTIFICATIONS)).data!.notifications[0].state === "delivered");
      const done = (await service.gql(NOTIFICATIONS)).data!;
      expect(done.notifications).toMatchObject([{ event: "failure", state: "delivered", attempts: 3, lastError: "" }]);
      expect(done.notificationChannels).toMatchObject([{ failing: false, failuresInRow: 0, pending: 0 }]);
      // Once: the streak alerted; the job has failed every second since.
      expect(up.got.map((r) => [r.path, r.body!.event, r.body!.consecutiveFailures])).toEqual([["/hook", "failure", 1]]);
      const log = service.log();
      expect(log.indexOf('"notify.channel.failing"')).toBeGreaterThan(-1);
      expect(log.indexOf('"notify.channel.recovered"')).toBeGreaterThan(log.indexOf('"notify.channel.failing"'));
      const history = await tickd(["history", "--alerts", "nightly", "--config", p.configPath]);
      expect(history.stdout.trim().split("\n").slice(1).map((l) => l.split(/\s{2,}/).slice(2, 5))).toEqual([["failure", "delivered", "3"]]);
    } finally {
      await service.stop();
      hook?.stop();
    }
  }, 30_000);
});

describe("a run its instance died in", () => {
  test("is recorded abandoned on the next start, pings its job's /fail before the next run's /start, and raises abandoned, then recovered", async () => {
    const hook = receiver();
    // While the project holds a file named hang (tickd runs in the project), a run hangs.
    const jobs = `import { existsSync } from "node:fs";\nexport async function sync() {\n  if (existsSync("hang")) await new Promise((resolve) => setTimeout(resolve, 60_000));\n}\n`;
    const p = project(`[sync]\ncall = app.jobs.sync\nevery = 2 seconds\nping = ${hook.url}/hc/sync\nnotify = ${hook.url}/alert\n`, { "app/jobs.ts": jobs });
    const hang = path.join(p.dir, "hang");
    writeFileSync(hang, "");
    const pings = () => hook.got.filter((r) => r.path.startsWith("/hc/sync")).map((r) => r.path.slice("/hc/sync".length));
    const alerts = () => hook.got.filter((r) => r.path === "/alert").map((r) => r.body!);
    const first = await startService(p.dir, ["--no-api"]);
    try {
      await until("the run's start ping", () => pings().includes("/start"), 10_000);
      await until("its running row", async () => (await rows(p, "SELECT 1 FROM activity WHERE status = 'running'")).length === 1);
    } finally {
      first.kill9();
    }
    const [running] = await rows(p, "SELECT run_id FROM activity WHERE status = 'running'");
    expect(pings()).toEqual(["/start"]);
    rmSync(hang);
    const second = await startService(p.dir);
    try {
      await until("the recovered alert", () => alerts().some((a) => a.event === "recovered"), 10_000);
      expect(alerts().map((a) => [a.event, a.runId])).toEqual([
        ["abandoned", running!.run_id],
        ["recovered", expect.any(String)],
      ]);
      expect(alerts()[0]).toMatchObject({ label: "sync", status: "abandoned", consecutiveFailures: 1 });
      expect(alerts()[0]!.message).toContain("stopped before recording how it ended");
      // The dead run's failure first, then the new life's runs: start, success, …
      await until("the next run's success ping", () => pings().length >= 4);
      expect(pings().slice(0, 4)).toEqual(["/start", "/fail", "/start", ""]);
      const [row] = await rows(p, `SELECT status FROM activity WHERE run_id = '${running!.run_id}'`);
      expect(row).toMatchObject({ status: "abandoned" });
      expect(await metric(second, 'tickd_runs_total{label="sync",status="abandoned",trigger="schedule"}')).toBe(1);
    } finally {
      await second.stop();
      hook.stop();
      if (existsSync(hang)) rmSync(hang);
    }
  }, 30_000);
});

describe("a start that fails before it can alert", () => {
  test("leaves the dead life's run running: the next start that gets going records it abandoned and alerts", async () => {
    const hook = receiver();
    const jobs = `import { existsSync } from "node:fs";\nexport async function sync() {\n  if (existsSync("hang")) await new Promise((resolve) => setTimeout(resolve, 60_000));\n}\n`;
    const p = project(`[sync]\ncall = app.jobs.sync\nevery = 2 seconds\nnotify = ${hook.url}/alert\n`, { "app/jobs.ts": jobs });
    const hang = path.join(p.dir, "hang");
    writeFileSync(hang, "");
    const alerts = () => hook.got.filter((r) => r.path === "/alert").map((r) => r.body!);
    const first = await startService(p.dir, ["--no-api"]);
    try {
      await until("its running row", async () => (await rows(p, "SELECT 1 FROM activity WHERE status = 'running'")).length === 1, 10_000);
    } finally {
      first.kill9();
    }
    const [running] = await rows(p, "SELECT run_id FROM activity WHERE status = 'running'");
    rmSync(hang);
    // A second start whose API cannot listen (the port is taken) stops with a message.
    const taken = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    try {
      const failed = await tickd(["run", "--listen", `127.0.0.1:${taken.port}`], { cwd: p.dir });
      expect(failed.code).not.toBe(0);
      expect(failed.stderr).toContain(`${taken.port}`);
    } finally {
      taken.stop(true);
    }
    expect(await rows(p, `SELECT status FROM activity WHERE run_id = '${running!.run_id}'`)).toEqual([{ status: "running" }]);
    expect(alerts()).toEqual([]);
    const third = await startService(p.dir);
    try {
      await until("the abandoned alert", () => alerts().some((a) => a.event === "abandoned"), 10_000);
      expect(alerts()[0]).toMatchObject({ event: "abandoned", runId: running!.run_id, status: "abandoned" });
    } finally {
      await third.stop();
      hook.stop();
      if (existsSync(hang)) rmSync(hang);
    }
  }, 40_000);
});

describe("retries", () => {
  const JOBS = `export function flaky(_kwargs, ctx) {\n  if (ctx.attempt === 1) throw new Error("the first attempt fails");\n}\nexport function broken() {\n  throw new Error("broken on purpose");\n}\n`;
  test("a failure its retry makes good is no streak: no alert, consecutive failures stay 0; a job failing every attempt alerts once per occurrence's outcome and counts occurrences", async () => {
    const hook = receiver();
    const p = project(
      `[flaky]\ncall = app.jobs.flaky\nevery = 1 second\nretries = 1\nretry_delay = 1 second\nnotify = ${hook.url}/flaky\n\n` +
        `[broken]\ncall = app.jobs.broken\nevery = 1 second\nretries = 1\nretry_delay = 1 second\nalert_after = 2\nnotify = ${hook.url}/broken\n`,
      { "app/jobs.ts": JOBS },
    );
    const service = await startService(p.dir);
    const occurrences = async (label: string, status: string) => (await rows(p, `SELECT 1 FROM activity WHERE label = '${label}' AND status = '${status}' AND trigger = 'retry'`)).length;
    try {
      // Sampled all along, also between a first attempt's failure and its retry's success.
      const flakyStreak: number[] = [];
      await until(
        "three occurrences of flaky made good by their retry, and broken's alert",
        async () => {
          flakyStreak.push(await metric(service, 'tickd_job_consecutive_failures{label="flaky"}'));
          return (await occurrences("flaky", "success")) >= 3 && hook.got.some((r) => r.path === "/broken");
        },
        20_000,
      );
      expect((await rows(p, "SELECT 1 FROM activity WHERE label = 'flaky' AND status = 'error' AND attempt = 1")).length).toBeGreaterThanOrEqual(3);
      expect(new Set(flakyStreak)).toEqual(new Set([0]));
      expect(hook.got.filter((r) => r.path === "/flaky")).toEqual([]);
      // broken: alert_after = 2 is reached by its second occurrence (4 failed attempts would have reached it at the second attempt).
      const [alert] = hook.got.filter((r) => r.path === "/broken");
      expect(alert!.body).toMatchObject({ event: "error", label: "broken", attempt: 2, consecutiveFailures: 2 });
      const failed = await occurrences("broken", "error");
      const streak = await metric(service, 'tickd_job_consecutive_failures{label="broken"}');
      // Between two reads one more occurrence may have ended.
      expect(streak === failed || streak === failed + 1).toBe(true);
      // … its second occurrence's retry: two occurrences up to it, four failed attempts.
      const upTo = Date.parse(alert!.body!.scheduledFor);
      expect((await rows(p, `SELECT 1 FROM activity WHERE label = 'broken' AND status = 'error' AND scheduled_for <= ${upTo}`)).length).toBe(4);
    } finally {
      expect(await service.stop()).toBe(0);
    }
    // The restarted instance reads the streak as occurrences too, and does not alert it again.
    const before = await occurrences("broken", "error");
    const again = await startService(p.dir);
    try {
      expect(await metric(again, 'tickd_job_consecutive_failures{label="flaky"}')).toBe(0);
      const streak = await metric(again, 'tickd_job_consecutive_failures{label="broken"}');
      // Each occurrence once (its retry's error), and at most one more whose retry shutdown cancelled.
      expect(streak === before || streak === before + 1).toBe(true);
      await until("broken's next occurrence after the restart", async () => (await occurrences("broken", "error")) > before, 10_000);
      // An alert is written with the run that raised it: none beside the new occurrence's rows.
      const outbox = (await again.gql(NOTIFICATIONS)).data!.notifications;
      expect(outbox.map((n: any) => [n.label, n.event])).toEqual([["broken", "error"]]);
      expect(hook.got.filter((r) => r.path === "/broken").length).toBe(1);
      expect(hook.got.filter((r) => r.path === "/flaky")).toEqual([]);
    } finally {
      await again.stop();
      hook.stop();
    }
  }, 45_000);
});
