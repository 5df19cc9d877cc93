/**
 * The bench harness measures what it claims: percentiles, due-instant grids,
 * the result-line protocol, the ratio formatting of the report, and one real
 * (short) run of a peer printing a line the runner accepts.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { countCronGrid, countGrid, cronEvery, GRACE_MS, lateInstants, parseArgs, percentile } from "../../bench/peers/lib/harness.mjs";
import { CONTENDERS, FLOOR, runContender } from "../../bench/lib/contenders.ts";
import { engineMarkdown, poolSamples, summarizeRounds, type RoundRun, type Samples } from "../../bench/lib/engine-report.ts";
import type { MachineInfo } from "../../bench/lib/machine.ts";
import { parseResultLine, ProtocolError, summarize, validateResult } from "../../bench/lib/protocol.ts";
import { bestOf, targetsSection, withRatio, workloadTable, type BenchResults, type WorkloadResults } from "../../bench/lib/report.ts";

// 2026-01-01T00:00:00Z, a whole minute: second-of-minute arithmetic is easy to read.
const T = Date.UTC(2026, 0, 1);

const valid = {
  peer: "x",
  jobs: 10,
  interval_s: "1",
  duration_s: 2,
  fired: 20,
  expected: 20,
  late_ms: { p50: 1.5, p99: 3, max: 4 },
  cpu_ms: 12.5,
  setup_ms: 3,
  rss_mb: 40,
};

describe("percentiles (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  test("p50 of 1..100 is 50, p99 is 99, p100 is 100", () => {
    expect([percentile(hundred, 50), percentile(hundred, 99), percentile(hundred, 100)]).toEqual([50, 99, 100]);
  });
  test("p99 of ten samples is the largest: one slow run in ten is the tail", () => {
    expect(percentile([1, 1, 1, 1, 1, 1, 1, 1, 1, 250], 99)).toBe(250);
  });
  test("no samples give null, not zero", () => {
    expect(percentile([], 50)).toBeNull();
  });
  test("summarize takes the median of an even count as the mean of the middle two", () => {
    expect(summarize([900, 100, 300, 500])).toEqual({ n: 4, median: 400, min: 100, max: 900 });
  });
});

describe("due instants in the window", () => {
  test("a 1 s grid starting at the window start has 20 instants in a 20 s window", () => {
    expect(countGrid(T, 1000, T, T + 20_000)).toBe(20);
  });
  test("a 3 s grid registered 0.5 s before the window counts 2.5, 5.5, ..., 17.5 s in 20 s: 6", () => {
    expect(countGrid(T - 500 + 3000, 3000, T, T + 20_000)).toBe(6);
  });
  test("an hourly job registered now has nothing due in a 10 s window", () => {
    expect(countGrid(T + 3_600_000, 3_600_000, T, T + 10_000)).toBe(0);
  });
  test("cron */7 seconds restarts each minute: 0,7,...,56 is 9 instants per minute", () => {
    expect(countCronGrid(7, T, T + 60_000)).toBe(9);
  });
  test("the cron expression for each interval puts the step in the right field", () => {
    expect([cronEvery(1), cronEvery(5), cronEvery(60), cronEvery(120), cronEvery(3600)]).toEqual([
      "* * * * * *",
      "*/5 * * * * *",
      "0 * * * * *",
      "0 */2 * * * *",
      "0 0 * * * *",
    ]);
  });
  test("hourly cron has one instant when the window crosses the hour, none otherwise", () => {
    expect(countCronGrid(3600, T - 5000, T + 5000)).toBe(1);
    expect(countCronGrid(3600, T + 5000, T + 15_000)).toBe(0);
  });
});

