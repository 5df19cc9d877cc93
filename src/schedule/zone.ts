/**
 * Wall-clock <-> instant conversion for one IANA zone, with tickd's DST rules:
 *
 * - a nonexistent local time (spring forward) resolves to the first valid
 *   instant after it, which is the transition instant itself
 *   (02:30 on Europe/Berlin's spring-forward day -> 03:00 CEST);
 * - a repeated local time (fall back) resolves to the earlier instant only.
 *
 * Temporal (global in Bun and Deno 2) is asked only for the zone's offset
 * transitions; each answer is cached as a span [start, end) with one offset, so
 * the hot path (`following`, called per run) is a few number comparisons and
 * no Temporal or Intl object is created.
 *
 * "Local ms" below means the wall time read as if it were UTC:
 * `localMs = epochMs + offsetMs`. Day arithmetic on local ms is calendar
 * arithmetic because a local day is always exactly DAY_MS long.
 */

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The slice of the Temporal API used here (the TS lib in use has no Temporal types yet). */
interface ZonedDateTimeLike {
  readonly offsetNanoseconds: number;
  readonly epochMilliseconds: number;
  getTimeZoneTransition(direction: "next" | "previous"): ZonedDateTimeLike | null;
}
interface TemporalLike {
  readonly Instant: {
    fromEpochMilliseconds(ms: number): { toZonedDateTimeISO(zone: string): ZonedDateTimeLike };
  };
}

function temporal(): TemporalLike {
  const t = (globalThis as unknown as { Temporal?: TemporalLike }).Temporal;
  if (t === undefined) {
    throw new Error("tickd needs the Temporal API (Bun >= 1.4 or Deno >= 2.7); this runtime has none");
  }
  return t;
}

/** A stretch of time with one UTC offset. */
interface Span {
  readonly start: number;
  readonly end: number;
  readonly offset: number;
}

/** Bounds the cache per zone; a long-running instance touches ~2 spans a year. */
const MAX_SPANS = 64;

/** Offsets of one zone, cached by span. Create through `zoneOf` so instances are shared. */
export class Zone {
  readonly id: string;
  private spans: Span[] = [];
  private last: Span | undefined;

  constructor(id: string) {
    // Throws RangeError for an unknown zone: callers validate zones with this.
    temporal().Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(id);
    this.id = id;
  }

  /** UTC offset in ms at the instant `epochMs`. */
  offsetAt(epochMs: number): number {
    const last = this.last;
    if (last !== undefined && epochMs >= last.start && epochMs < last.end) return last.offset;
    for (const span of this.spans) {
      if (epochMs >= span.start && epochMs < span.end) {
        this.last = span;
        return span.offset;
      }
    }
    const span = this.load(epochMs);
    if (this.spans.length >= MAX_SPANS) this.spans = [];
    this.spans.push(span);
    this.last = span;
    return span.offset;
  }

  /** The span containing `epochMs` (its start is the transition that began it). */
  spanAt(epochMs: number): Span {
    this.offsetAt(epochMs);
    return this.last as Span;
  }

  /** The wall time at `epochMs`, as local ms. */
  toLocal(epochMs: number): number {
    return epochMs + this.offsetAt(epochMs);
  }

  /**
   * The instant of the wall time `localMs`: the earlier of two for a repeated
   * time, the transition instant for a nonexistent one.
   */
  toInstant(localMs: number): number {
    // Offsets in effect a day either side bound every candidate (zones never
    // change offset twice within a day).
    const before = this.offsetAt(localMs - DAY_MS);
    const after = this.offsetAt(localMs + DAY_MS);
    const viaBefore = localMs - before;
    const viaAfter = localMs - after;
    const okBefore = this.offsetAt(viaBefore) === before;
    const okAfter = this.offsetAt(viaAfter) === after;
    if (okBefore && okAfter) return Math.min(viaBefore, viaAfter);
    if (okBefore) return viaBefore;
    if (okAfter) return viaAfter;
    // In the gap: read with the old offset, the wall time lands just after the
    // transition; the span holding that instant starts at the transition.
    return this.spanAt(viaBefore).start;
  }

  private load(epochMs: number): Span {
    const T = temporal();
    const here = T.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(this.id);
    // 'previous' is strictly before its receiver; asking from epochMs + 1
    // includes a transition exactly at epochMs.
    const prev = T.Instant.fromEpochMilliseconds(epochMs + 1)
      .toZonedDateTimeISO(this.id)
      .getTimeZoneTransition("previous");
    const next = here.getTimeZoneTransition("next");
    return {
      start: prev === null ? -Infinity : prev.epochMilliseconds,
      end: next === null ? Infinity : next.epochMilliseconds,
      offset: Math.round(here.offsetNanoseconds / 1e6),
    };
  }
}

const zones = new Map<string, Zone>();

/** The shared Zone for an IANA id; throws RangeError for an unknown zone. */
export function zoneOf(id: string): Zone {
  let zone = zones.get(id);
  if (zone === undefined) {
    zone = new Zone(id);
    zones.set(id, zone);
  }
  return zone;
}

/** Days since 1970-01-01 of a local ms. */
export function dayNumber(localMs: number): number {
  return Math.floor(localMs / DAY_MS);
}

/** Milliseconds since local midnight. */
export function timeOfDay(localMs: number): number {
  return localMs - dayNumber(localMs) * DAY_MS;
}

/** 0 = monday … 6 = sunday (1970-01-01 was a thursday). */
export function weekdayOf(localMs: number): number {
  return (((dayNumber(localMs) + 3) % 7) + 7) % 7;
}

/** "2027-01-01 00:00" (":SS" added when not zero) for a local ms. */
export function formatLocal(localMs: number): string {
  const iso = new Date(localMs).toISOString(); // local ms read as UTC: the wall time
  const seconds = iso.slice(17, 19);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds === "00" ? "" : `:${seconds}`}`;
}
