/** bench/engine.ts's arithmetic and report: tickd and the floor, side by side. */
import { LATE_INSTANT_MS, percentile } from "../peers/lib/harness.mjs";
import type { MachineInfo } from "./machine.ts";
import { summarize, type PeerResult } from "./protocol.ts";
import { cpuPerSecond, machineLine } from "./report.ts";

/** The target: start lateness p99 under this, with 1,000 jobs due in the same second. */
export const TARGET_P99_MS = 2;

/** One window of one contender; `error` when it did not produce a result. */
export type RoundRun = { readonly ok: true; readonly result: PeerResult } | { readonly ok: false; readonly error: string };

export interface RoundsSummary {
  readonly contender: string;
  readonly windows: number;
  /** Windows whose p99 was under TARGET_P99_MS. */
  readonly windowsMet: number;
  readonly medianP99: number | null;
  readonly instants: number;
  /** Instants with a start more than LATE_INSTANT_MS late. */
  readonly lateInstants: number;
}

export function summarizeRounds(contender: string, runs: readonly RoundRun[]): RoundsSummary {
  const ok = runs.flatMap((r) => (r.ok ? [r.result] : []));
  const p99s = ok.map((r) => r.late_ms.p99).filter((p): p is number => p !== null);
  return {
    contender,
    windows: runs.length,
    windowsMet: p99s.filter((p) => p < TARGET_P99_MS).length,
    medianP99: summarize(p99s).median,
    instants: ok.reduce((n, r) => n + (r.instants?.n ?? 0), 0),
    lateInstants: ok.reduce((n, r) => n + (r.instants?.late ?? 0), 0),
  };
}

/** A window's `--samples` file: each start's due instant and lateness, in the order they started. */
export interface Samples {
  readonly due: readonly number[];
  readonly late_ms: readonly number[];
}

/**
 * Every start of every window of one contender, taken together: the p99 of
 * the whole run rather than of one window, and how each instant went. An
 * instant's first start says how late the wake was; its span (last start
 * minus first) how long the loop of starts took.
 */
export interface Pooled {
  readonly starts: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly p999: number | null;
  readonly max: number | null;
  /** Starts more than TARGET_P99_MS late. */
  readonly overTarget: number;
  readonly instants: number;
  /** Per instant: lateness of its first start, p50 and p99. */
  readonly firstP50: number | null;
  readonly firstP99: number | null;
  /** Per instant: last start minus first, p50 and p99. */
  readonly spanP50: number | null;
  readonly spanP99: number | null;
}

export function poolSamples(windows: readonly Samples[]): Pooled {
  const late: number[] = [];
  const first: number[] = [];
  const span: number[] = [];
  for (const w of windows) {
    late.push(...w.late_ms);
    const byDue = new Map<number, { first: number; last: number }>();
    w.due.forEach((due, i) => {
      const l = w.late_ms[i]!;
      const seen = byDue.get(due);
      if (seen) seen.last = l;
      else byDue.set(due, { first: l, last: l });
    });
    for (const { first: f, last } of byDue.values()) {
      first.push(f);
      span.push(Math.round((last - f) * 1000) / 1000);
    }
  }
  for (const xs of [late, first, span]) xs.sort((a, b) => a - b);
  return {
    starts: late.length,
    p50: percentile(late, 50),
    p99: percentile(late, 99),
    p999: percentile(late, 99.9),
    max: late.at(-1) ?? null,
    overTarget: late.filter((l) => l > TARGET_P99_MS).length,
    instants: first.length,
    firstP50: percentile(first, 50),
    firstP99: percentile(first, 99),
    spanP50: percentile(span, 50),
    spanP99: percentile(span, 99),
  };
}