describe("the command line every contender takes", () => {
  test("--interval 1..10 gives job i the interval 1 + (i mod 10)", () => {
    const opts = parseArgs(["--jobs", "2000", "--interval", "1..10", "--duration", "20"]);
    expect([0, 1, 9, 10, 1999].map((i) => opts.intervalFor(i))).toEqual([1, 2, 10, 1, 10]);
    expect(opts.intervalText).toBe("1..10");
  });
  test("--warmup is optional (0) and refused when negative", () => {
    expect(parseArgs(["--jobs", "5", "--interval", "1", "--duration", "2"]).warmup).toBe(0);
    expect(parseArgs(["--jobs", "5", "--interval", "1", "--duration", "2", "--warmup", "3"]).warmup).toBe(3);
    expect(() => parseArgs(["--jobs", "5", "--interval", "1", "--duration", "2", "--warmup", "-1"])).toThrow("--warmup must be zero or more seconds");
  });
  test("a missing duration is refused with the expected usage", () => {
    expect(() => parseArgs(["--jobs", "5", "--interval", "1"])).toThrow("--duration must be a positive number");
  });
});

describe("the result line", () => {
  test("is found after a library's own log lines on stdout", () => {
    const stdout = `[node-cron] missed execution at 12:00:01\n{"not":"a result"}\n${JSON.stringify(valid)}\n`;
    expect(parseResultLine(stdout).fired).toBe(20);
  });
  test("without one, the error quotes the start of the output", () => {
    expect(() => parseResultLine("Traceback (most recent call last):\n")).toThrow('no result line in the output (expected one JSON object with a "peer" field); output began: "Traceback');
  });
  test("a missing CPU figure names the field", () => {
    const { cpu_ms: _, ...rest } = valid;
    expect(() => validateResult(rest)).toThrow('result field "cpu_ms" should be a non-negative number, got undefined');
  });
  test("percentiles out of order are rejected", () => {
    expect(() => validateResult({ ...valid, late_ms: { p50: 5, p99: 3, max: 9 } })).toThrow(ProtocolError);
  });
  test("runs fired without lateness figures are rejected", () => {
    expect(() => validateResult({ ...valid, late_ms: { p50: null, p99: null, max: null } })).toThrow("to have percentiles when fired > 0");
  });
  test("an idle run (nothing due) may have null lateness", () => {
    expect(validateResult({ ...valid, fired: 0, expected: 0, late_ms: { p50: null, p99: null, max: null } }).fired).toBe(0);
  });
});

describe("late instants", () => {
  test("an instant is late when any of its starts came more than 2 ms after it", () => {
    // Three instants: all on time; the last of three starts 2.5 ms late; every start exactly 2 ms late.
    const dues = [T, T, T + 1000, T + 1000, T + 1000, T + 2000];
    const lates = [0.1, 0.4, 0.2, 0.9, 2.5, 2];
    expect(lateInstants(dues, lates)).toEqual({ n: 3, late: 1 });
  });
  test("no starts, no instants", () => {
    expect(lateInstants([], [])).toEqual({ n: 0, late: 0 });
  });
  test("the result line may carry them, and more late instants than instants is refused", () => {
    expect(validateResult({ ...valid, instants: { n: 2, late: 1 } }).instants).toEqual({ n: 2, late: 1 });
    expect(() => validateResult({ ...valid, instants: { n: 2, late: 3 } })).toThrow('result field "instants" should be an object {n, late} of counts, late <= n');
  });
});

