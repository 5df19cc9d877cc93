/**
 * Results -> bench/results/latest.md: one table per workload, every figure
 * with its ratio to the best contender on that metric (lower is better for
 * all of them), plus the machine it ran on.
 */
import { LATE_INSTANT_MS } from "../peers/lib/harness.mjs";
import type { MachineInfo } from "./machine.ts";
import type { PeerResult } from "./protocol.ts";
import type { StartResult } from "./start.ts";
import type { TenantResult } from "./tenant.ts";
import { cpuPerRunUs, leanTable } from "./lean.ts";
import type { SchedulerWorkload } from "./workloads.ts";

export interface ContenderRun {
  readonly contender: string;
  readonly runtime: string;
  readonly ok: boolean;
  readonly result?: PeerResult;
  readonly error?: string;
}

export interface WorkloadResults extends SchedulerWorkload {
  readonly runs: readonly ContenderRun[];
}

export interface PersistResults {
  /** bench/persist.ts by engineer "store": started + finished rows. */
  readonly rows: readonly { name: string; runs: number; seconds: number; runs_per_s: number; transactions: number }[] | { error: string };
  /** bench/lib/persist-engine.ts: claim + started + finished, as the engine does. */
  readonly engine: readonly { mode: string; runs: number; seconds: number; runs_per_s: number; transactions: number }[] | { error: string };
}

export interface HistoryResult {
  /** Earlier runs of each job the store held when the window opened. */
  readonly runs: number;
  readonly result: PeerResult | null;
  readonly error?: string;
}

export interface BenchResults {
  readonly machine: MachineInfo;
  readonly quick: boolean;
  readonly workloads: readonly WorkloadResults[];
  readonly persist: PersistResults | null;
  readonly start: StartResult | null;
  /** The example's 7 jobs on the binary (bench/lib/tenant.ts); null when not run. */
  readonly tenant?: TenantResult | null;
  /** tickd alone on the burst with `runs` earlier runs of each job in its store (BenchPlan.history); null when not run. */
  readonly history?: HistoryResult | null;
  readonly missing: readonly { contender: string; reason: string }[];
  readonly elapsed_s: number;
}

const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

/** "12.3 (×4.1)", or bold when it is the best. */
export function withRatio(value: number | null, best: number | null): string {
  if (value === null) return "–";
  if (best === null || best <= 0) return fmt(value);
  if (value === best) return `**${fmt(value)}**`;
  const ratio = value / best;
  return `${fmt(value)} (×${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)})`;
}

export function bestOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return present.length === 0 ? null : Math.min(...present);
}

const unrankedCell = (value: number | null): string => (value === null ? "–" : `${fmt(value)} †`);

type Metric = { head: string; get: (r: PeerResult) => number | null };

export const cpuPerSecond = (r: PeerResult): number => r.cpu_ms / r.duration_s;

function metricsFor(kind: SchedulerWorkload["kind"]): Metric[] {
  const common: Metric[] = [
    { head: "CPU ms/s", get: cpuPerSecond },
    { head: "RSS MB", get: (r) => r.rss_mb },
  ];
  if (kind === "idle") return [{ head: "setup ms", get: (r) => r.setup_ms }, ...common];
  return [
    { head: "late p50 ms", get: (r) => r.late_ms.p50 },
    { head: "late p99 ms", get: (r) => r.late_ms.p99 },
    { head: "late max ms", get: (r) => r.late_ms.max },
    ...common,
    { head: "setup ms", get: (r) => r.setup_ms },
  ];
}

