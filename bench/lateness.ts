/**
 * `make bench-lateness`: the burst workload (1,000 jobs every second), tickd
 * and the floor (bench/peers/floor.ts: the same wake with no scheduler)
 * alternately, round after round. One window says little about a p99 that
 * a single late wake in twenty decides; rounds say how often each misses,
 * and the floor says how often the machine itself does.
 *
 * Writes bench/results/lateness-rounds.{json,md}.
 * Environment: BENCH_ROUNDS (8), BENCH_BURST_S (20), BENCH_WARMUP_S (3).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BENCH_DIR, CONTENDERS, FLOOR, runContender } from "./lib/contenders.ts";
import { machineInfo } from "./lib/machine.ts";
import { roundsMarkdown, summarizeRounds, type RoundRun } from "./lib/rounds.ts";
import { envNumber } from "./lib/workloads.ts";
import { GRACE_MS } from "./peers/lib/harness.mjs";

const rounds = envNumber("BENCH_ROUNDS", 8);
const duration = envNumber("BENCH_BURST_S", 20);
const warmup = envNumber("BENCH_WARMUP_S", 3);
const workload = { jobs: 1000, interval: "1", duration, warmup };
const contenders = [CONTENDERS.find((c) => c.name === "tickd")!, FLOOR];
const names = contenders.map((c) => c.name);

const t0 = performance.now();
const log = (line: string) => process.stderr.write(`[lateness ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
const machine = await machineInfo();
log(`${rounds} rounds of ${duration} s (+${warmup} s warm-up): ${names.join(", ")}; ${machine.cpu}, ${machine.cores} cores`);

const results: RoundRun[][] = [];
for (let round = 1; round <= rounds; round++) {
  const row: RoundRun[] = [];
  for (const c of contenders) {
    const out = await runContender(c, workload, (30 + warmup + duration) * 1000 + GRACE_MS);
    row.push(out.ok ? { ok: true, result: out.result } : { ok: false, error: out.error });
    log(`round ${round} ${c.name.padEnd(5)} ${out.ok ? `p99 ${out.result.late_ms.p99} ms, late instants ${out.result.instants?.late}/${out.result.instants?.n}` : `FAILED ${out.error}`}`);
  }
  results.push(row);
}

const outDir = path.join(BENCH_DIR, "results");
mkdirSync(outDir, { recursive: true });
const title = `1,000 jobs every second, ${duration} s windows after ${warmup} s of warm-up`;
const summaries = names.map((name, i) => summarizeRounds(name, results.map((r) => r[i]!)));
writeFileSync(path.join(outDir, "lateness-rounds.json"), `${JSON.stringify({ machine, workload, rounds: results, summaries }, null, 2)}\n`);
writeFileSync(path.join(outDir, "lateness-rounds.md"), roundsMarkdown(machine, title, results, names));
for (const s of summaries) log(`${s.contender}: p99 under 2 ms in ${s.windowsMet} of ${s.windows} windows; ${s.lateInstants} of ${s.instants} instants more than 2 ms late`);
log(`done in ${Math.round((performance.now() - t0) / 1000)} s: bench/results/lateness-rounds.md`);
