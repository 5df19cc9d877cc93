/**
 * tickd's peer for the scheduler benchmark: N no-op jobs on the real engine,
 * real timers, the embedded store (a temp libSQL file). Only the window after
 * setup is measured. Prints one JSON line:
 *
 *   {"peer":"tickd","jobs","interval_s","duration_s","fired","expected",
 *    "late_ms":{"p50","p99","max"},"instants":{"n","late"},"cpu_ms","setup_ms","rss_mb"}
 *
 * Lateness is callback start minus due time, from a high-resolution clock
 * (performance.timeOrigin + performance.now()).
 *
 * With --isolate worker the callback is a module's export run in its worker,
 * as a job file's callbacks are by default (isolate = worker); it measures its
 * own lateness there and returns it as its message, read back from the runs'
 * rows. Without it the callback runs in the scheduler's thread (isolate =
 * none), the engine's own cost.
 *
 * With --history N the store starts with N earlier runs of each job (N
 * seconds of them, one a second, rows and claims as the engine writes them),
 * so the window shows what a run costs once the history is large: its
 * indexes no longer fit in a few pages. setup_ms then includes writing them.
 *
 * Runs under Deno 2 too (the tickd-deno contender): deno run -A --config deno.json bench/peers/tickd.ts …
 *
 * Usage: bun bench/peers/tickd.ts --jobs 1000 --interval 1 --duration 10 [--warmup 3] [--samples FILE] [--isolate worker|none] [--history RUNS]
 *        bun bench/peers/tickd.ts --jobs 100000 --interval 3600 --duration 20   (none due: idle CPU)
 *        --interval 1..10 gives job i the interval 1 + (i mod 10) seconds, as for every peer.
 */
import { slowGcTimer } from "../../src/runtime/gc-timer.ts";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { writeFileSync } from "node:fs";
import { resolveInWorker } from "../../src/callbacks/index.ts";
import { parseJobFile } from "../../src/config/load.ts";
import { createEngine } from "../../src/engine/engine.ts";
import { compileSchedule } from "../../src/schedule/index.ts";
import { openStore } from "../../src/store/index.ts";
import { HEARTBEAT_EVERY_MS } from "../../src/store/lifecycle.ts";
import { lateInstants, percentile, writeSamples } from "./lib/harness.mjs";

// As `tickd run` does (src/main.ts): Bun's GC timer at its slow interval from the start.
await slowGcTimer();

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000" },
    interval: { type: "string", default: "1" },
    duration: { type: "string", default: "10" },
    warmup: { type: "string", default: "0" },
    samples: { type: "string" },
    isolate: { type: "string", default: "none" },
    history: { type: "string", default: "0" },
  },
});
const jobs = Number(values.jobs);
const [lo, hi] = values.interval!.includes("..") ? values.interval!.split("..").map(Number) : [Number(values.interval), Number(values.interval)];
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const inWorker = values.isolate === "worker";
const history = Number(values.history);
if (!(jobs > 0 && lo! > 0 && hi! >= lo! && duration > 0 && warmup >= 0 && Number.isInteger(history) && history >= 0 && (inWorker || values.isolate === "none"))) {
  console.error("usage: tickd.ts --jobs N --interval SECONDS|A..B --duration SECONDS [--warmup SECONDS] [--samples FILE] [--isolate worker|none] [--history RUNS]");
  process.exit(2);
}

const hr = () => performance.timeOrigin + performance.now();
const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-bench-"));
const setupStart = hr();

// Job i gets lo + (i mod (hi - lo + 1)) seconds, the rule every peer follows (bench/peers/lib/harness.mjs).
const intervals = Array.from({ length: jobs }, (_, i) => lo! + (i % (hi! - lo! + 1)));
const ini = intervals.map((s, i) => `[job ${i}]\ncall = bench.noop\nevery = ${s} seconds\n`).join("\n");
const file = parseJobFile(ini, path.join(dir, "scheduler.ini"), "UTC");
if (file.diagnostics.length > 0) throw new Error(file.diagnostics[0]!.message);

const instance = `${os.hostname()}:${process.pid}`;
const store = await openStore(`file:${path.join(dir, "scheduler.db")}`, { instance });
if (history > 0) {
  // In the order the engine records them (by time, then job), with the engine's run ids (engine/runner.ts).
  const first = Date.now() - history * 1000;
  const grid = "WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < ?), j(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM j WHERE i < ?)";
  const at = "(? + n * 1000)";
  await store.client.batch(
    [
      {
        sql: `${grid} INSERT INTO claims (label, scheduled_for, instance, claimed_at) SELECT 'job ' || i, ${at}, ?, ${at} FROM k, j ORDER BY n, i`,
        args: [history - 1, jobs - 1, first, instance, first],
      },
      {
        sql:
          `${grid} INSERT INTO activity (run_id, label, scheduled_for, started_at, ended_at, status, instance)` +
          ` SELECT ${at} || ':' || ? || ':job ' || i || ':1', 'job ' || i, ${at}, ${at}, ${at} + 1, 'success', ? FROM k, j ORDER BY n, i`,
        args: [history - 1, jobs - 1, first, instance, first, first, first, instance],
      },
    ],
    "write",
  );
  await store.client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
}

