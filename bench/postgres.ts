/**
 * `make bench-postgres` (not in make test): tickd on one PostgreSQL, on a
 * throwaway cluster (test/helpers/postgres.ts; fsync off, so this measures
 * tickd and the wire, not the disk).
 *
 * 1. Claims plus records per second with 1, 2 and 3 instances: each instance
 *    is a process with its own store, recording the same occurrences (1,000
 *    jobs × ROUNDS instants) as the engine does — begin (claim + "running"
 *    row, durable before the start), then the finished row. Every occurrence
 *    is claimed by exactly one; the others are told no. Reported: occurrences
 *    recorded per second (all instances together) and store operations
 *    (claims tried + rows written) per second.
 * 2. Start lateness of 1,000 jobs every second with 3 `tickd run` binaries:
 *    p50/p99/max of started_at − scheduled_for over LATENESS_S seconds.
 *
 * Writes bench/results/postgres.json and prints a table.
 * Environment: BENCH_PG_ROUNDS (default 20), BENCH_PG_LATENESS_S (default 20), TICKD_BIN.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pgQuery, startPostgres } from "../test/helpers/postgres.ts";

const JOBS = 1_000;
const ROUNDS = Number(process.env.BENCH_PG_ROUNDS ?? 20);
const LATENESS_S = Number(process.env.BENCH_PG_LATENESS_S ?? 20);
const BINARY = path.resolve(process.env.TICKD_BIN ?? path.join(import.meta.dir, "../dist/tickd"));

if (process.argv[2] === "worker") {
  // One instance: record ROUNDS instants of JOBS occurrences; print what it won and how long it took.
  const [, , , url, name, t0] = process.argv;
  const { openStore } = await import("../src/store/index.ts");
  const store = await openStore(url!, { instance: name!, log: () => {} });
  const start = performance.now();
  let won = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const at = Number(t0) + round * 1000;
    const begins = Array.from({ length: JOBS }, async (_, j) => {
      const run = { runId: `${name}:job-${j}:${at}:1`, label: `job-${j}`, scheduledFor: at, startedAt: at, status: "running", message: "", output: "", error: "", attempt: 1, trigger: "schedule", instance: name! } as const;
      if (!(await store.begin(run))) return;
      won++;
      store.finished({ ...run, status: "success", endedAt: at + 1 });
    });
    await Promise.all(begins);
  }
  await store.flush();
  const ms = performance.now() - start;
  await store.close();
  process.stdout.write(JSON.stringify({ name, won, ms }) + "\n");
  process.exit(0);
}

const log = (line: string) => process.stderr.write(`[bench-postgres] ${line}\n`);
const pg = await startPostgres();
const results: Record<string, unknown> = { jobs: JOBS, rounds: ROUNDS, machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? "" } };
try {
  const throughput: Array<{ instances: number; occurrences: number; seconds: number; occurrencesPerS: number; opsPerS: number; won: number[] }> = [];
  for (const instances of [1, 2, 3]) {
    const url = pg.createDatabase(`bench_${instances}`);
    // Migrate once before the clock starts.
    const { openStore } = await import("../src/store/index.ts");
    await (await openStore(url, { instance: "bench-setup", register: false, log: () => {} })).close();
    const t0 = Date.UTC(2026, 0, 1);
    const started = performance.now();
    const procs = Array.from({ length: instances }, (_, i) =>
      Bun.spawn([process.execPath, import.meta.path, "worker", url, `i${i + 1}`, String(t0)], { stdout: "pipe", stderr: "inherit" }),
    );
    const outs = await Promise.all(procs.map(async (p) => JSON.parse(await new Response(p.stdout).text()) as { won: number; ms: number }));
    const seconds = (performance.now() - started) / 1000;
    const n = (await pgQuery<{ n: number }>(url, "SELECT COUNT(*)::int AS n FROM activity"))[0]!.n;
    if (n !== JOBS * ROUNDS) throw new Error(`${instances} instance(s): ${n} rows for ${JOBS * ROUNDS} occurrences`);
    const occurrences = JOBS * ROUNDS;
    // Each instance tried every claim; the winners wrote a row twice (running, then finished).
    const ops = instances * occurrences + 2 * occurrences;
    const row = { instances, occurrences, seconds: round2(seconds), occurrencesPerS: Math.round(occurrences / seconds), opsPerS: Math.round(ops / seconds), won: outs.map((o) => o.won) };
    throughput.push(row);
    log(`${instances} instance(s): ${row.occurrencesPerS} occurrences/s, ${row.opsPerS} claims+rows/s (won ${row.won.join("/")}) in ${row.seconds} s`);
  }
  results.throughput = throughput;

  // Lateness: 3 binaries, 1,000 jobs every second.
  const root = mkdtempSync(path.join(os.tmpdir(), "tickd-bench-pg-"));
  try {
    mkdirSync(path.join(root, "config"));
    mkdirSync(path.join(root, "jobs"));
    writeFileSync(path.join(root, "jobs", "noop.ts"), "export function run() {}\n");
    writeFileSync(path.join(root, "config", "scheduler.ini"), Array.from({ length: JOBS }, (_, i) => `[job-${i}]\ncall = jobs.noop.run\nevery = 1 second\n`).join("\n"));
    const url = pg.createDatabase("bench_lateness");
    const bins = ["a", "b", "c"].map((name) =>
      Bun.spawn([BINARY, "run", "--config", path.join(root, "config", "scheduler.ini"), "--root", root, "--db", url, "--instance", name, "--no-api"], { stdout: "ignore", stderr: "ignore" }),
    );
    await Bun.sleep(5_000); // start-up and the first seconds
    const from = Date.now();
    await Bun.sleep(LATENESS_S * 1000);
    const to = Date.now();
    for (const b of bins) b.kill("SIGTERM");
    await Promise.all(bins.map((b) => b.exited));
    const [late] = await pgQuery<{ runs: number; p50: number; p99: number; max: number; doubled: number }>(
      url,
      `SELECT COUNT(*)::int AS runs,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY started_at - scheduled_for)::int AS p50,
              percentile_disc(0.99) WITHIN GROUP (ORDER BY started_at - scheduled_for)::int AS p99,
              MAX(started_at - scheduled_for)::int AS max,
              (SELECT COUNT(*)::int FROM (SELECT 1 FROM activity GROUP BY label, scheduled_for HAVING COUNT(*) > 1) d) AS doubled
       FROM activity WHERE status = 'success' AND scheduled_for BETWEEN ${from} AND ${to}`,
    );
    results.lateness = { instances: 3, jobsPerS: JOBS, seconds: LATENESS_S, ...late };
    log(`lateness, 3 instances, ${JOBS} jobs/s for ${LATENESS_S} s: ${late!.runs} runs, p50 ${late!.p50} ms, p99 ${late!.p99} ms, max ${late!.max} ms, occurrences recorded twice: ${late!.doubled}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
} finally {
  pg.stop();
}
mkdirSync(path.join(import.meta.dir, "results"), { recursive: true });
writeFileSync(path.join(import.meta.dir, "results", "postgres.json"), JSON.stringify(results, null, 2) + "\n");

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
