/// <reference lib="esnext.temporal" />
/**
 * `until`: an ISO date or date-time after which a job is no longer scheduled.
 *
 * - `2027-03-31`: the whole day counts, so the job stops at the end of that
 *   day in the job's zone (an operator writing a date means "through then").
 * - `2027-03-31T18:00` (or with a space): a wall time in the job's zone; a
 *   nonexistent time (DST gap) moves forward as Temporal's "compatible" does.
 * - `2027-03-31T18:00:00+02:00` / `...Z`: that exact instant.
 *
 * The year must be 1970 to 9999 (src/config/bounds.ts); an `until` already
 * past is valid (the job is over) and `tickd check` warns about it.
 */
import { FIRST_UNTIL_YEAR, LAST_UNTIL_YEAR } from "./bounds.ts";
import type { Parsed } from "./every.ts";

const HINT = "write an ISO date (2027-03-31) or date-time (2027-03-31T18:00, optionally with an offset such as +02:00 or Z)";

export function parseUntil(text: string, zone: string): Parsed<number> {
  const t = text.trim().replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, "$1T");
  const year = /^\d{4}-/.test(t) ? Number(t.slice(0, 4)) : undefined;
  if (year !== undefined && (year < FIRST_UNTIL_YEAR || year > LAST_UNTIL_YEAR)) {
    return {
      ok: false,
      code: "out-of-range",
      message: `until: ${JSON.stringify(text.trim())} is ${year < FIRST_UNTIL_YEAR ? `before ${FIRST_UNTIL_YEAR}` : `after ${LAST_UNTIL_YEAR}`}; write a date from ${FIRST_UNTIL_YEAR} to ${LAST_UNTIL_YEAR}, or remove until for a job that never ends`,
    };
  }
  try {
    if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
      const nextDay = Temporal.PlainDate.from(t, { overflow: "reject" }).add({ days: 1 });
      return { ok: true, value: nextDay.toZonedDateTime({ timeZone: zone }).epochMilliseconds - 1 };
    }
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(t)) {
      const wall = Temporal.PlainDateTime.from(t, { overflow: "reject" });
      return { ok: true, value: wall.toZonedDateTime(zone, { disambiguation: "compatible" }).epochMilliseconds };
    }
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(t)) {
      return { ok: true, value: Temporal.Instant.from(t).epochMilliseconds };
    }
  } catch {
    return { ok: false, code: "bad-until", message: `until: ${JSON.stringify(text.trim())} is not a real date or time; ${HINT}` };
  }
  return { ok: false, code: "bad-until", message: `until: ${JSON.stringify(text.trim())} is not an ISO date or date-time; ${HINT}` };
}
