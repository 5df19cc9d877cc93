/**
 * The lean targets ("Lean at every size: per-tenant memory, idle cost, setup
 * and cost per run"): every figure of the issue's table from one `make
 * bench` run, beside the best peer with the ratio, and the target with its
 * verdict; and the RSS-against-job-count curve (rss.svg) the README shows.
 */
import { cpuPerSecond, type BenchResults, type WorkloadResults } from "./report.ts";
import type { PeerResult } from "./protocol.ts";

export interface LeanRow {
  readonly figure: string;
  readonly unit: string;
  readonly tickd: number | null;
  /** The best peer's figure (or the reference named in `peerName`). */
  readonly peer: number | null;
  readonly peerName: string;
  readonly target: number;
  /** "max": at most the target (lower is better); "min": at least. */
  readonly sense: "max" | "min";
}

const byId = (b: BenchResults, id: string): WorkloadResults | undefined => b.workloads.find((w) => w.id === id);
const tickdOf = (w: WorkloadResults | undefined): PeerResult | null => w?.runs.find((r) => r.contender === "tickd" && r.ok)?.result ?? null;

/** The lowest figure among the peers (tickd-deno is tickd, not a peer); `complete`: only those that fired every due run. */
function bestPeer(w: WorkloadResults | undefined, get: (r: PeerResult) => number | null, complete = false): { value: number; name: string } | null {
  let best: { value: number; name: string } | null = null;
  for (const run of w?.runs ?? []) {
    if (run.contender.startsWith("tickd") || !run.ok || !run.result) continue;
    if (complete && run.result.fired < run.result.expected) continue;
    const v = get(run.result);
    if (v !== null && Number.isFinite(v) && (best === null || v < best.value)) best = { value: v, name: run.contender };
  }
  return best;
}

/** CPU per started run in µs: the window's CPU over the runs it started. */
export const cpuPerRunUs = (r: PeerResult): number | null => (r.fired > 0 ? (r.cpu_ms * 1000) / r.fired : null);

/** Bytes of RSS per job between the smallest and the largest curve point. */
export function perJobBytes(b: BenchResults, contender = "tickd"): number | null {
  const points = rssCurve(b).find((c) => c.contender === contender)?.points ?? [];
  if (points.length < 2) return null;
  const lo = points[0]!;
  const hi = points[points.length - 1]!;
  return hi.jobs > lo.jobs ? ((hi.rss_mb - lo.rss_mb) * 2 ** 20) / (hi.jobs - lo.jobs) : null;
}

export function leanRows(b: BenchResults): LeanRow[] {
  const rows: LeanRow[] = [];
  const row = (figure: string, unit: string, tickd: number | null, peer: { value: number; name: string } | null, target: number, sense: LeanRow["sense"] = "max") =>
    rows.push({ figure, unit, tickd, peer: peer?.value ?? null, peerName: peer?.name ?? "–", target, sense });
  const t = b.tenant;
  row("RSS of a small tenant (the example's 7 jobs, API on)", "MB", t?.api_rss_mb ?? null, t?.bun_idle_rss_mb != null ? { value: t.bun_idle_rss_mb, name: "Bun itself, idle (no peer runs the example)" } : null, 40);
  const i10k = byId(b, "idle-10k");
  const i100k = byId(b, "idle-100k");
  const i1m = byId(b, "idle-1m");
  row("RSS with 10,000 idle jobs", "MB", tickdOf(i10k)?.rss_mb ?? null, bestPeer(i10k, (r) => r.rss_mb), 45);
  row("RSS with 100,000 idle jobs", "MB", tickdOf(i100k)?.rss_mb ?? null, bestPeer(i100k, (r) => r.rss_mb), 100);
  const perJob = perJobBytes(b);
  const toad = rssCurve(b)
    .filter((c) => !c.contender.startsWith("tickd"))
    .map((c) => ({ name: c.contender, value: perJobBytes(b, c.contender) }))
    .filter((p): p is { name: string; value: number } => p.value !== null && p.value > 0)
    .sort((a, c) => a.value - c.value)[0];
  const span = rssCurve(b).find((c) => c.contender === "tickd")?.points ?? [];
  const spanText = span.length >= 2 ? `${span[0]!.jobs.toLocaleString("en-US")} → ${span[span.length - 1]!.jobs.toLocaleString("en-US")} jobs` : "";
  row(`RSS per job (${spanText})`, "bytes", perJob, toad ?? null, 600);
  const cpu = (w: WorkloadResults | undefined) => (tickdOf(w) ? cpuPerSecond(tickdOf(w)!) : null);
  row(`idle CPU, first ${i10k?.duration ?? 20} s after setup, 10,000 jobs`, "ms/s", cpu(i10k), bestPeer(i10k, cpuPerSecond), 0.05);
  row(`idle CPU, first ${i100k?.duration ?? 10} s after setup, 100,000 jobs`, "ms/s", cpu(i100k), bestPeer(i100k, cpuPerSecond), 0.05);
  row("setup, 100,000 jobs", "ms", tickdOf(i100k)?.setup_ms ?? null, bestPeer(i100k, (r) => r.setup_ms), 150);
  row("setup, 1,000,000 idle jobs", "ms", tickdOf(i1m)?.setup_ms ?? null, bestPeer(i1m, (r) => r.setup_ms), 2000);
  row("RSS, 1,000,000 idle jobs", "MB", tickdOf(i1m)?.rss_mb ?? null, bestPeer(i1m, (r) => r.rss_mb), 700);
  const burst = byId(b, "burst");
  const burstTickd = tickdOf(burst);
  row("CPU per fired run, 1,000 jobs/s (tickd records each; no peer records anything)", "µs", burstTickd ? cpuPerRunUs(burstTickd) : null, bestPeer(burst, cpuPerRunUs, true), 10);
  const history = b.history?.result ?? null;
  if (b.history) {
    row(`the same, ${b.history.runs.toLocaleString("en-US")} runs of each job already recorded`, "µs", history ? cpuPerRunUs(history) : null, bestPeer(burst, cpuPerRunUs, true), 10);
  }
  const engine = b.persist && !("error" in b.persist.engine) ? b.persist.engine.find((r) => r.mode === "batched") : undefined;
  const rowsOnly = b.persist && !("error" in b.persist.rows) ? b.persist.rows.reduce<number | null>((m, r) => (m === null || r.runs_per_s > m ? r.runs_per_s : m), null) : null;
  row("runs recorded per second with claims, embedded file", "runs/s", engine?.runs_per_s ?? null, rowsOnly === null ? null : { value: rowsOnly, name: "the same store, rows only (no claims)" }, 30_000, "min");
  return rows;
}

