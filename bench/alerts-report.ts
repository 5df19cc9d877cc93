/**
 * bench/results/alerts.md from the JSON lines of bench/alerts.ts runs
 * (bench/results/alerts.jsonl): per workload, the baseline without alerts
 * beside alerts as tickd delivers them and beside alerts delivered without
 * the sender's quiet window, over the rounds run alternately. On a shared
 * machine one round's p99 says more about the neighbours than about tickd,
 * so the table leads with what is robust to them: the median over every
 * instant of its latest start, and how many instants had a start more than
 * 2 ms late.
 *
 * Usage: bun bench/alerts-report.ts bench/results/alerts.jsonl > bench/results/alerts.md
 */
import { readFileSync } from "node:fs";
import { machineInfo } from "./lib/machine.ts";

interface Line {
  notify: boolean;
  quiet: boolean;
  realert_s: number | null;
  receiver_delay_ms: number;
  runs: number;
  late_ms: { p50: number; p99: number; max: number };
  instants_max_ms: number[];
  alerts_raised: number;
  alerts_delivered: number;
  sent_while_measured: number;
  sent_near_instant: number;
  drain_ms: number | null;
  cpu_ms: number;
  load: [number, number];
  at: string;
}

const file = process.argv[2];
if (!file) {
  console.error("usage: alerts-report.ts RESULTS.jsonl");
  process.exit(2);
}
const lines = readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Line);
const median = (xs: readonly number[]) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (x: number) => (Number.isNaN(x) ? "–" : `${x < 10 ? x.toFixed(2) : x.toFixed(0)} ms`);

const workloads: Array<{ name: string; test: (l: Line) => boolean }> = [
  { name: "Burst: every job's streak alerts at once (1,000 alerts after the first measured instant)", test: (l) => l.realert_s === null && l.receiver_delay_ms === 0 },
  { name: "Sustained: every failure alerts (realert = 1 s: about 900 alerts a second)", test: (l) => l.realert_s !== null && l.receiver_delay_ms === 0 },
  { name: "Slow webhook: the burst, the receiver answering each POST after 200 ms (delivery spans 9 instants)", test: (l) => l.realert_s === null && l.receiver_delay_ms > 0 },
];
const configs: Array<{ name: string; test: (l: Line) => boolean }> = [
  { name: "baseline: no alerts (--notify off)", test: (l) => !l.notify },
  { name: "alerts (as tickd run delivers them)", test: (l) => l.notify && l.quiet },
  { name: "alerts, no quiet window (--quiet off)", test: (l) => l.notify && !l.quiet },
];

const m = await machineInfo();
const out: string[] = [];
out.push("# Alerts under load: start lateness beside a baseline without alerts", "");
out.push(`${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB RAM, ${m.os} (kernel ${m.kernel}); Bun ${m.bun}. Runs from ${lines[0]?.at ?? "?"} to ${lines.at(-1)?.at ?? "?"}; 1-minute load average during them ${Math.min(...lines.flatMap((l) => l.load))}–${Math.max(...lines.flatMap((l) => l.load))} (the machine is shared).`, "");
out.push(
  "`bun bench/alerts.ts`: 1,000 jobs every second on the real engine, store, notifier and sender in one process, callbacks in the scheduler's thread, a webhook each (a receiver in another process on loopback). The jobs succeed through a 3 s warm-up, then fail for 10 s: lateness is callback start minus due time over those 10,000 starts. The three configurations run one after another, round after round, so each round's neighbours weigh on all three alike.",
  "",
);
for (const w of workloads) {
  const ofW = lines.filter(w.test);
  if (ofW.length === 0) continue;
  out.push(`## ${w.name}`, "");
  out.push("| | rounds | median over instants of the latest start | instants with a start > 2 ms late | p50 (median of rounds) | p99 (median of rounds; each round) | alerts delivered / raised | drain (median) | deliveries sent in the 60 ms before an instant |");
  out.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const c of configs) {
    const rs = ofW.filter(c.test);
    if (rs.length === 0) continue;
    const instants = rs.flatMap((r) => r.instants_max_ms);
    const over = instants.filter((x) => x > 2).length;
    const delivered = rs.reduce((n, r) => n + r.alerts_delivered, 0);
    const raised = rs.reduce((n, r) => n + r.alerts_raised, 0);
    const drains = rs.flatMap((r) => (r.drain_ms === null ? [] : [r.drain_ms]));
    const sent = rs.reduce((n, r) => n + r.sent_while_measured, 0);
    const near = rs.reduce((n, r) => n + r.sent_near_instant, 0);
    out.push(
      `| ${c.name} | ${rs.length} | ${ms(median(instants))} | ${over} of ${instants.length} | ${ms(median(rs.map((r) => r.late_ms.p50)))} | ${ms(median(rs.map((r) => r.late_ms.p99)))} (${rs.map((r) => ms(r.late_ms.p99)).join(", ")}) | ${raised === 0 ? "–" : `${delivered} / ${raised}`} | ${drains.length === 0 ? "–" : ms(median(drains))} | ${raised === 0 ? "–" : `${near} of ${sent}`} |`,
    );
  }
  out.push("");
}
out.push("Raw lines: [alerts.jsonl](alerts.jsonl). Reproduce with `make bench-alerts`.");
console.log(out.join("\n"));
