/**
 * bench/results/lateness.svg: p50 and p99 lateness per contender for burst
 * and spread, horizontal bars on a log scale (lateness spans 0.1 ms to
 * seconds across peers). Hand-written SVG: no chart library, renders on GitHub.
 */
import type { WorkloadResults } from "./report.ts";

const W = 760;
const LABEL_W = 150;
const PLOT_W = W - LABEL_W - 30;
const ROW_H = 30;
const PANEL_GAP = 50;
const TOP = 84;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

export function latenessSvg(panels: readonly WorkloadResults[], caption: string): string {
  const rows = panels.map((p) =>
    p.runs
      .filter((r) => r.ok && r.result && r.result.late_ms.p99 !== null)
      .map((r) => ({ name: r.contender, p50: Math.max(r.result!.late_ms.p50!, 0.01), p99: Math.max(r.result!.late_ms.p99!, 0.01), missed: r.result!.fired < r.result!.expected }))
      // Ranked like the tables: contenders that skipped runs go last.
      .sort((a, b) => Number(a.missed) - Number(b.missed) || a.p99 - b.p99),
  );
  const all = rows.flat().flatMap((r) => [r.p50, r.p99]);
  // Half the smallest value still gets a visible bar.
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.01, Math.min(...all, 1) * 0.5)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all, 10)));
  const x = (v: number) => LABEL_W + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * PLOT_W;
  const parts: string[] = [];
  let y = TOP;
  panels.forEach((panel, i) => {
    const list = rows[i]!;
    parts.push(`<text x="10" y="${y - 14}" class="h">${esc(panel.title)} — lateness (ms, log scale)</text>`);
    const height = list.length * ROW_H;
    for (let d = lo; d <= hi * 1.0001; d *= 10) {
      const gx = x(d).toFixed(1);
      parts.push(`<line x1="${gx}" y1="${y - 4}" x2="${gx}" y2="${y + height}" class="grid"/>`);
      parts.push(`<text x="${gx}" y="${y + height + 14}" class="tick" text-anchor="middle">${d >= 1 ? d.toFixed(0) : d.toString()}</text>`);
    }
    list.forEach((r, j) => {
      const ry = y + j * ROW_H;
      const tickd = r.name === "tickd";
      parts.push(`<text x="${LABEL_W - 8}" y="${ry + 17}" text-anchor="end" class="${tickd ? "lbl b" : "lbl"}">${esc(r.name)}${r.missed ? " *" : ""}</text>`);
      parts.push(`<rect x="${LABEL_W}" y="${ry + 3}" width="${(x(r.p99) - LABEL_W).toFixed(1)}" height="11" class="${tickd ? "p99t" : "p99"}"><title>${esc(r.name)} p99 ${ms(r.p99)} ms</title></rect>`);
      parts.push(`<rect x="${LABEL_W}" y="${ry + 15}" width="${(x(r.p50) - LABEL_W).toFixed(1)}" height="11" class="${tickd ? "p50t" : "p50"}"><title>${esc(r.name)} p50 ${ms(r.p50)} ms</title></rect>`);
      parts.push(`<text x="${(x(r.p99) + 4).toFixed(1)}" y="${ry + 12}" class="v">${ms(r.p99)}</text>`);
      parts.push(`<text x="${(x(r.p50) + 4).toFixed(1)}" y="${ry + 24}" class="v">${ms(r.p50)}</text>`);
    });
    y += height + PANEL_GAP;
  });
  const H = y + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">
<style>
.h{font-size:14px;font-weight:600;fill:#222}.lbl{font-size:12px;fill:#333}.b{font-weight:700}.tick{font-size:10px;fill:#777}.v{font-size:10px;fill:#444}
.grid{stroke:#ddd;stroke-width:1}.p99{fill:#9aa5b1}.p50{fill:#cfd6dd}.p99t{fill:#1f6feb}.p50t{fill:#79b8ff}.cap{font-size:11px;fill:#555}
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="18" class="h">Callback lateness: upper bar p99, lower bar p50 (shorter is better)</text>
<text x="10" y="34" class="cap">${esc(caption)}</text>
<rect x="10" y="42" width="12" height="9" class="p99t"/><text x="26" y="50" class="cap">tickd p99</text>
<rect x="90" y="42" width="12" height="9" class="p50t"/><text x="106" y="50" class="cap">tickd p50</text>
<rect x="170" y="42" width="12" height="9" class="p99"/><text x="186" y="50" class="cap">peer p99</text>
<rect x="250" y="42" width="12" height="9" class="p50"/><text x="266" y="50" class="cap">peer p50</text>
${parts.join("\n")}
<text x="10" y="${H - 8}" class="cap">* fired fewer runs than were due in the window</text>
</svg>
`;
}
