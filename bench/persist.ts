/**
 * How many run records per second the store can persist on an embedded file
 * database: batched (the engine's path: started+finished queued, one
 * transaction per burst) versus one by one (a flush after every run).
 *
 *   node_modules/.bin/bun run bench/persist.ts [--runs N] [--json]
 *
 * Each recorded run is a started row and its finished update, as the engine
 * writes them; "batched" queues the whole burst before flushing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RunRecord } from "../src/engine/types.ts";
import { openStore } from "../src/store/index.ts";

const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf("--runs") + 1] || 0) || 20_000;
const oneByOneRuns = Math.min(runs, 2_000);
const asJson = argv.includes("--json");

function record(i: number, prefix: string): RunRecord {
  const t = Date.UTC(2026, 0, 1) + i * 1000;
  return {
    runId: `bench:${prefix}:${i}`,
    label: `job ${i % 50}`,
    scheduledFor: t,
    startedAt: t,
    status: "running",
    message: "",
    output: "",
    error: "",
    attempt: 1,
    trigger: "schedule",
    instance: "bench:1",
  };
}

/** `burst`: flush after this many runs (Infinity = once at the end; 0 = after every write). */
async function measure(name: string, count: number, burst: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-bench-"));
  const store = await openStore(`file:${path.join(dir, "bench.db")}`, { instance: "bench:1" });
  const before = store.stats.transactions;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const r = record(i, name);
    void store.begin(r);
    if (burst === 0) await store.flush();
    store.finished({ ...r, status: "success", endedAt: r.startedAt + 12, message: "ok", output: "processed 12 items" });
    if (burst === 0 || (i + 1) % burst === 0) await store.flush();
  }
  await store.flush();
  const seconds = (performance.now() - start) / 1000;
  const transactions = store.stats.transactions - before;
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return { name, runs: count, seconds: Number(seconds.toFixed(3)), runsPerSecond: Math.round(count / seconds), transactions };
}

// Warm up the driver and the JIT once, untimed.
await measure("warmup", 500, Infinity);
const results = [
  await measure("batched", runs, Infinity),
  await measure("bursts of 1,000", runs, 1000),
  await measure("one-by-one", oneByOneRuns, 0),
];
if (asJson) {
  console.log(JSON.stringify({ bench: "persist", runtime: `bun ${Bun.version}`, results }, null, 2));
} else {
  for (const r of results) {
    console.log(`${r.name.padEnd(15)} ${String(r.runs).padStart(6)} runs in ${r.seconds.toFixed(3)} s = ${String(r.runsPerSecond).padStart(7)} runs/s (${r.transactions} transactions)`);
  }
}