describe("rounds of tickd and the floor", () => {
  const round = (p99: number, late: number): RoundRun => ({ ok: true, result: { ...valid, late_ms: { p50: 0.2, p99, max: p99 }, instants: { n: 20, late } } });
  test("count the windows under 2 ms, the median p99 and the late instants of every window", () => {
    const s = summarizeRounds("tickd", [round(0.8, 0), round(4.1, 1), round(1.9, 0), round(2.0, 1)]);
    expect(s).toEqual({ contender: "tickd", windows: 4, windowsMet: 2, medianP99: 1.95, instants: 80, lateInstants: 2 });
  });
  test("the report gives each round, the totals, and idle CPU as ms per second and share of a core", () => {
    const idle = (cpu_ms: number): RoundRun => ({ ok: true, result: { ...valid, duration_s: 20, cpu_ms, rss_mb: 250, fired: 0, expected: 0 } });
    const machine = { cpu: "cpu", cores: 2, memory_gb: 1, os: "os", kernel: "k", load_at_start: 0, bun: "b", node: "n", python: "p", libraries: {}, date: "d" } as MachineInfo;
    const md = engineMarkdown(
      machine,
      {
        burst: { jobs: 1000, duration: 20, warmup: 3 },
        rounds: [[round(0.8, 0), round(4.5, 2)]],
        pooled: [poolSamples([{ due: [1000, 1000, 2000], late_ms: [0.1, 0.5, 2.5] }]), poolSamples([])],
        idle: { jobs: 100_000, duration: 20, warmup: 40 }, idleRuns: [idle(3), idle(1)] },
      ["tickd", "floor"],
    );
    expect(md).toContain("| 1 | 0.8 ms · 0/20 | 4.5 ms · 2/20 |");
    expect(md).toContain("| windows with p99 under 2 ms | 1 of 1 | 0 of 1 |");
    expect(md).toContain("| instants more than 2 ms late | 0 of 20 (0.0%) | 2 of 20 (10.0%) |");
    expect(md).toContain("| p99 of every start, all rounds together | 2.50 ms over 3 starts | – over 0 starts |");
    expect(md).toContain("| starts more than 2 ms late | 1 (33.3%) | 0 (–) |");
    expect(md).toContain("| loop: an instant's last start minus its first, p50 · p99 | 0.00 ms · 0.40 ms | – · – |");
    expect(md).toContain("| CPU · RSS | 0.15 ms/s (0.015% of a core) · 250 MB | 0.05 ms/s (0.005% of a core) · 250 MB |");
  });
  test("pooled, every start of every window counts once, and each instant gives its wake (first start) and loop (span)", () => {
    // Two windows: instants 1000 (starts 0.1, 0.4, 0.3 in start order) and 2000 (3.0); instant 5000 (0.2, 0.9).
    const p = poolSamples([
      { due: [1000, 1000, 1000, 2000], late_ms: [0.1, 0.4, 0.3, 3.0] },
      { due: [5000, 5000], late_ms: [0.2, 0.9] },
    ]);
    expect(p).toEqual({ starts: 6, p50: 0.3, p99: 3.0, p999: 3.0, max: 3.0, overTarget: 1, instants: 3, firstP50: 0.2, firstP99: 3.0, spanP50: 0.2, spanP99: 0.7 });
  });
  test("a window that failed counts as a window, not as one met", () => {
    const s = summarizeRounds("floor", [round(0.5, 0), { ok: false, error: "exit 1" }]);
    expect([s.windows, s.windowsMet, s.medianP99, s.instants]).toEqual([2, 1, 0.5, 20]);
  });
});

describe("report cells", () => {
  test("the best value is bold, the others carry their ratio to it", () => {
    const best = bestOf([12.4, 3.06, null, 266]);
    expect([withRatio(3.06, best), withRatio(12.4, best), withRatio(266, best), withRatio(null, best)]).toEqual(["**3.06**", "12.4 (×4.1)", "266 (×87)", "–"]);
  });
  test("a burst row shows its late instants as a count, and a dash for a contender that does not report them", () => {
    const run = (contender: string, instants?: { n: number; late: number }) => ({ contender, runtime: "bun", ok: true, result: { ...valid, peer: contender, ...(instants ? { instants } : {}) } });
    const w = { id: "burst", title: "burst", kind: "burst", jobs: 10, interval: "1", duration: 2, warmup: 0, setupCapS: 20, runs: [run("tickd", { n: 20, late: 1 }), run("other")] } as unknown as WorkloadResults;
    const rows = workloadTable(w).split("\n");
    expect(rows[0]).toContain("| fired / expected | instants > 2 ms late |");
    expect(rows.find((r) => r.startsWith("| **tickd**"))).toContain("| 20 / 20 | 1 / 20 |");
    expect(rows.find((r) => r.startsWith("| other"))).toContain("| 20 / 20 | – |");
  });
});

