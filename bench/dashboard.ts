/**
 * Dashboard benchmark (issue 16): the queries the dashboard's job table and
 * a job panel send, against the compiled binary on a store with 100,000 runs
 * of history (20 jobs, 60 days), measured on the API side as a client sees
 * it: sequential requests, p50 / p99 / max. Target: p99 under 300 ms.
 *
 *   node_modules/.bin/bun run bench/dashboard.ts [--runs 100000] [--jobs 20] [--requests 100]
 *
 * The job table's query is JOBS (every job with its last run and its strip
 * of 20 runs); a panel is JOB_DETAIL (30 days of runs and roll-ups) plus the
 * first page of its run list (RUNS with totalCount). The first prune at
 * start writes the roll-ups of the past days, as a running instance has.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import { JOB_DETAIL, JOBS, JOBS_PAGE, RUNS } from "../src/dashboard/client/queries.ts";

const argv = process.argv.slice(2);
const num = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const RUN_COUNT = num("runs", 100_000);
const JOB_COUNT = num("jobs", 20);
const REQUESTS = num("requests", 100);
const BINARY = process.env.TICKD_BIN ?? path.resolve("dist/tickd");
const DAY = 86_400_000;

const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-bench-dashboard-"));
const config = path.join(dir, "config", "scheduler.ini");
mkdirSync(path.dirname(config));
writeFileSync(config, Array.from({ length: JOB_COUNT }, (_, j) => `[job ${j}]\ncommand = true\nevery = 1 day\n`).join("\n"));

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

try {
  if (Bun.spawnSync([BINARY, "migrate", "--config", config]).exitCode !== 0) throw new Error(`${BINARY} migrate failed`);
  const db = createClient({ url: `file:${path.join(dir, "config", "scheduler.db")}` });
  const now = Date.now();
  const statuses = ["success", "success", "success", "success", "success", "success", "success", "success", "failure", "skipped"];
  const seedStart = performance.now();
  for (let from = 0; from < RUN_COUNT; from += 5000) {
    const batch = [];
    for (let i = from; i < Math.min(RUN_COUNT, from + 5000); i++) {
      const at = now - Math.floor((i / RUN_COUNT) * 60 * DAY) - 60_000;
      batch.push({
        sql: "INSERT INTO activity (run_id, label, scheduled_for, started_at, ended_at, status, message, instance) VALUES (?, ?, ?, ?, ?, ?, ?, 'bench')",
        args: [`r${i}`, `job ${i % JOB_COUNT}`, at, at, at + 50 + (i % 500), statuses[i % statuses.length]!, `run ${i} done`],
      });
    }
    await db.batch(batch, "write");
  }
  db.close();
  console.log(`seeded ${RUN_COUNT} runs of ${JOB_COUNT} jobs over 60 days in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const proc = Bun.spawn([BINARY, "run", "--config", config, "--listen", `127.0.0.1:${port}`, "--keep", "90 days", "--log-format", "json"], { stdout: "ignore", stderr: "pipe" });
  let log = "";
  void (async () => {
    for await (const chunk of proc.stderr) log += new TextDecoder().decode(chunk);
  })();
  const url = `http://127.0.0.1:${port}/graphql`;
  for (let i = 0; i < 600 && !log.includes('"retention.pruned"'); i++) await Bun.sleep(50);
  const gql = async (query: string, variables: Record<string, unknown>) => {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  };
  const since = new Date(Math.floor(now / DAY - 29) * DAY).toISOString();
  const pages: Record<string, () => Promise<void>> = {
    "job table (JOBS)": () => gql(JOBS, { first: JOBS_PAGE, after: null }),
    "job panel (JOB_DETAIL + RUNS)": async () => {
      await Promise.all([gql(JOB_DETAIL, { label: "job 7", since }), gql(RUNS, { filter: { label: "job 7" }, first: 25, after: null })]);
    },
  };
  let worst = 0;
  try {
    for (const [name, load] of Object.entries(pages)) {
      await load(); // warm
      const times: number[] = [];
      for (let i = 0; i < REQUESTS; i++) {
        const t = performance.now();
        await load();
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      const p99 = percentile(times, 99);
      worst = Math.max(worst, p99);
      console.log(`${name}: ${REQUESTS} requests, p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`);
    }
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
  console.log(worst < 300 ? "p99 under 300 ms: ok" : `p99 ${worst.toFixed(0)} ms: over the 300 ms target`);
  process.exitCode = worst < 300 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
