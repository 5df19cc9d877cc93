/**
 * The largest (and smallest) values a job may hold, checked where the job file
 * (or a registration, read through the same loader) is read. A value past its
 * bound is a diagnostic on its line and leaves only that job out, so whatever
 * passes `tickd check` stays inside what every later layer handles: Temporal
 * and Date instants (±8.64e15 ms), GraphQL's 32-bit Int (timeoutMs,
 * retryDelayMs, jitterMs and interval are Ints in the API: 2^31-1 ms is 24.8
 * days), ISO-8601's four-digit years.
 */

const DAY_MS = 86_400_000;

/** `every`: at most 10 years (3650 days, 521 weeks, 315,360,000 seconds). */
export const MAX_EVERY_MS = 3650 * DAY_MS;
/** `timeout`: at most 7 days; a run longer than that is not a scheduled job's run. */
export const MAX_TIMEOUT_MS = 7 * DAY_MS;
/** `retry_delay`, and the wait before the last retry after doubling: at most 7 days. */
export const MAX_RETRY_WAIT_MS = 7 * DAY_MS;
/** `jitter`: at most 7 days. */
export const MAX_JITTER_MS = 7 * DAY_MS;
/** `grace`: at most 7 days; later than that, a run is not late but gone. */
export const MAX_GRACE_MS = 7 * DAY_MS;
/** `keep`, `keep_failures` and --keep as a span: at most 100 years. */
export const MAX_KEEP_MS = 36_500 * DAY_MS;
/** `keep = N runs`: at most ten million. */
export const MAX_KEEP_RUNS = 10_000_000;
/** `retries`: at most 100. */
export const MAX_RETRIES = 100;
/** The longest failure streak alert_after may wait for. */
export const MAX_ALERT_AFTER = 10_000;
/** `until`: a date in the years 1970 to 9999, as written. */
export const FIRST_UNTIL_YEAR = 1970;
export const LAST_UNTIL_YEAR = 9999;

/** Nominal length of one `every` unit, for the bound only (days are wall-clock days in the schedule). */
export const EVERY_UNIT_MS: Readonly<Record<string, number>> = {
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: DAY_MS,
  week: 7 * DAY_MS,
};

/** "about 17 years", "6 days", "3 hours": a long span in words, for messages. */
export function roughly(ms: number): string {
  if (!Number.isFinite(ms)) return "forever";
  const units: [string, number][] = [
    ["year", 365 * DAY_MS],
    ["day", DAY_MS],
    ["hour", 3_600_000],
    ["minute", 60_000],
    ["second", 1000],
  ];
  for (const [name, size] of units) {
    if (ms >= size) {
      const n = ms / size;
      const whole = Math.round(n);
      const text = whole >= 1e6 ? whole.toExponential(1).replace("e+", "e") : String(whole);
      return `${Number.isInteger(n) ? "" : "about "}${text} ${name}${whole === 1 ? "" : "s"}`;
    }
  }
  return `${Math.round(ms)} ms`;
}

/** The wait before retry number `n` (1-based): the delay doubles each time (engine/runner.ts). */
export function retryWait(firstDelayMs: number, n: number): number {
  return firstDelayMs * 2 ** (n - 1);
}

/** The most retries whose last wait stays within MAX_RETRY_WAIT_MS, for a first delay > 0. */
export function mostRetries(firstDelayMs: number): number {
  let n = 0;
  while (n < MAX_RETRIES && retryWait(firstDelayMs, n + 1) <= MAX_RETRY_WAIT_MS) n += 1;
  return n;
}
