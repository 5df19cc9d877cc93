/**
 * The result line every contender prints (bench/README.md, "Protocol"), and
 * the parser that picks it out of a contender's stdout. Libraries may log to
 * stdout too (node-cron warns about missed executions there), so the parser
 * takes the last line that is a JSON object with a "peer" field, and checks
 * every field rather than trusting it.
 */

export interface LatenessMs {
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface PeerResult {
  readonly peer: string;
  readonly jobs: number;
  /** "1" or a range "1..10", as passed on the command line. */
  readonly interval_s: string;
  readonly duration_s: number;
  /** Callbacks that started for an occurrence due inside the window. */
  readonly fired: number;
  /** Occurrences the jobs had inside the window, on the ideal grid. */
  readonly expected: number;
  readonly late_ms: LatenessMs;
  /**
   * Due instants in the window, and how many had a start more than 2 ms late
   * (optional: a contender may leave it out).
   */
  readonly instants?: { readonly n: number; readonly late: number };
  /** User + system CPU time spent during the window. */
  readonly cpu_ms: number;
  /** Time to register the jobs (the library's own setup, not process start). */
  readonly setup_ms: number;
  /** Resident set size at the end of the window. */
  readonly rss_mb: number;
}

export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  readonly code = "bench-protocol";
}

const isCount = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 0;
const isNonNegative = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0;
// Lateness may be slightly negative: a callback may start a hair before its
// due instant when the library's clock and ours disagree by < 1 ms.
const isLateness = (x: unknown): x is number | null => x === null || (typeof x === "number" && Number.isFinite(x));

/** Check one parsed object against the protocol; returns it typed or throws saying which field is wrong. */
export function validateResult(value: unknown): PeerResult {
  if (typeof value !== "object" || value === null) throw new ProtocolError("result is not a JSON object");
  const r = value as Record<string, unknown>;
  const fail = (field: string, want: string) => {
    throw new ProtocolError(`result field "${field}" should be ${want}, got ${JSON.stringify(r[field])}`);
  };
  if (typeof r.peer !== "string" || r.peer === "") fail("peer", "a non-empty string");
  if (!isCount(r.jobs) || r.jobs === 0) fail("jobs", "a positive integer");
  if (typeof r.interval_s !== "string" && typeof r.interval_s !== "number") fail("interval_s", "a string like 1 or 1..10");
  if (!isNonNegative(r.duration_s)) fail("duration_s", "a number of seconds");
  if (!isCount(r.fired)) fail("fired", "a count");
  if (!isCount(r.expected)) fail("expected", "a count");
  const late = r.late_ms as Record<string, unknown> | undefined;
  if (typeof late !== "object" || late === null) fail("late_ms", "an object {p50, p99, max}");
  for (const key of ["p50", "p99", "max"] as const) {
    if (!isLateness(late![key])) fail("late_ms", `to have a numeric or null ${key}`);
  }
  if ((r.fired as number) > 0 && late!.p50 === null) fail("late_ms", "to have percentiles when fired > 0");
  if (late!.p50 !== null && late!.p99 !== null && late!.max !== null) {
    if (!((late!.p50 as number) <= (late!.p99 as number) && (late!.p99 as number) <= (late!.max as number))) {
      fail("late_ms", "ordered p50 <= p99 <= max");
    }
  }
  if (r.instants !== undefined) {
    const i = r.instants as Record<string, unknown> | null;
    if (typeof i !== "object" || i === null || !isCount(i.n) || !isCount(i.late) || i.late > i.n) fail("instants", "an object {n, late} of counts, late <= n");
  }
  if (!isNonNegative(r.cpu_ms)) fail("cpu_ms", "a non-negative number");
  if (!isNonNegative(r.setup_ms)) fail("setup_ms", "a non-negative number");
  if (!isNonNegative(r.rss_mb) || r.rss_mb === 0) fail("rss_mb", "a positive number");
  return { ...(r as unknown as PeerResult), interval_s: String(r.interval_s) };
}

/** Pick the result line out of a contender's stdout. */
export function parseResultLine(stdout: string): PeerResult {
  const lines = stdout.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("{"));
  for (let i = lines.length - 1; i >= 0; i--) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(lines[i]!);
    } catch {
      continue;
    }
    if (typeof parsed === "object" && parsed !== null && "peer" in parsed) return validateResult(parsed);
  }
  throw new ProtocolError(`no result line in the output (expected one JSON object with a "peer" field); output began: ${JSON.stringify(stdout.slice(0, 200))}`);
}

/** Summary statistics of a list of samples (used for repeated measurements such as start time). */
export function summarize(samples: readonly number[]): { n: number; median: number | null; min: number | null; max: number | null } {
  if (samples.length === 0) return { n: 0, median: null, min: null, max: null };
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { n: sorted.length, median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}