export function workloadTable(w: WorkloadResults): string {
  const metrics = metricsFor(w.kind);
  const ok = w.runs.filter((r) => r.ok && r.result);
  // A contender that missed runs is not "best" at lateness: lateness of runs
  // that never happened is not measured. Ratios use complete contenders only.
  const complete = (r: ContenderRun) => w.kind === "idle" || (r.result!.fired >= r.result!.expected && r.result!.expected > 0);
  const bests = metrics.map((m, i) => bestOf(ok.filter((r) => i >= 3 || w.kind === "idle" || complete(r)).map((r) => m.get(r.result!))));
  // Instants with a start more than LATE_INSTANT_MS late: counts, no ratio (bench/README.md, "instants").
  const head = ["contender", "runtime", ...(w.kind === "idle" ? [] : ["fired / expected", `instants > ${LATE_INSTANT_MS} ms late`]), ...metrics.map((m) => m.head)];
  const lines = [`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i < 2 ? "---" : "---:")).join("|")}|`];
  const sorted = [...w.runs].sort((a, b) => sortKey(w, a) - sortKey(w, b));
  for (const run of sorted) {
    if (!run.ok || !run.result) {
      const blanks = Array.from({ length: metrics.length + (w.kind === "idle" ? 0 : 2) - 1 }, () => "");
      lines.push(`| ${run.contender} | ${run.runtime} | ${[`failed: ${escape(run.error ?? "unknown")}`, ...blanks].join(" | ")} |`);
      continue;
    }
    const r = run.result;
    // Lateness of a contender that skipped runs is shown but not ranked (†).
    const unranked = w.kind !== "idle" && !complete(run);
    const cells = metrics.map((m, i) => (unranked && i < 3 ? unrankedCell(m.get(r)) : withRatio(m.get(r), bests[i] ?? null)));
    const fired =
      w.kind === "idle"
        ? []
        : [
            `${r.fired.toLocaleString("en-US")} / ${r.expected.toLocaleString("en-US")}${r.fired < r.expected ? ` (${((100 * r.fired) / Math.max(1, r.expected)).toFixed(1)} %)` : ""}`,
            r.instants ? `${r.instants.late} / ${r.instants.n}` : "–",
          ];
    lines.push(`| ${run.contender === "tickd" ? "**tickd**" : run.contender} | ${run.runtime} | ${[...fired, ...cells].join(" | ")} |`);
  }
  return lines.join("\n");
}

function sortKey(w: WorkloadResults, run: ContenderRun): number {
  if (!run.ok || !run.result) return Number.POSITIVE_INFINITY;
  if (w.kind === "idle") return cpuPerSecond(run.result) + run.result.rss_mb / 1000;
  // Contenders that skipped runs come after every one that did not.
  const skipped = run.result.fired < run.result.expected ? 1e9 : 0;
  return skipped + (run.result.late_ms.p99 ?? 1e8);
}

const escape = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function machineLine(m: MachineInfo): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB RAM, ${m.os} (kernel ${m.kernel}); Bun ${m.bun}, ${m.deno ? `Deno ${m.deno}, ` : ""}Node ${m.node}, Python ${m.python}; load average ${m.load_at_start} at start; ${m.date}`;
}

export function markdownReport(b: BenchResults): string {
  const out: string[] = [];
  out.push("# tickd benchmark results", "");
  out.push(`Machine: ${machineLine(b.machine)}.`, "");
  const libs = Object.entries(b.machine.libraries).map(([k, v]) => `${k} ${v}`).join(", ");
  out.push(`Peers: ${libs}. Produced by \`make bench\`${b.quick ? " with BENCH_QUICK=1 (short windows: indicative only)" : ""} in ${Math.round(b.elapsed_s)} s; method in bench/README.md.`, "");
  out.push("Every cell is the measured value and, in brackets, its ratio to the best contender for that column (lower is better everywhere; **bold** = best). Lateness is ranked only among contenders that fired every expected run; † marks the lateness of one that did not (it is measured on the runs it made).", "");
  for (const w of b.workloads) {
    out.push(`## ${w.title}`, "");
    const after = w.warmup ? `after setup and a ${w.warmup} s warm-up (the same for every contender)` : "after setup";
    out.push(`${w.jobs.toLocaleString("en-US")} no-op jobs, interval ${w.interval} s, measured window ${w.duration} s ${after}.`, "");
    out.push(workloadTable(w), "");
  }
  if (b.persist) {
    out.push("## Persist: runs recorded per second (embedded libSQL file)", "");
    out.push("| path | mode | runs | seconds | runs/s | transactions |", "|---|---|---:|---:|---:|---:|");
    const rowLines = (label: string, rows: PersistResults["rows"] | PersistResults["engine"]) =>
      "error" in rows
        ? [`| ${label} | failed: ${escape(rows.error)} | | | | |`]
        : rows.map((r) => `| ${label} | ${"name" in r ? r.name : r.mode} | ${r.runs.toLocaleString("en-US")} | ${r.seconds} | ${r.runs_per_s.toLocaleString("en-US")} | ${r.transactions} |`);
    out.push(...rowLines("rows only (bench/persist.ts)", b.persist.rows), ...rowLines("claim + rows (engine path)", b.persist.engine), "");
  }
  if (b.start) {
    out.push("## Start: binary to serving", "");
    const s = b.start;
    out.push(
      s.median_ms === null
        ? `Not measured: ${s.note}.`
        : `\`${s.binary}\` with ${s.jobs.toLocaleString("en-US")} jobs: median **${fmt(s.median_ms)} ms** over ${s.samples_ms.length} starts (${s.samples_ms.join(", ")} ms); ${s.note}.`,
      "",
    );
  }
  if (b.tenant) {
    const t = b.tenant;
    out.push("## Tenant: one small instance", "");
    out.push(`\`${t.binary} run\` on \`${t.config}\` (7 jobs, callbacks in their modules' workers), RSS ${t.settle_s} s after the scheduler started: API on **${t.api_rss_mb ?? "–"} MB**, --no-api ${t.no_api_rss_mb ?? "–"} MB; Bun itself idling: ${t.bun_idle_rss_mb ?? "–"} MB.${t.note ? ` ${t.note}.` : ""}`, "");
  }
  if (b.history) {
    const h = b.history;
    const r = h.result;
    out.push("## Burst with a long history (tickd alone)", "");
    out.push(
      r === null
        ? `Not measured: ${h.error ?? "no result"}.`
        : `The burst's 1,000 jobs every second on a store already holding ${h.runs.toLocaleString("en-US")} runs of each (${(h.runs * r.jobs).toLocaleString("en-US")} rows and their claims): fired ${r.fired}/${r.expected}, p50 ${r.late_ms.p50} ms, p99 ${r.late_ms.p99} ms, **${fmt(cpuPerRunUs(r)!)} µs of CPU a run** (the peers record nothing, so have no history).`,
      "",
    );
  }
  out.push(...leanTable(b));
  out.push(...targetsSection(b));
  if (b.missing.length > 0) {
    out.push("## Missing contenders", "");
    for (const m of b.missing) out.push(`- ${m.contender}: ${m.reason}`);
    out.push("");
  }
  return out.join("\n");
}

