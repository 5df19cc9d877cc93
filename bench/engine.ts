/**
 * `make bench-engine`: the engine's own targets (issue 3), each beside the
 * floor (bench/peers/floor.ts: tickd's wake with no scheduler behind it).
 *
 * 1. Lateness, round after round: the burst workload (1,000 jobs every
 *    second), tickd and the floor alternately. One window says little about
 *    a p99 that a single late wake in twenty decides; rounds say how often
 *    each misses, and the floor says how often the machine itself does.
 *    Every start of every round is also pooled (`--samples`): the p99 of
 *    the whole run, and per instant how late the wake was (first start)
 *    and how long the loop of starts took (span).
 *    tickd runs twice: its callback in the scheduler's thread (isolate =
 *    none, the engine's own cost) and in its module's worker (the default,
 *    isolate = worker: what the isolation costs).
 * 2. Idle at steady state: 100,000 jobs every hour, none due, measured after
 *    a warm-up long enough for Bun's GC timer to settle (make bench measures
 *    the 5 s right after setup, when it still collects every second).
 *
 * Writes bench/results/engine.{json,md}.
 * Environment: BENCH_ROUNDS (8), BENCH_BURST_S (20), BENCH_WARMUP_S (3),
 * BENCH_IDLE_S (20), BENCH_IDLE_WARMUP_S (40).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BENCH_DIR, CONTENDERS, FLOOR, runContender } from "./lib/contenders.ts";
import { engineMarkdown, poolSamples, summarizeRounds, type RoundRun, type Samples } from "./lib/engine-report.ts";
import { machineInfo } from "./lib/machine.ts";
import { cpuPerSecond } from "./lib/report.ts";
import { envNumber } from "./lib/workloads.ts";
import { GRACE_MS } from "./peers/lib/harness.mjs";

const rounds = envNumber("BENCH_ROUNDS", 8);
const burst = { jobs: 1000, interval: "1", duration: envNumber("BENCH_BURST_S", 20), warmup: envNumber("BENCH_WARMUP_S", 3) };
const idle = { jobs: 100_000, interval: "3600", duration: envNumber("BENCH_IDLE_S", 20), warmup: envNumber("BENCH_IDLE_WARMUP_S", 40) };
const tickd = CONTENDERS.find((c) => c.name === "tickd")!;
const inWorker = { ...tickd, name: "tickd, isolate = worker", command: [...tickd.command, "--isolate", "worker"] };
const contenders = [tickd, inWorker, FLOOR];
const names = contenders.map((c) => c.name);

const t0 = performance.now();
const log = (line: string) => process.stderr.write(`[engine ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
const machine = await machineInfo();
log(`${names.join(" and ")}: ${rounds} burst rounds of ${burst.duration} s (+${burst.warmup} s warm-up), then idle; ${machine.cpu}, ${machine.cores} cores`);

const samplesDir = mkdtempSync(path.join(os.tmpdir(), "tickd-bench-samples-"));
const samples = new Map<string, Samples[]>(names.map((n) => [n, []]));
const run = async (c: (typeof contenders)[number], w: typeof burst, pool = false): Promise<RoundRun> => {
  const file = path.join(samplesDir, `${c.name.replace(/\W+/g, "-")}.json`);
  const out = await runContender(c, { ...w, ...(pool && { samples: file }) }, (30 + w.warmup + w.duration) * 1000 + GRACE_MS);
  if (out.ok && pool) samples.get(c.name)!.push(JSON.parse(readFileSync(file, "utf8")) as Samples);
  return out.ok ? { ok: true, result: out.result } : { ok: false, error: out.error };
};
const describe = (r: RoundRun, idle = false) =>
  !r.ok ? `FAILED ${r.error}` : idle ? `${cpuPerSecond(r.result).toFixed(2)} ms CPU/s, ${r.result.rss_mb} MB` : `p99 ${r.result.late_ms.p99} ms, late instants ${r.result.instants?.late}/${r.result.instants?.n}`;

const results: RoundRun[][] = [];
for (let round = 1; round <= rounds; round++) {
  const row: RoundRun[] = [];
  for (const c of contenders) {
    row.push(await run(c, burst, true));
    log(`round ${round} ${c.name.padEnd(5)} ${describe(row.at(-1)!)}`);
  }
  results.push(row);
}
const idleRuns: RoundRun[] = [];
// Idle, nothing runs: where the callbacks would run does not matter.
const idleContenders = contenders.filter((c) => c !== inWorker);
for (const c of idleContenders) {
  idleRuns.push(await run(c, idle));
  log(`idle     ${c.name.padEnd(5)} ${describe(idleRuns.at(-1)!, true)}`);
}

rmSync(samplesDir, { recursive: true, force: true });
const pooled = names.map((n) => poolSamples(samples.get(n)!));

const outDir = path.join(BENCH_DIR, "results");
mkdirSync(outDir, { recursive: true });
const summaries = names.map((name, i) => summarizeRounds(name, results.map((r) => r[i]!)));
writeFileSync(path.join(outDir, "engine.json"), `${JSON.stringify({ machine, burst, rounds: results, summaries, pooled, idle, idleRuns }, null, 2)}\n`);
writeFileSync(path.join(outDir, "engine.md"), engineMarkdown(machine, { burst, rounds: results, pooled, idle, idleRuns }, names, idleContenders.map((c) => c.name)));
summaries.forEach((s, i) =>
  log(`${s.contender}: p99 under 2 ms in ${s.windowsMet} of ${s.windows} windows; ${s.lateInstants} of ${s.instants} instants more than 2 ms late; pooled p99 ${pooled[i]!.p99} ms over ${pooled[i]!.starts} starts`),
);
log(`done in ${Math.round((performance.now() - t0) / 1000)} s: bench/results/engine.md`);