const ms = (x: number | null) => (x === null ? "–" : `${x.toFixed(2)} ms`);
const pct = (part: number, whole: number) => (whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)}%`);
const failed = (error: string) => `failed: ${error.replace(/\|/g, "\\|")}`;
const cell = (r: RoundRun) => (r.ok ? `${r.result.late_ms.p99} ms · ${r.result.instants?.late ?? "?"}/${r.result.instants?.n ?? "?"}` : failed(r.error));

interface Workload {
  readonly jobs: number;
  readonly duration: number;
  readonly warmup: number;
}

export interface EngineResults {
  readonly burst: Workload;
  /** One row per round, one run per contender. */
  readonly rounds: readonly (readonly RoundRun[])[];
  /** Every start of every round, one per contender (poolSamples). */
  readonly pooled: readonly Pooled[];
  readonly idle: Workload;
  readonly idleRuns: readonly RoundRun[];
}

function idleCell(r: RoundRun): string {
  if (!r.ok) return failed(r.error);
  const msPerS = cpuPerSecond(r.result);
  // ms per 1,000 ms, as a percentage: divide by 10.
  return `${msPerS.toFixed(2)} ms/s (${(msPerS / 10).toFixed(3)}% of a core) · ${r.result.rss_mb} MB`;
}

/** `idleNames`: the contenders of the idle runs (all of `names` unless given). */
export function engineMarkdown(machine: MachineInfo, e: EngineResults, names: readonly string[], idleNames: readonly string[] = names): string {
  const summaries = names.map((name, i) => summarizeRounds(name, e.rounds.map((r) => r[i]!)));
  const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  const rule = `| --- | ${names.map(() => "---:").join(" | ")} |`;
  return [
    "# The engine's targets, beside the floor",
    "",
    machineLine(machine),
    "",
    "The floor is tickd's wake with no scheduler behind it (bench/peers/floor.ts): what it misses, the machine missed. Contenders run one at a time, alternately. tickd's callbacks run in the scheduler's thread (isolate = none) unless the column says isolate = worker, the default, where each start goes to the callback's module worker and is measured there.",
    "",
    `## Lateness, round after round: ${e.burst.jobs.toLocaleString("en-US")} jobs every second`,
    "",
    `${e.burst.duration} s windows after ${e.burst.warmup} s of warm-up. Each cell: p99 of the window · instants with a start more than ${LATE_INSTANT_MS} ms late / instants.`,
    "",
    row(["round", ...names]),
    rule.replace("| --- |", "| ---: |"),
    ...e.rounds.map((r, i) => row([String(i + 1), ...r.map(cell)])),
    "",
    row(["", ...names]),
    rule,
    row([`windows with p99 under ${TARGET_P99_MS} ms`, ...summaries.map((s) => `${s.windowsMet} of ${s.windows}`)]),
    row(["median p99", ...summaries.map((s) => (s.medianP99 === null ? "–" : `${s.medianP99.toFixed(2)} ms`))]),
    row([`instants more than ${LATE_INSTANT_MS} ms late`, ...summaries.map((s) => `${s.lateInstants} of ${s.instants} (${pct(s.lateInstants, s.instants)})`)]),
    row(["p99 of every start, all rounds together", ...e.pooled.map((p) => `${ms(p.p99)} over ${p.starts.toLocaleString("en-US")} starts`)]),
    row(["p50 · p99.9 · max, all rounds together", ...e.pooled.map((p) => `${ms(p.p50)} · ${ms(p.p999)} · ${ms(p.max)}`)]),
    row([`starts more than ${TARGET_P99_MS} ms late`, ...e.pooled.map((p) => `${p.overTarget.toLocaleString("en-US")} (${pct(p.overTarget, p.starts)})`)]),
    row(["wake: an instant's first start, p50 · p99", ...e.pooled.map((p) => `${ms(p.firstP50)} · ${ms(p.firstP99)}`)]),
    row(["loop: an instant's last start minus its first, p50 · p99", ...e.pooled.map((p) => `${ms(p.spanP50)} · ${ms(p.spanP99)}`)]),
    "",
    `## Idle at steady state: ${e.idle.jobs.toLocaleString("en-US")} jobs every hour, none due`,
    "",
    `CPU and RSS over ${e.idle.duration} s, after ${e.idle.warmup} s of warm-up. The floor holds nothing per job but a reference to its one callback: it is the runtime doing nothing.`,
    "",
    row(["", ...idleNames]),
    `| --- | ${idleNames.map(() => "---:").join(" | ")} |`,
    row(["CPU · RSS", ...e.idleRuns.map(idleCell)]),
    "",
  ].join("\n");
}