const num = (x: number | null, unit = ""): string => {
  if (x === null) return "–";
  const text = Math.abs(x) >= 1000 ? Math.round(x).toLocaleString("en-US") : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : Math.abs(x) >= 0.1 ? x.toFixed(2) : x.toFixed(3);
  return unit ? `${text} ${unit}` : text;
};

/** tickd / best peer, as "×2.3"; for a figure where more is better, best / tickd. */
function ratio(r: LeanRow): string {
  if (r.tickd === null || r.peer === null || r.peer <= 0 || r.tickd <= 0) return "–";
  const x = r.sense === "min" ? r.peer / r.tickd : r.tickd / r.peer;
  return `×${x >= 10 ? x.toFixed(0) : x.toFixed(2)}`;
}

export function verdict(r: LeanRow): string {
  if (r.tickd === null) return "not measured";
  const met = r.sense === "max" ? r.tickd <= r.target : r.tickd >= r.target;
  if (met) return "met";
  return r.sense === "max" ? `**missed** (×${(r.tickd / r.target).toFixed(r.tickd / r.target >= 10 ? 0 : 1)} the target)` : `**missed** (${((100 * r.tickd) / r.target).toFixed(0)} % of it)`;
}

export function leanTable(b: BenchResults): string[] {
  const rows = leanRows(b);
  return [
    "## Lean at every size: tickd against its targets",
    "",
    "Ratio: tickd's figure over the best peer's (for runs per second, the other way round), so ×1 is a tie and more is worse. Idle CPU is the window right after setup, as the issue defines it.",
    "",
    "| figure | tickd | best peer | ratio | target | verdict |",
    "|---|---:|---|---:|---:|---|",
    ...rows.map((r) => `| ${r.figure} | ${num(r.tickd, r.unit)} | ${r.peer === null ? "–" : `${num(r.peer, r.unit)} (${r.peerName})`} | ${ratio(r)} | ${r.sense === "max" ? "≤" : "≥"} ${num(r.target, r.unit)} | ${verdict(r)} |`),
    "",
  ];
}

export interface CurvePoint {
  readonly jobs: number;
  readonly rss_mb: number;
}

/** RSS against job count per contender, from every idle workload (10 … 1,000,000 jobs). */
export function rssCurve(b: BenchResults): { contender: string; points: CurvePoint[] }[] {
  const sizes = b.workloads.filter((w) => w.kind === "idle" && w.jobs <= 100_000).sort((a, c) => a.jobs - c.jobs);
  const names = [...new Set(sizes.flatMap((w) => w.runs.map((r) => r.contender)))];
  return names
    .map((contender) => ({
      contender,
      points: sizes.flatMap((w) => {
        const r = w.runs.find((x) => x.contender === contender && x.ok)?.result;
        return r ? [{ jobs: w.jobs, rss_mb: r.rss_mb }] : [];
      }),
    }))
    .filter((c) => c.points.length > 0);
}