let measuring = false;
let windowStart = 0;
let windowEnd = Infinity;
const late: number[] = [];
const dues: number[] = [];
const noop = (_kwargs: unknown, ctx: { scheduledFor: Date }) => {
  const now = hr();
  const due = ctx.scheduledFor.getTime();
  if (measuring && due >= windowStart && due < windowEnd) {
    late.push(now - due);
    dues.push(due);
  }
};

// In a worker: the same measure, taken there and returned as the run's message.
writeFileSync(
  path.join(dir, "bench.ts"),
  `import { Result, STATUS } from "tickd";\n` +
    `export function noop(_kwargs, ctx) {\n` +
    `  return Result(STATUS.success, { message: String(performance.timeOrigin + performance.now() - ctx.scheduledFor.getTime()) });\n` +
    `}\n`,
);
const callback = inWorker ? await resolveInWorker("bench.noop", dir) : noop;
const engine = createEngine({ store, instance, timezone: "UTC", compile: compileSchedule, resolve: () => callback });
const registeredAt = Date.now();
await engine.start(file.jobs);
// The heartbeat, as `tickd run` beats (src/service/service.ts): it renews the
// lease that every start checks, and looks for dead instances. Without it the
// lease lapses 10 s in and the next instant waits for a renewal.
const beating = setInterval(async () => {
  await store.heartbeat();
  engine.takeOver((await store.markAbandoned(Date.now())).takenOver);
}, HEARTBEAT_EVERY_MS);
// Let the first claims and writes settle, and collect setup garbage (parsing
// 100,000 INI sections), before the window opens: setup is not the window.
await store.flush();
// Bun's synchronous collector; under Deno, V8's (--v8-flags=--expose-gc, bench/lib/contenders.ts).
const runtime = globalThis as { Bun?: { gc(sync: boolean): void }; gc?: () => void };
if (runtime.Bun) runtime.Bun.gc(true);
else runtime.gc?.();
const setupMs = hr() - setupStart;

// The window opens after the warm-up (JIT tiers, first allocations), the same for every contender.
windowStart = Date.now() + warmup * 1000;
windowEnd = windowStart + duration * 1000;
// Occurrences of job i: registeredAt + k * interval, k >= 1.
let expected = 0;
for (const s of intervals) {
  const step = s * 1000;
  const firstK = Math.max(1, Math.ceil((windowStart - registeredAt) / step));
  const lastK = Math.ceil((windowEnd - registeredAt) / step) - 1;
  if (lastK >= firstK) expected += lastK - firstK + 1;
}
measuring = true;
if (warmup > 0) await new Promise((r) => setTimeout(r, windowStart - Date.now()));
const cpu0 = process.cpuUsage();
await new Promise((r) => setTimeout(r, windowEnd - Date.now()));
const cpu = process.cpuUsage(cpu0);
measuring = false;
const rssMb = process.memoryUsage().rss / 2 ** 20;

clearInterval(beating);
await engine.stop({ graceMs: 1000 });
if (inWorker) {
  await store.flush();
  const rows = await store.client.execute({
    sql: "SELECT scheduled_for, message FROM activity WHERE scheduled_for >= ? AND scheduled_for < ? AND status = 'success'",
    args: [windowStart, windowEnd],
  });
  for (const row of rows.rows) {
    dues.push(Number(row.scheduled_for));
    late.push(Number(row.message));
  }
}
await store.close();
rmSync(dir, { recursive: true, force: true });

const instants = lateInstants(dues, late);
if (values.samples) writeSamples(values.samples, dues, late);
late.sort((a, b) => a - b);
// Nearest rank, as every other contender reports it (harness.mjs).
const pct = (p: number) => (late.length === 0 ? null : +percentile(late, p)!.toFixed(3));
console.log(
  JSON.stringify({
    peer: "tickd",
    isolate: values.isolate,
    jobs,
    interval_s: values.interval!.includes("..") ? values.interval : lo,
    duration_s: duration,
    fired: late.length,
    expected,
    late_ms: { p50: pct(50), p99: pct(99), max: late.length === 0 ? null : +late[late.length - 1]!.toFixed(3) },
    instants,
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    setup_ms: Math.round(setupMs),
    rss_mb: Math.round(rssMb),
  }),
);
process.exit(0);