const ratioText = (r: number) => (r >= 10 ? r.toFixed(0) : r.toFixed(1));

/** tickd's own targets (issue 7), judged from this run: met, or missed by how much. */
export function targetsSection(b: BenchResults): string[] {
  const rows: string[] = [];
  const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
  for (const w of b.workloads) {
    const tickd = w.runs.find((r) => r.contender === "tickd" && r.ok)?.result;
    const peers = w.runs.filter((r) => !r.contender.startsWith("tickd") && r.ok && r.result).map((r) => ({ name: r.contender, r: r.result! }));
    if (!tickd || peers.length === 0) continue;
    if (w.kind === "idle") {
      for (const [label, get] of [["CPU ms/s", cpuPerSecond], ["RSS MB", (r: PeerResult) => r.rss_mb]] as const) {
        const best = peers.reduce((a, p) => (get(p.r) < get(a.r) ? p : a));
        const mine = get(tickd);
        rows.push(`| ${w.id}: lowest ${label} | ${fmt(mine)} | ${fmt(get(best.r))} (${best.name}) | ${verdict(mine <= get(best.r))}${mine > get(best.r) ? ` by ×${ratioText(mine / Math.max(get(best.r), 0.001))}` : ""} |`);
      }
    } else {
      const complete = peers.filter((p) => p.r.fired >= p.r.expected && p.r.late_ms.p99 !== null);
      if (complete.length === 0 || tickd.late_ms.p99 === null) continue;
      const best = complete.reduce((a, p) => (p.r.late_ms.p99! < a.r.late_ms.p99! ? p : a));
      const mine = tickd.late_ms.p99;
      const allFired = tickd.fired >= tickd.expected;
      rows.push(`| ${w.id}: lower p99 lateness than every peer | ${fmt(mine)} ms${allFired ? "" : ` (fired ${tickd.fired}/${tickd.expected})`} | ${fmt(best.r.late_ms.p99!)} ms (${best.name}) | ${verdict(mine < best.r.late_ms.p99! && allFired)}${mine >= best.r.late_ms.p99! ? ` by ${fmt(mine - best.r.late_ms.p99!)} ms` : ""} |`);
    }
  }
  if (b.persist && !("error" in b.persist.engine)) {
    const batched = b.persist.engine.find((r) => r.mode === "batched");
    if (batched) rows.push(`| persist: ≥ 20,000 recorded runs/s (claim + rows) | ${batched.runs_per_s.toLocaleString("en-US")} | 20,000 | ${verdict(batched.runs_per_s >= 20_000)}${batched.runs_per_s < 20_000 ? ` by ${(20_000 - batched.runs_per_s).toLocaleString("en-US")}/s` : ""} |`);
  }
  if (rows.length === 0) return [];
  return ["## tickd against its targets", "", "Peers that skipped runs, failed or are missing are not compared.", "", "| target | tickd | best peer / bar | verdict |", "|---|---:|---:|---|", ...rows, ""];
}
