/**
 * Persist, the engine's whole write path: for every run the engine claims the
 * occurrence (so two instances never run it twice), queues the "running" row
 * and the final row. bench/persist.ts (engineer "store") measures the two row
 * writes alone; this adds the claims, which is what a run really costs.
 *
 *   bun bench/lib/persist-engine.ts --mode batched --runs 50000
 *   bun bench/lib/persist-engine.ts --mode single --runs 2000
 *
 * batched: runs arrive as in a burst (1,000 due at the same instant): all
 *   claims of the burst are queued together, then their rows; the store
 *   commits them in a few transactions.
 * single: every step is durable before the next (await claim, await flush).
 *
 * Prints one JSON line: {"mode","runs","seconds","runs_per_s","transactions","rows"}.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openStore } from "../../src/store/index.ts";
import type { RunRecord } from "../../src/engine/types.ts";

const BURST = 1000;

function parse(argv: string[]): { mode: "batched" | "single"; runs: number } {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) flags.set(argv[i]!.replace(/^--/, ""), argv[i + 1] ?? "");
  const mode = flags.get("mode") ?? "batched";
  const runs = Number(flags.get("runs") ?? 10_000);
  if (mode !== "batched" && mode !== "single") throw new Error(`--mode must be batched or single, got ${mode}`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${flags.get("runs")}`);
  return { mode, runs };
}

const { mode, runs } = parse(process.argv.slice(2));
const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-bench-persist-"));
const instance = `bench:${process.pid}`;
const store = await openStore(`file:${path.join(dir, "tickd.db")}`, { instance });

function record(i: number, base: number, status: "running" | "success"): RunRecord {
  const label = `job ${i % BURST}`;
  const scheduledFor = base + Math.floor(i / BURST) * 1000;
  return {
    runId: `${instance}:${label}:${scheduledFor}:1`,
    label,
    scheduledFor,
    startedAt: scheduledFor + 1,
    endedAt: status === "running" ? undefined : scheduledFor + 2,
    status,
    message: "",
    output: "",
    error: "",
    attempt: 1,
    trigger: "schedule",
    instance,
  };
}

const base = Date.now() - 86_400_000;
const before = store.stats.transactions;
const t0 = performance.now();
if (mode === "batched") {
  for (let start = 0; start < runs; start += BURST) {
    const end = Math.min(runs, start + BURST);
    const claims: Promise<boolean>[] = [];
    for (let i = start; i < end; i++) {
      const r = record(i, base, "running");
      claims.push(store.claim(r.label, r.scheduledFor));
    }
    const ours = await Promise.all(claims);
    for (let i = start; i < end; i++) {
      if (!ours[i - start]) throw new Error(`claim ${i} was refused on a fresh database`);
      void store.begin(record(i, base, "running"));
      store.finished(record(i, base, "success"));
    }
  }
  await store.flush();
} else {
  for (let i = 0; i < runs; i++) {
    const r = record(i, base, "running");
    if (!(await store.claim(r.label, r.scheduledFor))) throw new Error(`claim ${i} was refused on a fresh database`);
    void store.begin(r);
    store.finished(record(i, base, "success"));
    await store.flush();
  }
}
const seconds = (performance.now() - t0) / 1000;
const transactions = store.stats.transactions - before;
const counted = await store.client.execute("SELECT count(*) AS n FROM activity WHERE status = 'success'");
await store.close();
rmSync(dir, { recursive: true, force: true });
const rows = Number(counted.rows[0]?.n ?? 0);
if (rows !== runs) throw new Error(`expected ${runs} recorded runs, found ${rows}`);
process.stdout.write(`${JSON.stringify({ mode, runs, seconds: Math.round(seconds * 1000) / 1000, runs_per_s: Math.round(runs / seconds), transactions, rows })}\n`);
