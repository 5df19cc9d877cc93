/**
 * Issue 15: tickd left alone tells someone. The compiled binary on a temp
 * project with a real database file; a real HTTP server on loopback plays
 * the ping monitor, the url job's target and the OTLP/HTTP collector.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import { BINARY, tempDir } from "../helpers/binary.ts";

interface Seen {
  readonly path: string;
  readonly at: number;
  readonly traceparent: string | null;
  readonly body: string;
}

let seen: Seen[] = [];
let server: ReturnType<typeof Bun.serve>;
let base = "";

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      seen.push({ path: url.pathname, at: Date.now(), traceparent: request.headers.get("traceparent"), body: await request.text() });
      return new Response("OK");
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.stop(true));

function project(ini: string): { dir: string; db: string; cleanup: () => void } {
  const t = tempDir("tickd-unattended-");
  mkdirSync(path.join(t.dir, "config"));
  writeFileSync(path.join(t.dir, "config", "scheduler.ini"), ini);
  return { ...t, db: path.join(t.dir, "config", "scheduler.db") };
}

/** Run the service for `ms`, then SIGTERM; its combined output. */
/** Run tickd for `ms`, or (`until`) until that holds, checked every 50 ms for at most `ms`. */
async function runFor(dir: string, ms: number, extra: readonly string[] = [], until?: () => boolean | Promise<boolean>): Promise<string> {
  const proc = Bun.spawn([BINARY, "run", "--no-api", "--config", "config/scheduler.ini", ...extra], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  const out = Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  if (until) for (const deadline = Date.now() + ms; !(await until()) && Date.now() < deadline; ) await Bun.sleep(50);
  else await Bun.sleep(ms);
  proc.kill("SIGTERM");
  expect(await proc.exited).toBe(0);
  const [stdout, stderr] = await out;
  return stdout + stderr;
}

async function rows(db: string, where = "1 = 1"): Promise<Array<Record<string, unknown>>> {
  const client = createClient({ url: `file:${db}` });
  try {
    return (await client.execute(`SELECT * FROM activity WHERE ${where} ORDER BY scheduled_for, attempt`)).rows as unknown as Array<Record<string, unknown>>;
  } finally {
    client.close();
  }
}

const pathsOf = (prefix: string) => seen.filter((s) => s.path.startsWith(prefix)).map((s) => s.path.slice(prefix.length));

test("a job's pings arrive in order, start then success or fail; the instance's heartbeat arrives; a failing ping is logged without its token", async () => {
  seen = [];
  const p = project(`
[fine]
command = sleep 0.2
every = 1 second
ping = ${base}/hc/fine/

[broken]
command = exit 3
every = 1 second
ping = ${base}/hc/broken

[unheard]
command = true
every = 1 second
ping = http://127.0.0.1:9/secret-token-123
`);
  try {
    // Until two runs of each job have pinged their ends and the instance has pinged three times (a loaded machine starts slowly).
    const enough = () => pathsOf("/hc/fine").length >= 4 && pathsOf("/hc/broken").length >= 4 && pathsOf("/hc/instance").length >= 3;
    const log = await runFor(p.dir, 15_000, ["--ping", `${base}/hc/instance`, "--ping-every", "1 second"], enough);
    const fine = pathsOf("/hc/fine");
    const broken = pathsOf("/hc/broken");
    expect(fine.length).toBeGreaterThanOrEqual(4);
    // start, success, start, success, …: each run's end after its start (a run under way at the stop finishes in the grace).
    expect(fine).toEqual(fine.map((_, i) => (i % 2 === 0 ? "/start" : "")));
    expect(fine.length % 2).toBe(0);
    expect(broken.length).toBeGreaterThanOrEqual(4);
    expect(broken).toEqual(broken.map((_, i) => (i % 2 === 0 ? "/start" : "/fail")));
    expect(broken.length % 2).toBe(0);
    // Now, then every second while the store takes writes.
    expect(pathsOf("/hc/instance").length).toBeGreaterThanOrEqual(3);
    expect(log).toContain("ping.failed");
    expect(log).toContain("http://127.0.0.1:9/…");
    expect(log).not.toContain("secret-token-123");
    // The runs are recorded as they ended, whatever their pings did.
    expect((await rows(p.db, "label = 'unheard' AND status = 'success'")).length).toBeGreaterThanOrEqual(2);
  } finally {
    p.cleanup();
  }
}, 20_000);

test("an instance down across three occurrences records one missed run on restart, with the count of occurrences it was down for", async () => {
  const p = project(`
[report]
command = true
every = 2 seconds
grace = 1 second
`);
  try {
    // Until its first run is recorded (a loaded machine starts slowly).
    await runFor(p.dir, 15_000, [], async () => (await rows(p.db, "status = 'success'").catch(() => [])).length >= 1);
    const before = await rows(p.db);
    expect(before.length).toBeGreaterThanOrEqual(1);
    const last = Math.max(...before.map((r) => Number(r.scheduled_for)));
    // Down across last+2 s, +4 s and +6 s; back half-way to +8 s.
    await Bun.sleep(last + 7000 - Date.now());
    const log = await runFor(p.dir, 1200);
    const missed = await rows(p.db, "status = 'missed'");
    expect(missed.length).toBe(1);
    const record = missed[0]!;
    // Three (+2, +4, +6 s) when the restart comes on time; more when a loaded machine starts it late.
    const { missed: gap } = JSON.parse(String(record.output)) as { missed: { first: string; last: string; count: number } };
    const end = Date.parse(gap.last);
    const count = (end - (last + 2000)) / 2000 + 1;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(gap).toEqual({ first: new Date(last + 2000).toISOString(), last: new Date(end).toISOString(), count });
    expect(Number(record.scheduled_for)).toBe(end);
    expect(String(record.message)).toContain(`missed ${count} occurrences from`);
    expect(log).toContain("run.missed");
    // catchup = skip: none of the missed ran; the schedule goes on after the gap.
    const ran = await rows(p.db, `status <> 'missed' AND scheduled_for > ${last}`);
    expect(ran.every((r) => Number(r.scheduled_for) > end)).toBe(true);
  } finally {
    p.cleanup();
  }
}, 30_000);

interface OtlpSpan {
  traceId: string;
  spanId: string;
  name: string;
  startTimeUnixNano: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  status?: { code?: number };
}

function spansOf(requests: readonly Seen[]): OtlpSpan[] {
  return requests.flatMap((r) => {
    const body = JSON.parse(r.body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
    return body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  });
}

const attr = (span: OtlpSpan, key: string): unknown => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
};

test("--otlp exports one span per run with its attributes; a url job sends traceparent, a command sees TRACEPARENT", async () => {
  seen = [];
  const p = project(`
[call home]
url = ${base}/target
every = 1 second

[traced command]
command = printf '%s' "$TRACEPARENT"
every = 1 second

[fails]
command = exit 1
every = 1 second
`);
  try {
    // Until each job has a run of the kind checked below (a loaded machine starts slowly), then stopped: its spans are flushed on the way out.
    const done = async () => {
      const finished = await rows(p.db, "status <> 'running'").catch(() => []);
      const has = (label: string, status: string) => finished.some((r) => r.label === label && r.status === status);
      return has("call home", "success") && has("traced command", "success") && has("fails", "failure");
    };
    await runFor(p.dir, 12_000, ["--otlp", base], done);
    const exports = seen.filter((s) => s.path === "/v1/traces");
    expect(exports.length).toBeGreaterThanOrEqual(1);
    const spans = spansOf(exports);
    const runs = await rows(p.db);
    // One span per recorded run.
    expect(spans.length).toBe(runs.length);

    const targets = seen.filter((s) => s.path === "/target");
    expect(targets.length).toBeGreaterThanOrEqual(1);
    for (const request of targets) {
      const [, traceId, spanId, flags] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(request.traceparent ?? "") ?? [];
      expect(flags).toBe("01");
      const span = spans.find((s) => s.traceId === traceId && s.spanId === spanId);
      expect(span).toBeDefined();
      expect(attr(span!, "tickd.job.label")).toBe("call home");
      expect(attr(span!, "tickd.run.status")).toBe("success");
      expect(attr(span!, "tickd.run.trigger")).toBe("schedule");
      expect(Number(attr(span!, "tickd.run.attempt"))).toBe(1);
      const run = runs.find((r) => r.label === "call home" && new Date(Number(r.scheduled_for)).toISOString() === attr(span!, "tickd.run.scheduled_for"));
      expect(run).toBeDefined();
      expect(attr(span!, "tickd.run.started_at")).toBe(new Date(Number(run!.started_at)).toISOString());
      expect(BigInt(span!.startTimeUnixNano)).toBe(BigInt(Number(run!.started_at)) * 1_000_000n);
    }

    const commands = runs.filter((r) => r.label === "traced command" && r.status === "success");
    expect(commands.length).toBeGreaterThanOrEqual(1);
    for (const run of commands) {
      const [, traceId, spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(run.output)) ?? [];
      const span = spans.find((s) => s.traceId === traceId && s.spanId === spanId);
      expect(attr(span!, "tickd.job.label")).toBe("traced command");
    }

    // A loaded machine may start `exit 1` so slowly that its next second is skipped (overlap): that span says so.
    const failing = spans.filter((s) => attr(s, "tickd.job.label") === "fails");
    expect(failing.map((s) => attr(s, "tickd.run.status")).filter((status) => status !== "failure" && status !== "skipped")).toEqual([]);
    const failed = failing.filter((s) => attr(s, "tickd.run.status") === "failure");
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const span of failed) expect(span.status?.code).toBe(2); // STATUS_CODE_ERROR
  } finally {
    p.cleanup();
  }
}, 20_000);

test("a ping, grace or --ping that is not what it should be is a clear message, not a stack trace", async () => {
  const p = project(`
[a]
command = true
every = 1 minute
ping = ftp://example.com/x
grace = soon
`);
  try {
    const check = Bun.spawnSync([BINARY, "check", "--config", "config/scheduler.ini"], { cwd: p.dir });
    const out = check.stdout.toString() + check.stderr.toString();
    expect(check.exitCode).toBe(2);
    expect(out).toContain('scheduler.ini:5 [a] ping: "ftp://example.com/x" is not an http:// or https:// URL; write the check\'s ping address');
    expect(out).toContain('scheduler.ini:6 [a] grace: "soon" is not a duration');
    const run = Bun.spawnSync([BINARY, "run", "--no-api", "--config", "config/scheduler.ini", "--ping", "hc-ping.com/x"], { cwd: p.dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.toString()).toContain('--ping: "hc-ping.com/x" is not an http:// or https:// URL; write e.g. https://hc-ping.com/YOUR-UUID');
    expect(run.stderr.toString()).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  } finally {
    p.cleanup();
  }
});
