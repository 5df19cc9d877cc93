/**
 * The workloads and their budget. `make bench` must finish in under ten
 * minutes on a 2-core machine with seven contenders run one after another,
 * so every duration is set here and each can be shortened from the
 * environment (BENCH_QUICK=1 for a smoke run of about two minutes).
 */

export interface SchedulerWorkload {
  readonly id: string;
  readonly title: string;
  readonly kind: "burst" | "spread" | "idle";
  readonly jobs: number;
  /** "1", "1..10" or "3600", passed to --interval. */
  readonly interval: string;
  readonly duration: number;
  /**
   * Seconds between setup and the measured window, the same for every
   * contender: the first seconds of a fresh process measure its JIT's tiers
   * and first allocations, not its scheduling.
   */
  readonly warmup: number;
  /** Longest a contender may take to register its jobs before it is killed and reported. */
  readonly setupCapS: number;
}

export interface BenchPlan {
  readonly quick: boolean;
  readonly workloads: readonly SchedulerWorkload[];
  /** Contender names to run (all when empty). */
  readonly peers: readonly string[];
  readonly persist: { readonly runs: number; readonly singleRuns: number } | null;
  readonly start: { readonly jobs: number; readonly repeats: number } | null;
  /** The example's 7 jobs on the binary, API on and off: RSS (bench/lib/tenant.ts). */
  readonly tenant: boolean;
  /** tickd alone on the burst (`workload`) with `runs` earlier runs of each job in its store: what a run costs once the history is large. */
  readonly history: { readonly runs: number; readonly workload: SchedulerWorkload } | null;
}

export const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`${name}=${raw} must be a positive number`);
  return value;
};

const list = (name: string): string[] =>
  (process.env[name] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function planFromEnv(): BenchPlan {
  const quick = process.env.BENCH_QUICK === "1";
  const burstS = envNumber("BENCH_BURST_S", quick ? 3 : 20);
  const spreadS = envNumber("BENCH_SPREAD_S", quick ? 3 : 20);
  const warmupS = quick ? 1 : 3;
  // The lean targets (bench/README.md, "Lean"): idle CPU over the first 20 s
  // after setup with 10,000 jobs and the first 10 s with 100,000; RSS at every
  // size of the chart (10, 1,000, 10,000, 100,000 jobs) and at 1,000,000.
  const idleSizes = quick ? [10_000] : [10_000, 100_000];
  const idleS = (n: number) => envNumber("BENCH_IDLE_S", quick ? 2 : n >= 100_000 ? 10 : 20);
  const curveSizes = quick ? [10] : [10, 1_000];
  const curveS = quick ? 1 : 2;
  const burst: SchedulerWorkload = { id: "burst", title: "Burst: 1,000 jobs every second", kind: "burst", jobs: 1000, interval: "1", duration: burstS, warmup: warmupS, setupCapS: 20 };
  const all: SchedulerWorkload[] = [
    burst,
    { id: "spread", title: "Spread: 2,000 jobs every 1–10 s", kind: "spread", jobs: 2000, interval: "1..10", duration: spreadS, warmup: warmupS, setupCapS: 20 },
    ...idleSizes.map(
      (n): SchedulerWorkload => ({
        id: `idle-${n / 1000}k`,
        title: `Idle: ${n.toLocaleString("en-US")} jobs every hour`,
        kind: "idle",
        jobs: n,
        interval: "3600",
        duration: idleS(n),
        // Nothing is due: there is nothing to warm up.
        warmup: 0,
        setupCapS: n >= 100_000 ? 20 : 30,
      }),
    ),
    // Small sizes for the RSS curve only: a short window.
    ...curveSizes.map(
      (n): SchedulerWorkload => ({ id: `rss-${n >= 1000 ? `${n / 1000}k` : n}`, title: `RSS: ${n.toLocaleString("en-US")} jobs every hour`, kind: "idle", jobs: n, interval: "3600", duration: curveS, warmup: 0, setupCapS: 20 }),
    ),
    // One million: only contenders that registered 100,000 in budget are tried (run.ts).
    ...(quick || process.env.BENCH_MILLION === "0"
      ? []
      : [{ id: "idle-1m", title: "Idle: 1,000,000 jobs every hour", kind: "idle", jobs: 1_000_000, interval: "3600", duration: 5, warmup: 0, setupCapS: 90 } satisfies SchedulerWorkload]),
  ];
  const only = list("BENCH_WORKLOADS");
  const wanted = (id: string) => only.length === 0 || only.some((w) => id === w || id.startsWith(`${w}-`));
  return {
    quick,
    workloads: all.filter((w) => wanted(w.id)),
    peers: list("BENCH_PEERS"),
    persist: wanted("persist") ? { runs: envNumber("BENCH_PERSIST_RUNS", quick ? 5000 : 50_000), singleRuns: envNumber("BENCH_PERSIST_SINGLE_RUNS", quick ? 300 : 2000) } : null,
    start: wanted("start") ? { jobs: 1000, repeats: envNumber("BENCH_START_REPEATS", quick ? 1 : 3) } : null,
    tenant: wanted("tenant"),
    history: wanted("history") ? { runs: envNumber("BENCH_HISTORY_RUNS", quick ? 30 : 300), workload: burst } : null,
  };
}
