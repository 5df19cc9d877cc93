/**
 * Alerts under load: N jobs failing every second, each with a webhook of its
 * own, on the real engine, store, notifier and sender (as `tickd run` wires
 * them), the receiver a separate process on loopback. Measures the jobs'
 * start lateness while alerts are raised and delivered (as bench/peers/tickd.ts
 * does: callback start minus due time), and how long the alert backlog takes
 * to drain: from the first alert raised to the last one delivered.
 *
 * Each streak alerts once (alert_after = 1), so the backlog is N alerts in
 * the first second; --realert 1 makes every failure alert (N alerts a second,
 * sustained). Prints one JSON line.
 *
 * Usage: bun bench/alerts.ts --jobs 1000 --duration 10 [--realert SECONDS]
 *        make bench-alerts                       (1,000 jobs, 10 s)
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { systemClock } from "../src/clock.ts";
import { parseJobFile } from "../src/config/load.ts";
import { createEngine } from "../src/engine/engine.ts";
import { Notifier, Sender } from "../src/notify/index.ts";
import { compileSchedule } from "../src/schedule/index.ts";
import { Result, STATUS } from "../src/sdk/index.ts";
import { openStore } from "../src/store/index.ts";
import { percentile } from "./peers/lib/harness.mjs";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000" },
    duration: { type: "string", default: "10" },
    realert: { type: "string" },
  },
});
const jobs = Number(values.jobs);
const duration = Number(values.duration);
const realert = values.realert === undefined ? undefined : Number(values.realert);
if (!(jobs > 0 && duration > 0 && (realert === undefined || realert > 0))) {
  console.error("usage: alerts.ts --jobs N --duration SECONDS [--realert SECONDS]");
  process.exit(2);
}

const hr = () => performance.timeOrigin + performance.now();
const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-bench-alerts-"));

// The receiver: its own process, counting POSTs; GET /count answers the count and the last arrival.
writeFileSync(
  path.join(dir, "receiver.ts"),
  `let n = 0, last = 0;\n` +
    `const s = Bun.serve({ port: 0, hostname: "127.0.0.1", async fetch(r) {\n` +
    `  if (r.method === "GET") return Response.json({ n, last });\n` +
    `  await r.arrayBuffer(); n++; last = performance.timeOrigin + performance.now(); return new Response("ok");\n` +
    `} });\nconsole.log(s.port);\n`,
);
const receiver = Bun.spawn([process.execPath, path.join(dir, "receiver.ts")], { stdout: "pipe" });
const first = await receiver.stdout.getReader().read();
const port = Number(new TextDecoder().decode(first.value).trim());
const hookBase = `http://127.0.0.1:${port}/hook`;
const count = async () => (await (await fetch(`${hookBase}/count`)).json()) as { n: number; last: number };

const ini = Array.from({ length: jobs }, (_, i) => `[job ${i}]\ncall = bench.fail\nevery = 1 second\nnotify = ${hookBase}/${i}\n${realert ? `realert = ${realert} seconds\n` : ""}`).join("\n");
const file = parseJobFile(ini, path.join(dir, "scheduler.ini"), "UTC");
if (file.diagnostics.length > 0) throw new Error(file.diagnostics[0]!.message);

const instance = `${os.hostname()}:${process.pid}`;
const store = await openStore(`file:${path.join(dir, "scheduler.db")}`, { instance });
const notifier = new Notifier({ store, clock: systemClock, defaultChannels: [] });
await notifier.seed();
const sender = new Sender({ store, clock: systemClock, log: (level, event, fields) => level !== "info" && console.error(event, JSON.stringify(fields)) });

let measuring = false;
const late: number[] = [];
let firstAlertAt: number | null = null;
const fail = (_kwargs: unknown, ctx: { scheduledFor: Date }) => {
  const now = hr();
  if (measuring) late.push(now - ctx.scheduledFor.getTime());
  return Result(STATUS.failure, "bench: failing on purpose");
};
const engine = createEngine({ store, instance, timezone: "UTC", compile: compileSchedule, resolve: () => fail });
notifier.attach((label) => engine.job(label)?.spec);
engine.subscribe(notifier.listener);
engine.subscribe((event) => {
  if (event.type === "run.finished" && firstAlertAt === null && notifier.raised > 0) firstAlertAt = hr();
});
sender.start();
await engine.start(file.jobs);
await store.flush();
measuring = true;
const cpu0 = process.cpuUsage();
await Bun.sleep(duration * 1000);
measuring = false;
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
const pct = (p: number) => (late.length === 0 ? null : +percentile(late, p)!.toFixed(3));
console.log(
  JSON.stringify({
    bench: "alerts",
    jobs,
    duration_s: duration,
    realert_s: realert ?? null,
    runs: late.length,
    late_ms: { p50: pct(50), p99: pct(99), max: late.length === 0 ? null : +late[late.length - 1]!.toFixed(3) },
    alerts_raised: raised,
    alerts_delivered: got.n,
    outbox: Object.fromEntries(states.rows.map((r) => [String(r.state), Number(r.n)])),
    sender: sender.counts,
    // From the first alert raised to the last one received.
    drain_ms: firstAlertAt === null || got.n === 0 ? null : Math.round(got.last - firstAlertAt),
    after_stop_ms: Math.round(hr() - drainStart),
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
  }),
);
process.exit(0);
