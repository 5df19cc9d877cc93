/**
 * Alerts under load: N jobs every second, each with a webhook of its own, on
 * the real engine, store, notifier and sender (as `tickd run` wires them),
 * the receiver a separate process on loopback. Measures the jobs' start
 * lateness while alerts are raised and delivered (as bench/peers/tickd.ts
 * does: callback start minus due time), and how long the alert backlog takes
 * to drain: from the first alert raised to the last one delivered.
 *
 * The jobs succeed through a warm-up (--warmup, 3 s: the engine's first
 * instants are cold, JIT and all, with or without alerts) and fail from the
 * first measured instant on: every job's streak alerts at once, as when a
 * database all jobs use goes down. Each streak alerts once (alert_after = 1),
 * so the backlog is N alerts after the first measured instant; --realert 1
 * makes every failure alert (N alerts a second, sustained). --receiver-delay
 * makes the receiver answer each POST that much later (a slow webhook: the
 * deliveries then overlap the next instants). --notify off runs the same
 * jobs without a channel: the baseline, in the same minute on the same
 * machine, that what alerting costs is measured against. Prints one JSON line.
 *
 * --quiet off lets the sender deliver right up to each instant (the window
 * it otherwise keeps clear, notify/sender.ts), to see what that window buys.
 *
 * Usage: bun bench/alerts.ts --jobs 1000 --duration 10 [--warmup 3] [--realert SECONDS] [--receiver-delay MS] [--notify on|off] [--quiet on|off]
 *        make bench-alerts       (1,000 jobs, 10 s: one burst, then sustained, each beside its baseline)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { systemClock } from "../src/clock.ts";
import { parseJobFile } from "../src/config/load.ts";
import { createEngine } from "../src/engine/engine.ts";
import { Notifier, QUIET_AFTER_MS, QUIET_BEFORE_MS, Sender } from "../src/notify/index.ts";
import { compileSchedule } from "../src/schedule/index.ts";
import { Result, STATUS } from "../src/sdk/index.ts";
import { openStore } from "../src/store/index.ts";
import { percentile } from "./peers/lib/harness.mjs";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000" },
    duration: { type: "string", default: "10" },
    realert: { type: "string" },
    notify: { type: "string", default: "on" },
    warmup: { type: "string", default: "3" },
    "receiver-delay": { type: "string", default: "0" },
    quiet: { type: "string", default: "on" },
  },
});
const jobs = Number(values.jobs);
const duration = Number(values.duration);
const realert = values.realert === undefined ? undefined : Number(values.realert);
// --notify off: the same jobs without a channel (the baseline: what alerting adds is the difference).
const notify = values.notify === "on";
const warmup = Number(values.warmup);
const receiverDelay = Number(values["receiver-delay"]);
const quiet = values.quiet === "on";
if (!(jobs > 0 && duration > 0 && warmup >= 0 && receiverDelay >= 0 && (realert === undefined || realert > 0) && (notify || values.notify === "off") && (quiet || values.quiet === "off"))) {
  console.error("usage: alerts.ts --jobs N --duration SECONDS [--warmup SECONDS] [--realert SECONDS] [--receiver-delay MS] [--notify on|off] [--quiet on|off]");
  process.exit(2);
}

const hr = () => performance.timeOrigin + performance.now();
const loadAtStart = os.loadavg()[0]!;
const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-bench-alerts-"));

// The receiver: its own process, counting POSTs; GET /count answers the count and the last arrival.
writeFileSync(
  path.join(dir, "receiver.ts"),
  `let n = 0, last = 0; const sent = [];\n` +
    `const s = Bun.serve({ port: 0, hostname: "127.0.0.1", async fetch(r) {\n` +
    `  if (r.method === "GET") return Response.json({ n, last, sent });\n` +
    `  sent.push(performance.timeOrigin + performance.now());\n` +
    `  await r.arrayBuffer(); if (${receiverDelay} > 0) await Bun.sleep(${receiverDelay});\n` +
    `  n++; last = performance.timeOrigin + performance.now(); return new Response("ok");\n` +
    `} });\nconsole.log(s.port);\n`,
);
const receiver = Bun.spawn([process.execPath, path.join(dir, "receiver.ts")], { stdout: "pipe" });
const first = await receiver.stdout.getReader().read();
const port = Number(new TextDecoder().decode(first.value).trim());
const hookBase = `http://127.0.0.1:${port}/hook`;
/** Deliveries received, the last one's time, and when each POST arrived (the sender sent it a moment before). */
const count = async () => (await (await fetch(`${hookBase}/count`)).json()) as { n: number; last: number; sent: number[] };

const ini = Array.from({ length: jobs }, (_, i) => `[job ${i}]\ncall = bench.fail\nevery = 1 second\n${notify ? `notify = ${hookBase}/${i}\n` : ""}${realert ? `realert = ${realert} seconds\n` : ""}`).join("\n");
const file = parseJobFile(ini, path.join(dir, "scheduler.ini"), "UTC");
if (file.diagnostics.length > 0) throw new Error(file.diagnostics[0]!.message);