const COLORS = ["#0969da", "#8250df", "#1a7f37", "#bf3989", "#953800", "#57606a", "#4d2d00", "#0a3069"];

/** RSS (MB, linear) against job count (log scale): one line per contender, tickd first and thickest. */
export function rssSvg(b: BenchResults, caption: string): string {
  const curves = rssCurve(b).sort((a, c) => (a.contender === "tickd" ? -1 : c.contender === "tickd" ? 1 : a.contender.localeCompare(c.contender)));
  const W = 720;
  const H = 400;
  const left = 64;
  const right = 170;
  const top = 40;
  const bottom = 56;
  const xs = [...new Set(curves.flatMap((c) => c.points.map((p) => p.jobs)))].sort((a, c) => a - c);
  // The axis ends a little above tickd's largest figure (or at 1,000 MB): a peer that holds far more
  // (croner's year arrays) leaves the top of the plot, clipped, and its legend says its last figure.
  const mine = Math.max(0, ...(curves.find((c) => c.contender === "tickd")?.points.map((p) => p.rss_mb) ?? []));
  const maxY = Math.min(Math.max(50, ...curves.flatMap((c) => c.points.map((p) => p.rss_mb))), mine > 0 ? mine * 2 : 1000);
  const stepY = maxY > 400 ? 100 : maxY > 200 ? 50 : 25;
  const topY = Math.ceil(maxY / stepY) * stepY;
  const lx = (n: number) => Math.log10(Math.max(1, n));
  const [x0, x1] = [lx(xs[0] ?? 10), lx(xs[xs.length - 1] ?? 100_000)];
  const px = (n: number) => left + ((lx(n) - x0) / Math.max(1e-9, x1 - x0)) * (W - left - right);
  const py = (mb: number) => top + (1 - mb / topY) * (H - top - bottom);
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<defs><clipPath id="plot"><rect x="${left - 5}" y="${top - 5}" width="${W - left - right + 10}" height="${H - top - bottom + 10}"/></clipPath></defs>`,
    `<text x="${left}" y="22" font-size="14" font-weight="600">RSS against job count (idle jobs, every hour)</text>`,
  ];
  for (let y = 0; y <= topY; y += stepY) {
    out.push(`<line x1="${left}" x2="${W - right}" y1="${py(y)}" y2="${py(y)}" stroke="#d0d7de"/>`, `<text x="${left - 8}" y="${py(y) + 4}" text-anchor="end">${y}</text>`);
  }
  for (const n of xs) out.push(`<line x1="${px(n)}" x2="${px(n)}" y1="${top}" y2="${H - bottom}" stroke="#eaeef2"/>`, `<text x="${px(n)}" y="${H - bottom + 16}" text-anchor="middle">${n.toLocaleString("en-US")}</text>`);
  out.push(`<text x="${(left + W - right) / 2}" y="${H - bottom + 34}" text-anchor="middle">jobs (log scale)</text>`, `<text x="16" y="${(top + H - bottom) / 2}" transform="rotate(-90 16 ${(top + H - bottom) / 2})" text-anchor="middle">RSS, MB</text>`);
  curves.forEach((c, i) => {
    const color = c.contender === "tickd" ? "#cf222e" : COLORS[(i - 1 + COLORS.length) % COLORS.length]!;
    const width = c.contender === "tickd" ? 3 : 1.5;
    const d = c.points.map((p, j) => `${j === 0 ? "M" : "L"}${px(p.jobs).toFixed(1)},${py(p.rss_mb).toFixed(1)}`).join(" ");
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${width}" clip-path="url(#plot)"/>`);
    for (const p of c.points) out.push(`<circle clip-path="url(#plot)" cx="${px(p.jobs).toFixed(1)}" cy="${py(p.rss_mb).toFixed(1)}" r="${width + 1}" fill="${color}"><title>${esc(c.contender)}: ${p.jobs.toLocaleString("en-US")} jobs, ${p.rss_mb} MB</title></circle>`);
    const last = c.points[c.points.length - 1]!;
    out.push(`<text x="${W - right + 8}" y="${top + 14 + i * 16}" fill="${color}" font-weight="${c.contender === "tickd" ? 700 : 400}">${esc(c.contender)} (${last.rss_mb} MB at ${last.jobs.toLocaleString("en-US")})</text>`);
  });
  out.push(`<text x="${left}" y="${H - 8}" fill="#57606a" font-size="11">${esc(caption)}</text>`, "</svg>", "");
  return out.join("\n");
}