describe("targets", () => {
  const line = (peer: string, p99: number, cpu_ms: number, fired = 20) => ({
    contender: peer,
    runtime: "node",
    ok: true,
    result: { ...valid, peer, fired, late_ms: { p50: 1, p99, max: p99 }, cpu_ms },
  });
  const results = (kind: "burst" | "idle", runs: ReturnType<typeof line>[]): BenchResults =>
    ({ workloads: [{ id: kind, title: kind, kind, jobs: 10, interval: "1", duration: 2, setupCapS: 20, runs }], persist: null, start: null, missing: [], quick: false, elapsed_s: 1 }) as unknown as BenchResults;

  test("tickd at 8 ms p99 against a peer at 10 ms meets the lateness target", () => {
    expect(targetsSection(results("burst", [line("tickd", 8, 1), line("toad-scheduler", 10, 1)]))).toContain("| burst: lower p99 lateness than every peer | 8.00 ms | 10.0 ms (toad-scheduler) | met |");
  });
  test("a peer that skipped runs is not the bar, even with a lower p99", () => {
    const rows = targetsSection(results("burst", [line("tickd", 8, 1), line("schedule", 5, 1, 19), line("croner", 50, 1)]));
    expect(rows).toContain("| burst: lower p99 lateness than every peer | 8.00 ms | 50.0 ms (croner) | met |");
  });
  test("idle CPU four times the best peer's is missed by ×4.0", () => {
    const rows = targetsSection(results("idle", [line("tickd", 0, 8), line("apscheduler", 0, 2)]));
    expect(rows).toContain("| idle: lowest CPU ms/s | 4.00 | 1.00 (apscheduler) | **missed** by ×4.0 |");
  });
});

describe("a real run", () => {
  test("toad-scheduler under node with 5 jobs every second for 1 s prints a line the runner accepts, all runs fired", async () => {
    const toad = CONTENDERS.find((c) => c.name === "toad-scheduler")!;
    expect(path.basename(toad.command[toad.command.length - 1]!)).toBe("toad-scheduler.mjs");
    const out = await runContender(toad, { jobs: 5, interval: "1", duration: 1 }, 20_000);
    if (!out.ok) throw new Error(out.error);
    expect(out.result.peer).toBe("toad-scheduler");
    expect(out.result.jobs).toBe(5);
    expect(out.result.fired).toBe(out.result.expected);
    expect(out.result.late_ms.p99).toBeLessThan(1000);
    expect(out.result.rss_mb).toBeGreaterThan(1);
  });

  test("the floor (no scheduler) fires every due instant, reports its instants, and with --samples writes each start", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-samples-"));
    try {
      const file = path.join(dir, "floor.json");
      const out = await runContender(FLOOR, { jobs: 5, interval: "1", duration: 2, samples: file }, 20_000);
      if (!out.ok) throw new Error(out.error);
      expect(out.result.peer).toBe("floor");
      expect(out.result.expected).toBe(10);
      expect(out.result.fired).toBe(10);
      expect(out.result.instants?.n).toBe(2);
      const samples = JSON.parse(readFileSync(file, "utf8")) as Samples;
      expect(samples.due.length).toBe(10);
      expect(new Set(samples.due).size).toBe(2);
      expect(poolSamples([samples]).max).toBe(out.result.late_ms.max);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("with --warmup 1 the window opens a second after setup: runs due in the warm-up are not counted", async () => {
    const toad = CONTENDERS.find((c) => c.name === "toad-scheduler")!;
    const started = performance.now();
    const out = await runContender(toad, { jobs: 5, interval: "1", duration: 1, warmup: 1 }, 20_000);
    if (!out.ok) throw new Error(out.error);
    // Setup, 1 s of warm-up, the 1 s window and the grace period.
    expect(performance.now() - started).toBeGreaterThan(1_000 + 1_000 + GRACE_MS);
    expect(out.result.expected).toBe(5);
    expect(out.result.fired).toBe(out.result.expected);
  });
});