const instance = `${os.hostname()}:${process.pid}`;
const store = await openStore(`file:${path.join(dir, "scheduler.db")}`, { instance });
const notifier = new Notifier({ store, clock: systemClock, defaultChannels: [] });
await notifier.seed(new Map()); // a fresh store: no history
// As `tickd run` wires it: delivery keeps out of the moments before each due instant (--quiet off: it does not).
const sender = new Sender({
  store,
  clock: systemClock,
  ...(quiet && { nextDueAt: () => engine.nextDueAt() }),
  log: (level, event, fields) => level !== "info" && console.error(event, JSON.stringify(fields)),
});

let measuring = false;
/** The jobs succeed until the warm-up is over, and fail from then on (also after the measurement: no recovery alerts). */
let warm = true;
const late: number[] = [];
/** Per instant (its due time): the starts' lateness, to see which instants were late. */
const byInstant = new Map<number, number[]>();
let firstAlertAt: number | null = null;
const job = (_kwargs: unknown, ctx: { scheduledFor: Date }) => {
  const now = hr();
  if (warm) return Result(STATUS.success, "bench: warming up");
  if (measuring) {
    const at = ctx.scheduledFor.getTime();
    late.push(now - at);
    let list = byInstant.get(at);
    if (!list) byInstant.set(at, (list = []));
    list.push(now - at);
  }
  return Result(STATUS.failure, "bench: failing on purpose");
};
const engine = createEngine({ store, instance, timezone: "UTC", compile: compileSchedule, resolve: () => job });
notifier.attach((label) => engine.job(label)?.spec);
engine.subscribe(notifier.listener);
engine.subscribe((event) => {
  if (event.type === "run.finished" && firstAlertAt === null && notifier.raised > 0) firstAlertAt = hr();
});
sender.start();
await engine.start(file.jobs);
await store.flush();
await Bun.sleep(warmup * 1000);
warm = false;
measuring = true;
const cpu0 = process.cpuUsage();
await Bun.sleep(duration * 1000);
measuring = false;
const measuredUntil = hr();
const cpu = process.cpuUsage(cpu0);
await engine.stop({ graceMs: 1000 });
await store.flush();
notifier.stop();

// Drain: wait until every alert raised is delivered (or 120 s pass).
const raised = notifier.raised;
const drainStart = hr();
let got = await count();
while (got.n < raised && hr() - drainStart < 120_000) {
  await Bun.sleep(50);
  got = await count();
}
await sender.stop();
const states = await store.client.execute("SELECT state, COUNT(*) AS n FROM notifications GROUP BY state");
await store.close();
receiver.kill();
rmSync(dir, { recursive: true, force: true });

late.sort((a, b) => a - b);
// Deliveries sent in the moments before an instant (QUIET_BEFORE_MS of it, to
// QUIET_AFTER_MS after): the work the sender's quiet window keeps out. Every
// job is on one 1 s grid, so the instants are the first one plus whole seconds.
const grid = Math.min(...byInstant.keys());
const nearInstant = Number.isFinite(grid)
  ? got.sent.filter((t) => t < measuredUntil).filter((t) => {
      const phase = (((t - grid) % 1000) + 1000) % 1000;
      return phase >= 1000 - QUIET_BEFORE_MS || phase < QUIET_AFTER_MS;
    }).length
  : 0;
const pct = (p: number) => (late.length === 0 ? null : +percentile(late, p)!.toFixed(3));
console.log(
  JSON.stringify({
    bench: "alerts",
    jobs,
    duration_s: duration,
    notify,
    warmup_s: warmup,
    realert_s: realert ?? null,
    receiver_delay_ms: receiverDelay,
    quiet,
    runs: late.length,
    late_ms: { p50: pct(50), p99: pct(99), max: late.length === 0 ? null : +late[late.length - 1]!.toFixed(3) },
    // Each instant's latest start, in order: which instants were late (the first raises the alerts).
    instants_max_ms: [...byInstant.keys()].sort((a, b) => a - b).map((at) => +Math.max(...byInstant.get(at)!).toFixed(2)),
    alerts_raised: raised,
    alerts_delivered: got.n,
    // Of those sent while the jobs ran.
    sent_while_measured: got.sent.filter((t) => t < measuredUntil).length,
    sent_near_instant: nearInstant,
    outbox: Object.fromEntries(states.rows.map((r) => [String(r.state), Number(r.n)])),
    sender: sender.counts,
    // From the first alert raised to the last one received.
    drain_ms: firstAlertAt === null || got.n === 0 ? null : Math.round(got.last - firstAlertAt),
    after_stop_ms: Math.round(hr() - drainStart),
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    // The machine's 1-minute load average before and after: other work inflates lateness for every configuration alike.
    load: [+loadAtStart.toFixed(2), +os.loadavg()[0]!.toFixed(2)],
    at: new Date().toISOString(),
  }),
);
process.exit(0);
