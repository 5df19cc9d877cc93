/**
 * Operator controls against the compiled binary (issue 16): pause with a
 * note (seen by list, next and the API, surviving a restart, ending by
 * itself at until), run-job --kwarg recorded, cancel of a command whose
 * child ignores TERM, and a backfill cancelled half-way and resumed.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { tickd } from "../helpers/binary.ts";
import { startService, writeProject, type Project, type Service } from "../helpers/service.ts";

const TASKS = `
import { Result, STATUS } from "tickd";
export function report(kwargs) { return Result(STATUS.success, { message: "day " + (kwargs.day ?? "-") }); }
export function noop() { return Result(STATUS.success); }
`;

let project: Project | undefined;
let service: Service | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
  project?.cleanup();
  project = undefined;
});

async function waitFor<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  for (let waited = 0; waited < ms; waited += 50) {
    const v = await probe();
    if (v !== undefined) return v;
    await Bun.sleep(50);
  }
  throw new Error("timed out waiting");
}

describe("pause", () => {
  test("a pause with a note is seen by the API, list and next, and survives a restart", async () => {
    project = writeProject(`[report]\nevery = 1 hour\ncall = jobs.tasks.report\n`, { "jobs/tasks.ts": TASKS });
    service = await startService(project.dir);
    const env = { TICKD_URL: service.url! };
    const paused = await tickd(["pause", "report", "--note", "deploy in progress"], { cwd: project.dir, env });
    expect(paused.stderr).toBe("");
    expect(paused.stdout).toContain("report: paused: deploy in progress");

    const api = await service.gql(`{ job(label: "report") { active nextRunAt pause { note by at until } } }`);
    expect(api.data!.job).toMatchObject({ active: false, nextRunAt: null, pause: { note: "deploy in progress", by: "admin via cli", until: null } });

    const list = await tickd(["list"], { cwd: project.dir });
    expect(list.stdout).toMatch(/paused by admin via cli at .*: deploy in progress/);
    const next = await tickd(["next"], { cwd: project.dir });
    expect(next.stdout).toContain("deploy in progress; no runs until resumed");

    await service.stop();
    service = await startService(project.dir);
    const after = await service.gql(`{ job(label: "report") { active pause { note } } }`);
    expect(after.data!.job).toEqual({ active: false, pause: { note: "deploy in progress" } });

    const resumed = await tickd(["resume", "report"], { cwd: project.dir, env: { TICKD_URL: service.url! } });
    expect(resumed.stdout).toContain("report: resumed; next run");
    const on = await service.gql(`{ job(label: "report") { active pause { note } } }`);
    expect(on.data!.job).toEqual({ active: true, pause: null });
  }, 30_000);

  test("a pause with until resumes by itself then", async () => {
    project = writeProject(`[report]\nevery = 1 hour\ncall = jobs.tasks.report\n`, { "jobs/tasks.ts": TASKS });
    service = await startService(project.dir);
    const until = new Date(Date.now() + 1500).toISOString();
    const r = await tickd(["pause", "report", "--note", "short", "--until", until], { cwd: project.dir, env: { TICKD_URL: service.url! } });
    expect(r.stdout).toContain(`(until ${until})`);
    expect((await service.gql(`{ job(label: "report") { active } }`)).data!.job.active).toBe(false);
    const on = await waitFor(async () => {
      const job = (await service!.gql(`{ job(label: "report") { active pause { note } nextRunAt } }`)).data!.job;
      return job.active ? job : undefined;
    });
    expect(on.pause).toBeNull();
    expect(on.nextRunAt).not.toBeNull();
  }, 30_000);

  test("pause needs a note; an unreachable service is a clear message", async () => {
    project = writeProject(`[report]\nevery = 1 hour\ncall = jobs.tasks.report\n`, { "jobs/tasks.ts": TASKS });
    const noNote = await tickd(["pause", "report"], { cwd: project.dir });
    expect(noNote.code).toBe(2);
    expect(noNote.stderr).toContain("pause needs --note TEXT");
    const down = await tickd(["pause", "report", "--note", "x", "--url", "http://127.0.0.1:9"], { cwd: project.dir });
    expect(down.code).not.toBe(0);
    expect(down.stderr).toContain("cannot reach the tickd service at http://127.0.0.1:9/graphql");
    expect(down.stderr).not.toContain("    at ");
  });
});

describe("run-job --kwarg", () => {
  test("the run's parameters reach the callback and are recorded with it", async () => {
    project = writeProject(`[report]\nevery = 1 hour\ncall = jobs.tasks.report\n`, { "jobs/tasks.ts": TASKS });
    const run = await tickd(["run-job", "report", "--kwarg", "day=2026-01-02"], { cwd: project.dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("message: day 2026-01-02");
    const history = await tickd(["history", "--json"], { cwd: project.dir });
    const rows = JSON.parse(history.stdout) as { kwargs: unknown; message: string }[];
    expect(rows[0]).toMatchObject({ kwargs: { day: "2026-01-02" }, message: "day 2026-01-02" });
    const bad = await tickd(["run-job", "report", "--kwarg", "nokey"], { cwd: project.dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--kwarg "nokey": expected KEY=VALUE');
  });
});

describe("cancel", () => {
  test("a cancelled command whose child ignores TERM is ended with KILL after the grace, and recorded cancelled", async () => {
    project = writeProject(`[stubborn]\nevery = 1 day\ncommand = sh -c 'trap "" TERM; echo $$ > child.pid; while :; do sleep 0.1; done' & wait\n`);
    service = await startService(project.dir);
    const started = service.gql(`mutation { runJobNow(label: "stubborn", wait: false) { runId status } }`);
    const runId = (await started).data!.runJobNow.runId as string;
    const pidFile = `${project.dir}/child.pid`;
    const childPid = await waitFor(async () => {
      const f = Bun.file(pidFile);
      return (await f.exists()) && (await f.text()).trim() ? Number((await f.text()).trim()) : undefined;
    });
    const t0 = Date.now();
    const cancelled = await tickd(["cancel", runId], { cwd: project.dir, env: { TICKD_URL: service.url! } });
    expect(cancelled.stderr).toBe("");
    expect(cancelled.stdout).toContain("stubborn: cancelled (cancelled by admin via cli)");
    // The child ignores TERM: it is gone only after KILL, once the grace is over.
    const gone = await waitFor(async () => {
      try {
        process.kill(childPid, 0);
        return undefined;
      } catch {
        return Date.now() - t0;
      }
    });
    expect(gone).toBeGreaterThanOrEqual(1500);
    const run = (await service.gql(`{ activities(first: 1) { edges { node { runId status message } } } }`)).data!.activities.edges[0].node;
    expect(run).toEqual({ runId, status: "CANCELLED", message: "cancelled by admin via cli" });
    const again = await tickd(["cancel", runId], { cwd: project.dir, env: { TICKD_URL: service.url! } });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("is going on in this instance");
  }, 30_000);
});

describe("backfill", () => {
  test("1,000 occurrences cancelled half-way and resumed run nothing twice", async () => {
    // Off, so a minute boundary during the test adds no scheduled run to the count.
    project = writeProject(`[tick]\ncron = * * * * *\ncall = jobs.tasks.noop\nisolate = none\nactive = no\n`, { "jobs/tasks.ts": TASKS });
    service = await startService(project.dir);
    const env = { TICKD_URL: service.url! };
    const from = "2025-01-01T00:00:00.000Z";
    const to = new Date(Date.parse(from) + 999 * 60_000).toISOString();
    const dry = await tickd(["backfill", "tick", "--from", from, "--to", to, "--dry-run"], { cwd: project.dir, env });
    expect(dry.stdout).toContain("tick: 1000 occurrence(s) would run");

    const first = service.gql(`mutation { backfillJob(label: "tick", from: "${from}", to: "${to}") { count } }`);
    expect((await first).data!.backfillJob.count).toBe(1000);
    await waitFor(async () => ((await service!.gql(`{ job(label: "tick") { backfill { done } } }`)).data!.job.backfill.done >= 400 ? true : undefined));
    const stop = await tickd(["backfill", "tick", "--cancel"], { cwd: project.dir, env });
    expect(stop.stdout).toContain("backfill cancelled");
    const halted = await waitFor(async () => {
      const b = (await service!.gql(`{ job(label: "tick") { backfill { done state } } }`)).data!.job.backfill;
      return b.state === "cancelled" ? b : undefined;
    });
    expect(halted.done).toBeLessThan(1000);

    const resumed = await tickd(["backfill", "tick", "--from", from, "--to", to], { cwd: project.dir, env });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`tick: backfill of ${1000 - halted.done} occurrence(s) (${halted.done} already recorded skipped)`);
    expect(resumed.stdout).toMatch(/tick: \d+\/\d+ run, done/);

    const runs = (await service.gql(`{ job(label: "tick") { activities(first: 1) { totalCount } } }`)).data!.job.activities.totalCount;
    expect(runs).toBe(1000);
    const history = JSON.parse((await tickd(["history", "--json", "--limit", "1000"], { cwd: project.dir })).stdout) as { trigger: string; scheduledFor: string }[];
    const backfilled = history.filter((r) => r.trigger === "backfill");
    expect(backfilled.length).toBe(1000);
    expect(new Set(backfilled.map((r) => r.scheduledFor)).size).toBe(1000);
  }, 120_000);
});
