/**
 * `make bench`: every contender on every workload, one after another on the
 * same machine (never two at once), then bench/results/latest.{json,md},
 * lateness.svg and README-section.md. Method and fairness: bench/README.md.
 *
 * Environment: BENCH_QUICK=1 (about two minutes), BENCH_PEERS=tickd,croner,
 * BENCH_WORKLOADS=burst,spread,idle,rss,persist,start,tenant,history, BENCH_MILLION=0, BENCH_BURST_S, BENCH_SPREAD_S,
 * BENCH_IDLE_S, BENCH_PERSIST_RUNS, BENCH_START_REPEATS, BENCH_HISTORY_RUNS, TICKD_BIN.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BENCH_DIR, CONTENDERS, ensureAvailable, exec, runContender, type Contender } from "./lib/contenders.ts";
import { machineInfo } from "./lib/machine.ts";
import { markdownReport, type BenchResults, type ContenderRun, type HistoryResult, type PersistResults, type WorkloadResults } from "./lib/report.ts";
import { readmeSection } from "./lib/readme-section.ts";
import { benchStart } from "./lib/start.ts";
import { benchTenant } from "./lib/tenant.ts";
import { rssSvg } from "./lib/lean.ts";
import { latenessSvg } from "./lib/svg.ts";
import { planFromEnv } from "./lib/workloads.ts";
import { GRACE_MS } from "./peers/lib/harness.mjs";

const t0 = performance.now();
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
const plan = planFromEnv();
const machine = await machineInfo();
log(`machine: ${machine.cpu}, ${machine.cores} cores, load ${machine.load_at_start}${plan.quick ? " (BENCH_QUICK)" : ""}`);

// Availability first: a contender that cannot run is reported, not dropped.
const chosen = CONTENDERS.filter((c) => plan.peers.length === 0 || plan.peers.includes(c.name));
const ready: Contender[] = [];
const missing: { contender: string; reason: string }[] = [];
for (const c of chosen) {
  const reason = await ensureAvailable(c, log);
  if (reason === null) ready.push(c);
  else {
    missing.push({ contender: c.name, reason });
    log(`MISSING ${c.name}: ${reason}`);
  }
}

const workloads: WorkloadResults[] = [];
for (const w of plan.workloads) {
  const runs: ContenderRun[] = missing.map((m) => ({ contender: m.contender, runtime: CONTENDERS.find((c) => c.name === m.contender)!.runtime, ok: false, error: `missing: ${m.reason}` }));
  for (const c of ready) {
    // A million jobs only for contenders that registered 100,000 in budget (the others cannot get there).
    const at100k = workloads.find((x) => x.id === "idle-100k")?.runs.find((r) => r.contender === c.name);
    if (w.jobs >= 1_000_000 && at100k && !at100k.ok) {
      runs.push({ contender: c.name, runtime: c.runtime, ok: false, error: "not attempted: it did not register 100,000 jobs in budget" });
      log(`${w.id.padEnd(9)} ${c.name.padEnd(15)} skipped (failed at 100,000)`);
      continue;
    }
    const timeoutMs = (w.setupCapS + w.warmup + w.duration + 5) * 1000 + GRACE_MS;
    const out = await runContender(c, { jobs: w.jobs, interval: w.interval, duration: w.duration, warmup: w.warmup }, timeoutMs);
    if (out.ok) {
      const r = out.result;
      log(`${w.id.padEnd(9)} ${c.name.padEnd(15)} fired ${r.fired}/${r.expected} p50 ${r.late_ms.p50} p99 ${r.late_ms.p99} ms, cpu ${r.cpu_ms} ms, rss ${r.rss_mb} MB, setup ${r.setup_ms} ms`);
      runs.push({ contender: c.name, runtime: c.runtime, ok: true, result: r });
    } else {
      const error = out.error.includes("did not finish") ? `${out.error}; registering ${w.jobs.toLocaleString("en-US")} jobs took longer than the ${w.setupCapS} s setup budget or it hung` : out.error;
      log(`${w.id.padEnd(9)} ${c.name.padEnd(15)} FAILED ${error}`);
      runs.push({ contender: c.name, runtime: c.runtime, ok: false, error });
    }
  }
  workloads.push({ ...w, runs });
}

let persist: PersistResults | null = null;
if (plan.persist) {
  const bun = process.execPath;
  const rows = await exec([bun, path.join(BENCH_DIR, "persist.ts"), "--runs", String(plan.persist.runs), "--json"], 180_000);
  let rowsResult: PersistResults["rows"];
  try {
    const parsed = JSON.parse(rows.stdout) as { results: { name: string; runs: number; seconds: number; runsPerSecond: number; transactions: number }[] };
    rowsResult = parsed.results.map((r) => ({ name: r.name, runs: r.runs, seconds: r.seconds, runs_per_s: r.runsPerSecond, transactions: r.transactions }));
  } catch {
    rowsResult = { error: `bench/persist.ts exit ${rows.code}: ${(rows.stderr || rows.stdout).trim().split("\n").slice(-2).join(" | ")}` };
  }
  const engine: { mode: string; runs: number; seconds: number; runs_per_s: number; transactions: number }[] = [];
  let engineError: string | null = null;
  for (const [mode, n] of [["batched", plan.persist.runs], ["single", plan.persist.singleRuns]] as const) {
    const out = await exec([bun, path.join(BENCH_DIR, "lib", "persist-engine.ts"), "--mode", mode, "--runs", String(n)], 180_000);
    try {
      engine.push(JSON.parse(out.stdout.trim().split("\n").pop()!));
    } catch {
      engineError = `persist-engine.ts --mode ${mode} exit ${out.code}: ${out.stderr.trim().split("\n").slice(-2).join(" | ")}`;
    }
  }
  persist = { rows: rowsResult, engine: engineError ? { error: engineError } : engine };
  log(`persist: ${JSON.stringify(persist)}`);
}

const start = plan.start ? await benchStart(plan.start.jobs, plan.start.repeats, log) : null;
if (start) log(`start: ${start.measured} median ${start.median_ms?.toFixed(1)} ms (${start.samples_ms.join(", ")})`);

const tenant = plan.tenant ? await benchTenant(log) : null;

// tickd alone: the peers record nothing, so a long history changes nothing for them.
let history: HistoryResult | null = null;
const tickd = ready.find((c) => c.name === "tickd");
if (plan.history && tickd) {
  const { runs, workload: w } = plan.history;
  // Writing the history is part of its setup (300,000 rows took 3.5–3.8 s here): allowed 100 µs a row.
  const writeS = (runs * w.jobs * 100) / 1e6;
  const out = await runContender(tickd, { jobs: w.jobs, interval: w.interval, duration: w.duration, warmup: w.warmup, history: runs }, (w.setupCapS + writeS + w.warmup + w.duration + 5) * 1000 + GRACE_MS);
  history = out.ok ? { runs, result: out.result } : { runs, result: null, error: out.error };
  log(out.ok ? `history  tickd ${runs} runs a job: fired ${out.result.fired}/${out.result.expected} p99 ${out.result.late_ms.p99} ms, cpu ${out.result.cpu_ms} ms` : `history  tickd FAILED ${out.error}`);
}

const results: BenchResults = { machine, quick: plan.quick, workloads, persist, start, tenant, history, missing, elapsed_s: Math.round((performance.now() - t0) / 100) / 10 };
const outDir = path.join(BENCH_DIR, "results");
mkdirSync(outDir, { recursive: true });
// Quick runs write beside the committed results instead of over them.
const stem = plan.quick ? "quick" : "latest";
writeFileSync(path.join(outDir, `${stem}.json`), `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(outDir, `${stem}.md`), markdownReport(results));
const panels = workloads.filter((w) => w.kind === "burst" || w.kind === "spread");
if (panels.length > 0) {
  const caption = `${machine.cpu}, ${machine.cores} cores, ${machine.os}; ${machine.date.slice(0, 10)}; make bench`;
  writeFileSync(path.join(outDir, plan.quick ? "quick-lateness.svg" : "lateness.svg"), latenessSvg(panels, caption));
}
writeFileSync(path.join(outDir, plan.quick ? "quick-README-section.md" : "README-section.md"), readmeSection(results));
writeFileSync(path.join(outDir, plan.quick ? "quick-rss.svg" : "rss.svg"), rssSvg(results, `${machine.cpu}, ${machine.cores} cores, ${machine.os}; load ${machine.load_at_start} at start; ${machine.date.slice(0, 10)}; make bench`));
log(`done in ${results.elapsed_s} s: bench/results/${stem}.md`);
