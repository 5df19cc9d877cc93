/**
 * Notifications end to end (issue 15, "Notifications"): the compiled binary
 * with real receivers on loopback — an HTTP server for webhooks, Debian's
 * aiosmtpd for mailto:, a shell script for exec:. Jobs are command jobs
 * failing every second; the durations are short so the test stays quick.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import path from "node:path";
import { BINARY, freePort, tickd } from "../helpers/binary.ts";
import { startService, writeProject, type Project } from "../helpers/service.ts";

interface Received {
  readonly path: string;
  readonly body: Record<string, any>;
  readonly at: number;
}

/** An HTTP receiver on loopback; `port` fixes the port (to bring it back after it was down). */
function receiver(port = 0) {
  const got: Received[] = [];
  const server = Bun.serve({
    port,
    hostname: "127.0.0.1",
    async fetch(request) {
      got.push({ path: new URL(request.url).pathname, body: (await request.json()) as Record<string, any>, at: Date.now() });
      return new Response("ok");
    },
  });
  return { got, url: `http://127.0.0.1:${server.port}`, port: server.port!, stop: () => server.stop(true) };
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await Bun.sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const projects: Project[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

const ALERTS = `{ notifications(first: 100) { label event runId channel state attempts lastError } notificationChannels { channel failing failuresInRow lastError pending } }`;

describe("a failing job with a webhook", () => {
  test("alerts once per streak and once on recovery; alert_after and realert hold; the token in the URL is never shown", async () => {
    const hook = receiver();
    const ini =
      `[flaky]\ncommand = test -f ok\nevery = 1 second\nnotify = ${hook.url}/services/T000/SECRET-TOKEN-1\n\n` +
      `[patient]\ncommand = exit 1\nevery = 1 second\nalert_after = 3\nrealert = 2 seconds\nnotify = ${hook.url}/services/T000/SECRET-TOKEN-2\n`;
    const project = writeProject(ini);
    projects.push(project);
    const service = await startService(project.dir, ["--public-url", "https://tickd.example.com/"]);
    try {
      const flaky = () => hook.got.filter((r) => r.body.label === "flaky");
      const patient = () => hook.got.filter((r) => r.body.label === "patient");
      // flaky fails every second; only the streak's first failure alerts.
      await until("three failures of flaky", async () => {
        const r = await service.gql(`{ job(label: "flaky") { activities(first: 10) { totalCount } } }`);
        return (r.data?.job?.activities?.totalCount ?? 0) >= 3;
      });
      await Bun.sleep(300);
      expect(flaky().map((r) => r.body.event)).toEqual(["failure"]);
      const first = flaky()[0]!.body;
      expect(first).toMatchObject({ event: "failure", label: "flaky", status: "failure", attempt: 1, consecutiveFailures: 1 });
      expect(Object.keys(first).sort()).toEqual(
        ["attempt", "consecutiveFailures", "dashboardUrl", "durationMs", "endedAt", "event", "instance", "label", "message", "runId", "scheduledFor", "startedAt", "status"].sort(),
      );
      expect(first.dashboardUrl).toStartWith("https://tickd.example.com/?job=flaky&run=");
      expect(flaky()[0]!.path).toBe("/services/T000/SECRET-TOKEN-1");

      // It succeeds: one recovered notice, then nothing more.
      writeFileSync(path.join(project.dir, "ok"), "");
      await until("recovered", () => flaky().length >= 2);
      await Bun.sleep(1500);
      expect(flaky().map((r) => [r.body.event, r.body.consecutiveFailures])).toEqual([
        ["failure", 1],
        ["recovered", 0],
      ]);

      // patient: first alert at its 3rd failure in a row, repeated no sooner than 2 s after.
      // (A later failure of the same streak: the 5th when every run is on time, the 4th
      // when one was held up a second, as a stalled disk does; realert counts time.)
      await until("patient's second alert", () => patient().length >= 2);
      const alerts = patient();
      expect(alerts[0]!.body.consecutiveFailures).toBe(3);
      expect(alerts[1]!.body.consecutiveFailures).toBeGreaterThanOrEqual(4);
      expect(alerts[1]!.at - alerts[0]!.at).toBeGreaterThanOrEqual(1800);

      // What the API, the log and /metrics say: delivered, the tokens redacted everywhere.
      const api = await service.gql(ALERTS);
      expect(api.errors).toBeUndefined();
      const shown = JSON.stringify(api.data);
      expect(api.data!.notifications.filter((n: any) => n.label === "flaky").map((n: any) => [n.event, n.state, n.channel])).toEqual([
        ["recovered", "delivered", `${hook.url}/services/***`],
        ["failure", "delivered", `${hook.url}/services/***`],
      ]);
      const jobAlerts = await service.gql(`{ job(label: "flaky") { alerts { event state } } }`);
      expect(jobAlerts.data!.job.alerts).toEqual([
        { event: "recovered", state: "delivered" },
        { event: "failure", state: "delivered" },
      ]);
      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      expect(metrics).toMatch(/^tickd_notifications_total\{outcome="delivered"\} [1-9]/m);
      const history = await tickd(["history", "--alerts", "flaky", "--config", project.configPath]);
      expect(history.stdout.trim().split("\n").slice(1).map((l) => l.split(/\s{2,}/).slice(2, 6))).toEqual([
        ["recovered", "delivered", "1", `${hook.url}/services/***`],
        ["failure", "delivered", "1", `${hook.url}/services/***`],
      ]);
      for (const text of [shown, service.log(), metrics, history.stdout]) expect(text).not.toContain("SECRET-TOKEN");
    } finally {
      await service.stop();
      hook.stop();
    }
  }, 30_000);
});

describe("a receiver that is down", () => {
  test("is retried and reported; an alert raised before a kill -9 is delivered by the restarted instance, once", async () => {
    const port = await freePort();
    const project = writeProject(`[broken]\ncommand = echo disk full; exit 1\nevery = 1 second\n`);
    projects.push(project);
    const hookUrl = `http://127.0.0.1:${port}/hook?token=SECRET-QUERY`;
    const first = await startService(project.dir, ["--notify", hookUrl, "--instance", "alerts-a"]);
    let runId: string;
    try {
      // The alert is in the outbox; the receiver refuses connections: tried again, then reported.
      await until("a second attempt", async () => {
        const r = await first.gql(ALERTS);
        return (r.data?.notifications?.[0]?.attempts ?? 0) >= 2;
      });
      const api = await first.gql(ALERTS);
      const [alert] = api.data!.notifications;
      expect(alert).toMatchObject({ label: "broken", event: "failure", state: "pending", channel: `http://127.0.0.1:${port}/***?***` });
      expect(alert.lastError).not.toBe("");
      expect(api.data!.notificationChannels).toMatchObject([{ channel: `http://127.0.0.1:${port}/***?***`, failing: true, pending: 1 }]);
      const health = (await (await fetch(`${first.url}/healthz`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: "ok", failingChannels: [`http://127.0.0.1:${port}/***?***`] });
      expect(first.log()).toContain('"notify.channel.failing"');
      expect(first.log()).not.toContain("SECRET-QUERY");
      expect(JSON.stringify(api.data)).not.toContain("SECRET-QUERY");
      runId = alert.runId;
    } finally {
      first.kill9();
    }
    // The receiver comes back; the next life delivers the pending alert, and
    // knows the streak already alerted (no second failure alert).
    const hook = receiver(port);
    const second = await startService(project.dir, ["--notify", hookUrl, "--instance", "alerts-a"]);
    try {
      await until("the alert from before the kill", () => hook.got.length >= 1, 20_000);
      await Bun.sleep(1500);
      expect(hook.got.map((r) => [r.body.event, r.body.runId])).toEqual([["failure", runId]]);
      expect(hook.got[0]!.body.message).toBe("command exited with code 1");
      const api = await second.gql(ALERTS);
      expect(api.data!.notifications[0]).toMatchObject({ state: "delivered" });
      expect(api.data!.notificationChannels[0]).toMatchObject({ failing: false, failuresInRow: 0 });
    } finally {
      await second.stop();
      hook.stop();
    }
  }, 45_000);
});

describe("mailto and exec channels", () => {
  test("an email reaches the SMTP server and the script gets the JSON on stdin", async () => {
    const smtpPort = await freePort();
    const smtp = Bun.spawn(["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", `127.0.0.1:${smtpPort}`], { stdout: "pipe", stderr: "pipe" });
    let mail = "";
    void (async () => {
      for await (const chunk of smtp.stdout) mail += new TextDecoder().decode(chunk);
    })();
    const project = writeProject(`[report]\ncommand = echo no data; exit 2\nevery = 1 second\nnotify = mailto:ops@example.com, exec:${"./config/on-alert.sh"}\nnotify_on = failure\n`);
    projects.push(project);
    const got = path.join(project.dir, "got.json");
    const script = path.join(project.dir, "config", "on-alert.sh");
    writeFileSync(script, `#!/bin/sh\ncat > "${got}"\n`);
    chmodSync(script, 0o755);
    await until("the SMTP server", async () => {
      try {
        (await Bun.connect({ hostname: "127.0.0.1", port: smtpPort, socket: { data() {} } })).end();
        return true;
      } catch {
        return false;
      }
    }, 10_000);
    const service = await startService(project.dir, ["--smtp", `smtp://127.0.0.1:${smtpPort}?from=tickd@example.com`]);
    try {
      await until("the script's file", () => existsSync(got) && readFileSync(got, "utf8").endsWith("\n"));
      expect(JSON.parse(readFileSync(got, "utf8"))).toMatchObject({ event: "failure", label: "report", message: "command exited with code 2", consecutiveFailures: 1 });
      // aiosmtpd prints a message whole between its markers: wait for the end one, not the first header.
      await until("the email", () => mail.includes("END MESSAGE"));
      expect(mail).toContain("To: ops@example.com");
      expect(mail).toContain("From: tickd@example.com");
      // The subject is the headline (MIME-encoded: it holds quotes); the body starts with it too.
      expect(mail).toMatch(/^Subject: =\?UTF-8\?Q\?tickd=3A_=22report=22_failed/m);
      expect(mail).toContain('\n\ntickd: "report" failed: command exited with code 2\n');
    } finally {
      await service.stop();
      smtp.kill();
      rmSync(got, { force: true });
    }
  }, 30_000);
});

test("a bad notify line names the file, the line and what to write", async () => {
  const project = writeProject(`[x]\ncommand = true\nevery = 1 hour\nnotify = htp://example.com\n`);
  projects.push(project);
  const proc = Bun.spawn([BINARY, "check", "--config", project.configPath], { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  expect(`${out}${err}`).toContain(`${project.configPath}:4 [x] notify: "htp://example.com" is not a notification channel; write an http(s):// URL`);
});
