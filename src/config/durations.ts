/**
 * Durations as operators write them: `30 seconds`, `5 minutes`, `1 hour`,
 * `2.5 s`, `500 ms`, `1 hour 30 minutes`, `1h30m`; a bare number is seconds
 * (as `timeout = 30` means in most tools).
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  msec: 1,
  msecs: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  y: 31_536_000_000,
  year: 31_536_000_000,
  years: 31_536_000_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

export const DURATION_HINT = "write a number and a unit, e.g. 30 seconds, 5 minutes, 1 hour, 2.5 s or 500 ms (a bare number means seconds)";

/** Milliseconds, rounded to whole ms; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const part = /(\d+(?:\.\d+)?)\s*([a-z]+)\s*,?\s*/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = part.exec(t)) !== null) {
    const unit = UNIT_MS[match[2]!];
    if (unit === undefined) return undefined;
    total += Number(match[1]) * unit;
    consumed = part.lastIndex;
  }
  if (consumed !== t.length) return undefined;
  return Math.round(total);
}

/** `90000` -> "1 minute 30 seconds"; for messages and `list`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0 seconds";
  const parts: string[] = [];
  let rest = ms;
  for (const [name, size] of [
    ["day", 86_400_000],
    ["hour", 3_600_000],
    ["minute", 60_000],
    ["second", 1000],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n} ${name}${n === 1 ? "" : "s"}`);
      rest -= n * size;
    }
  }
  if (rest > 0) parts.push(`${rest} ms`);
  return parts.join(" ");
}
