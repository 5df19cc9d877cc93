/**
 * The reserved keys of a job section (SPEC 1) and their aliases. Every other
 * key becomes a keyword argument of the callback.
 */

/** Alias -> canonical key. The original accepted `callback` and `frequency`. */
export const ALIASES: Readonly<Record<string, string>> = {
  callback: "call",
  frequency: "every",
};

export const RESERVED_KEYS = new Set([
  "call",
  "command",
  "url",
  "every",
  "at",
  "cron",
  "active",
  "description",
  "timezone",
  "timeout",
  "overlap",
  "retries",
  "retry_delay",
  "catchup",
  "jitter",
  "until",
  "isolate",
]);

/** `method` is reserved only for url jobs; for a call it is an ordinary kwarg. */
export const URL_ONLY_KEYS = new Set(["method"]);

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export const DEFAULTS = {
  active: true,
  overlap: "skip",
  retries: 0,
  retryDelayMs: 1000,
  catchup: "skip",
  jitterMs: 0,
  method: "GET",
  isolate: "worker",
} as const;

/** Canonical form of a key as written: lower-case, aliases resolved. */
export function canonicalKey(written: string): string {
  const lower = written.toLowerCase();
  return ALIASES[lower] ?? lower;
}
