/**
 * The "Performance" section for the top-level README, written from the
 * results so the prose never disagrees with the numbers (the lead merges it).
 */
import { cpuPerSecond, machineLine, type BenchResults, type WorkloadResults } from "./report.ts";
import type { PeerResult } from "./protocol.ts";
import { cpuPerRunUs, leanTable, perJobBytes } from "./lean.ts";

const f = (x: number | null): string => (x === null ? "–" : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

function split(w: WorkloadResults): { tickd: PeerResult | null; peers: { name: string; r: PeerResult }[] } {
  const tickd = w.runs.find((r) => r.contender === "tickd" && r.ok)?.result ?? null;
  const peers = w.runs.filter((r) => !r.contender.startsWith("tickd") && r.ok && r.result).map((r) => ({ name: r.contender, r: r.result! }));
  return { tickd, peers };
}

function bestPeer(peers: { name: string; r: PeerResult }[], get: (r: PeerResult) => number | null, completeOnly: boolean) {
  let best: { name: string; value: number } | null = null;
  for (const p of peers) {
    if (completeOnly && p.r.fired < p.r.expected) continue;
    const v = get(p.r);
    if (v !== null && (best === null || v < best.value)) best = { name: p.name, value: v };
  }
  return best;
}

/** " croner: ran out of memory." for peers without a result. */
function failedNote(w: WorkloadResults): string {
  const failed = w.runs.filter((r) => !r.ok && r.contender !== "tickd");
  if (failed.length === 0) return "";
  const why = (e: string) => (e.startsWith("ran out of memory") ? "ran out of memory" : e.includes("did not finish") ? `did not finish registering in ${w.setupCapS} s` : e.startsWith("missing") ? "missing" : "failed");
  return ` No result from ${failed.map((r) => `${r.contender} (${why(r.error ?? "")})`).join(", ")}.`;
}

function latenessSentence(w: WorkloadResults): string {
  const { tickd, peers } = split(w);
  if (!tickd) return `- **${w.title}**: tickd did not produce a result.`;
  const best = bestPeer(peers, (r) => r.late_ms.p99, true);
  const cmp = best ? `; the best peer that fired every run, ${best.name}, ${f(best.value)} ms p99` : "";
  // Say so when a peer that skipped runs shows a lower p99 on the runs it made.
  const skippers = peers
    .filter((p) => p.r.fired < p.r.expected && p.r.late_ms.p99 !== null && p.r.late_ms.p99 < (tickd.late_ms.p99 ?? Infinity))
    .map((p) => `${p.name} ${f(p.r.late_ms.p99)} ms p99 but only ${((100 * p.r.fired) / p.r.expected).toFixed(1)} % of due runs fired`);
  const skipped = skippers.length ? ` (${skippers.join("; ")})` : "";
  const window = w.warmup ? `${w.duration} s after a ${w.warmup} s warm-up` : `${w.duration} s`;
  return `- **${w.title}** (${window}): tickd started callbacks ${f(tickd.late_ms.p50)} ms late at p50 and ${f(tickd.late_ms.p99)} ms at p99, firing ${tickd.fired.toLocaleString("en-US")} of ${tickd.expected.toLocaleString("en-US")} due runs${cmp}${skipped}.${failedNote(w)}`;
}

function idleSentence(w: WorkloadResults): string {
  const { tickd, peers } = split(w);
  if (!tickd) return `- **${w.title}**: tickd did not produce a result.`;
  const cpu = bestPeer(peers, cpuPerSecond, false);
  const rss = bestPeer(peers, (r) => r.rss_mb, false);
  return `- **${w.title}**: tickd used ${f(cpuPerSecond(tickd))} ms CPU per second and ${f(tickd.rss_mb)} MB RSS (setup ${f(tickd.setup_ms)} ms); lowest among peers: ${cpu ? `${f(cpu.value)} ms/s (${cpu.name})` : "–"} and ${rss ? `${f(rss.value)} MB (${rss.name})` : "–"}.${failedNote(w)}`;
}

export function readmeSection(b: BenchResults): string {
  const out = ["## Performance", ""];
  out.push(
    "tickd sleeps until the earliest due job and fires on time; it records every run in batches. `make bench` runs tickd and the schedulers people use today (croner, node-cron, toad-scheduler, node-schedule under Node; Python `schedule` and APScheduler) one after another on the same machine, with the same no-op jobs, and measures how late each callback starts against the time it was due.",
    "",
    "![Callback lateness, p50 and p99, per scheduler](bench/results/lateness.svg)",
    "",
  );
  for (const w of b.workloads) out.push(w.kind === "idle" ? idleSentence(w) : latenessSentence(w));
  if (b.persist && !("error" in b.persist.engine)) {
    const batched = b.persist.engine.find((r) => r.mode === "batched");
    const single = b.persist.engine.find((r) => r.mode === "single");
    if (batched && single) {
      out.push(`- **Persist**: ${batched.runs_per_s.toLocaleString("en-US")} runs recorded per second into the embedded libSQL file, each with its claim, running row and final row (batched, as the engine writes them); ${single.runs_per_s.toLocaleString("en-US")} per second one by one.`);
    }
  }
  if (b.start && b.start.median_ms !== null) {
    out.push(
      b.start.measured === "healthz"
        ? `- **Start**: the binary serves \`/healthz\` ${f(b.start.median_ms)} ms after exec with a ${b.start.jobs.toLocaleString("en-US")}-job file (median of ${b.start.samples_ms.length}).`
        : `- **Start**: \`tickd next --count 1\` on a ${b.start.jobs.toLocaleString("en-US")}-job file returns ${f(b.start.median_ms)} ms after exec (median of ${b.start.samples_ms.length}); /healthz was not measured.`,
    );
  }
  if (b.tenant && b.tenant.api_rss_mb !== null) {
    out.push(`- **Tenant**: the example's 7 jobs on the binary, API on, hold ${f(b.tenant.api_rss_mb)} MB RSS (${f(b.tenant.no_api_rss_mb)} MB with --no-api; Bun itself idles at ${f(b.tenant.bun_idle_rss_mb)} MB).`);
  }
  const history = b.history?.result;
  if (b.history && history) {
    out.push(`- **History**: the burst on a store already holding ${b.history.runs.toLocaleString("en-US")} runs of each job: p99 ${f(history.late_ms.p99)} ms, ${f(cpuPerRunUs(history)!)} µs of CPU a run (tickd alone: the peers record nothing).`);
  }
  const perJob = perJobBytes(b);
  if (perJob !== null) out.push(`- **Per job**: tickd's RSS grows by ${Math.round(perJob).toLocaleString("en-US")} bytes a job across the sizes of the chart (idle jobs every hour):`);
  out.push("", "![RSS against job count, per scheduler](bench/results/rss.svg)", "", ...leanTable(b).slice(2).map((l) => l));
  out.push("", `Measured on ${machineLine(b.machine)}. Full tables with ratios: [bench/results/latest.md](bench/results/latest.md); method and fairness choices: [bench/README.md](bench/README.md). Reproduce with \`make bench\`.`, "");
  return out.join("\n");
}
