/**
 * History as pictures (issue 16), drawn as inline SVG from API data: the job
 * table's strip of recent runs, the job panel's duration chart (each run a
 * point, p50/p95 lines from the daily roll-ups) and its success rate per day.
 * Each picture carries a text alternative (role="img" + aria-label).
 */
import { h } from "./dom.ts";
import { BAD_STATUSES, duration, statusWord } from "./format.ts";
import type { Rollup, RunSummary } from "./queries.ts";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string | number>, ...children: (SVGElement | string)[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(typeof c === "string" ? document.createTextNode(c) : c);
  return el;
}

/** "18 success, 2 failure" */
function tally(statuses: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${statusWord(s)}`).join(", ");
}

/** The newest runs as coloured ticks, oldest left; `runs` is newest first, as the API sends it. */
export function strip(runs: readonly Pick<RunSummary, "runId" | "status" | "startedAt">[]): HTMLElement {
  const ordered = [...runs].reverse();
  const label = runs.length === 0 ? "No runs yet" : `Last ${runs.length} runs: ${tally(runs.map((r) => r.status))}`;
  return h(
    "span",
    { class: "strip", role: "img", "aria-label": label, title: label },
    ...ordered.map((r) => h("i", { class: `tick status-${r.status.toLowerCase()}`, "data-status": r.status, title: `${statusWord(r.status)} ${new Date(r.startedAt).toLocaleString()}` })),
  );
}

const W = 640;
const H = 180;
const PAD = { left: 48, right: 8, top: 8, bottom: 22 };

/** Durations over time: each run a dot (red when it went wrong), p50 and p95 of each day as lines. */
export function durationChart(runs: readonly RunSummary[], rollups: readonly Rollup[], since: number, until: number): Element {
  const timed = runs.filter((r) => r.durationMs !== null);
  const maxMs = Math.max(1, ...timed.map((r) => r.durationMs!), ...rollups.map((d) => d.p95Ms ?? 0));
  const x = (t: number) => PAD.left + ((t - since) / Math.max(1, until - since)) * (W - PAD.left - PAD.right);
  const y = (ms: number) => H - PAD.bottom - (ms / maxMs) * (H - PAD.top - PAD.bottom);
  const line = (key: "p50Ms" | "p95Ms", cls: string) => {
    const pts = rollups.filter((d) => d[key] !== null).map((d) => `${x(Date.parse(d.day) + 43_200_000).toFixed(1)},${y(d[key]!).toFixed(1)}`);
    return pts.length === 0 ? null : svg("polyline", { class: cls, points: pts.join(" "), fill: "none" });
  };
  const p50 = line("p50Ms", "p50");
  const p95 = line("p95Ms", "p95");
  const label = `Durations of ${timed.length} runs, longest ${duration(maxMs)}; ${rollups.length} days of p50/p95`;
  const el = svg(
    "svg",
    { class: "chart duration-chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label },
    svg("title", {}, label),
    svg("line", { class: "axis", x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom }),
    svg("text", { class: "tick-label", x: PAD.left - 4, y: PAD.top + 10, "text-anchor": "end" }, duration(maxMs)),
    svg("text", { class: "tick-label", x: PAD.left - 4, y: H - PAD.bottom, "text-anchor": "end" }, "0"),
    svg("text", { class: "tick-label", x: PAD.left, y: H - 6 }, new Date(since).toLocaleDateString()),
    svg("text", { class: "tick-label", x: W - PAD.right, y: H - 6, "text-anchor": "end" }, new Date(until).toLocaleDateString()),
    ...timed.map((r) =>
      svg(
        "circle",
        { class: `point${BAD_STATUSES.has(r.status) ? " bad" : ""}`, cx: x(Date.parse(r.startedAt)).toFixed(1), cy: y(r.durationMs!).toFixed(1), r: 2.5, "data-run": r.runId },
        svg("title", {}, `${statusWord(r.status)}, ${duration(r.durationMs)}, ${new Date(r.startedAt).toLocaleString()}`),
      ),
    ),
  );
  if (p50) el.append(p50);
  if (p95) el.append(p95);
  return el;
}

/** Success rate per day, one bar a day (0..100 %). */
export function successChart(rollups: readonly Rollup[]): Element {
  const days = rollups.filter((d) => d.successRate !== null);
  const bw = (W - PAD.left - PAD.right) / Math.max(1, days.length);
  const label = days.length === 0 ? "No days with runs" : `Success rate per day: ${days.map((d) => `${d.day.slice(0, 10)} ${Math.round(d.successRate! * 100)}%`).join(", ")}`;
  const ch = 90;
  return svg(
    "svg",
    { class: "chart success-chart", viewBox: `0 0 ${W} ${ch + 20}`, role: "img", "aria-label": label },
    svg("title", {}, label),
    svg("text", { class: "tick-label", x: PAD.left - 4, y: 12, "text-anchor": "end" }, "100%"),
    ...days.map((d, i) => {
      const hgt = Math.max(1, d.successRate! * ch);
      return svg(
        "rect",
        { class: d.successRate! < 1 ? "bar bad" : "bar", x: (PAD.left + i * bw + 1).toFixed(1), y: (ch - hgt + 4).toFixed(1), width: Math.max(1, bw - 2).toFixed(1), height: hgt.toFixed(1), "data-day": d.day },
        svg("title", {}, `${new Date(d.day).toLocaleDateString()}: ${Math.round(d.successRate! * 100)}% of ${d.runs} runs`),
      );
    }),
  );
}
