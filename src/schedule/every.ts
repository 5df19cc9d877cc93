/**
 * `every = [N] unit [at …]`: Python `schedule` 1.1's first run, then a
 * drift-free grid (each occurrence = previous *scheduled* occurrence + interval).
 *
 * Two families, because they mean different things across DST:
 * - second/minute/hour are elapsed time: `every 2 hours` is 7,200,000 ms apart
 *   even on the night the clocks change;
 * - day/week/weekday are wall-clock dates in the zone: `every day at 10:00`
 *   stays 10:00 local, and `every day` without `at` keeps the wall time of
 *   registration.
 */
import type { AtTime, EverySchedule } from "../config/types.ts";
import { WEEKDAYS } from "../config/types.ts";
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  SECOND_MS,
  type Zone,
  dayNumber,
  timeOfDay,
  weekdayOf,
} from "./zone.ts";

/** The unbounded core of a schedule; `until` and naming are added by compile.ts. */
export interface Grid {
  first(registeredAt: number): number | null;
  following(previous: number): number | null;
  followingAfter(previous: number, after: number): number | null;
}

const UNIT_MS = { second: SECOND_MS, minute: MINUTE_MS, hour: HOUR_MS } as const;

export function everyGrid(rule: EverySchedule, zone: Zone): Grid {
  switch (rule.unit) {
    case "second":
    case "minute":
    case "hour":
      return new ElapsedGrid(rule.interval * UNIT_MS[rule.unit], rule, zone);
    case "day":
      return new CalendarGrid(rule.interval, rule, zone, undefined);
    case "week":
      return new CalendarGrid(7 * rule.interval, rule, zone, undefined);
    default:
      return new CalendarGrid(7, rule, zone, WEEKDAYS.indexOf(rule.unit));
  }
}

function atMs(at: AtTime): number {
  return (at.hour ?? 0) * HOUR_MS + (at.minute ?? 0) * MINUTE_MS + at.second * SECOND_MS;
}

/** Non-negative remainder (instants before 1970 are negative). */
function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** second/minute/hour: a fixed step in elapsed ms, so jumps are arithmetic. */
class ElapsedGrid implements Grid {
  constructor(
    private readonly step: number,
    private readonly rule: EverySchedule,
    private readonly zone: Zone,
  ) {}

  first(registeredAt: number): number {
    const base = registeredAt + this.step;
    const at = this.rule.at;
    if (at === undefined || this.rule.unit === "second") return base;
    // schedule 1.1: now + interval, then replace the minute/second fields of
    // that wall time, then go back one unit if the `at` is still ahead within
    // the current minute/hour (whatever the interval — that is what 1.1 does).
    const local = this.zone.toLocal(base);
    const now = this.zone.toLocal(registeredAt);
    if (this.rule.unit === "minute") {
      const replaced = Math.floor(local / MINUTE_MS) * MINUTE_MS + at.second * SECOND_MS;
      const nowSecond = Math.floor(mod(now, MINUTE_MS) / SECOND_MS);
      const back = at.second > nowSecond ? MINUTE_MS : 0;
      return base + (replaced - local) - back;
    }
    const minute = at.minute ?? 0;
    const replaced =
      Math.floor(local / HOUR_MS) * HOUR_MS + minute * MINUTE_MS + at.second * SECOND_MS;
    const nowMinute = Math.floor(mod(now, HOUR_MS) / MINUTE_MS);
    const nowSecond = Math.floor(mod(now, MINUTE_MS) / SECOND_MS);
    const ahead = minute > nowMinute || (minute === nowMinute && at.second > nowSecond);
    const next = base + (replaced - local) - (ahead ? HOUR_MS : 0);
    // Only a half-hour DST change (Australia/Lord_Howe) within the hour can
    // put the wall-time answer before registration; then take the next hour.
    return next > registeredAt ? next : next + HOUR_MS;
  }

  following(previous: number): number {
    return previous + this.step;
  }

  followingAfter(previous: number, after: number): number {
    if (after < previous) return previous + this.step;
    return previous + (Math.floor((after - previous) / this.step) + 1) * this.step;
  }
}

/**
 * day/week/weekday: occurrences are (local date, wall time) pairs `period`
 * days apart, each resolved to an instant by the zone's DST rules.
 */
class CalendarGrid implements Grid {
  private readonly at: number | undefined;
  /**
   * The wall time of a job without `at`, learned from `first` (or the first
   * `previous` seen). Needed because a wall time that fell into a
   * spring-forward gap ran at the transition (03:00); without remembering the
   * grid, the next day would run at 03:00 instead of 02:30.
   */
  private anchor: number | undefined;

  constructor(
    private readonly period: number,
    private readonly rule: EverySchedule,
    private readonly zone: Zone,
    private readonly weekday: number | undefined,
  ) {
    this.at = rule.at === undefined ? undefined : atMs(rule.at);
  }

  first(registeredAt: number): number {
    const local = this.zone.toLocal(registeredAt);
    const today = dayNumber(local);
    const now = timeOfDay(local);
    const at = this.at;
    let day: number;
    let strict: boolean;
    if (this.weekday !== undefined) {
      // The next such weekday (1..7 days ahead) …
      let ahead = this.weekday - weekdayOf(local);
      if (ahead <= 0) ahead += 7;
      // … or today when `at` has not passed (1.1 compares >=, so a job
      // registered exactly at its time runs at once).
      if (at !== undefined && ahead === 7 && at >= now) ahead = 0;
      day = today + ahead;
      strict = false;
    } else if (at !== undefined && this.rule.unit === "day") {
      // Only `every day at` (interval 1) may run today; `every 2 days at`
      // runs two days later whatever the time (schedule 1.1).
      day = today + (this.rule.interval === 1 && at > now ? 0 : this.period);
      strict = true;
    } else {
      day = today + this.period;
      strict = true;
    }
    const tod = at ?? now;
    if (at === undefined) this.anchor = now;
    let next = this.zone.toInstant(day * DAY_MS + tod);
    // Only in a fall-back overlap can the earlier instant of "today at" be
    // already past; that day's occurrence is then gone.
    while (strict ? next <= registeredAt : next < registeredAt) {
      day += this.weekday !== undefined ? 7 : 1;
      next = this.zone.toInstant(day * DAY_MS + tod);
    }
    return next;
  }

  following(previous: number): number {
    const local = this.zone.toLocal(previous);
    const tod = this.wallTime(previous, local);
    return this.zone.toInstant((dayNumber(local) + this.period) * DAY_MS + tod);
  }

  followingAfter(previous: number, after: number): number {
    if (after < previous) return this.following(previous);
    const local = this.zone.toLocal(previous);
    const tod = this.wallTime(previous, local);
    const start = dayNumber(local);
    const gap = dayNumber(this.zone.toLocal(after)) - start;
    // Land on the last grid day not after `after`'s date, then step (at most twice).
    let k = Math.max(1, Math.floor(gap / this.period));
    let next = this.zone.toInstant((start + k * this.period) * DAY_MS + tod);
    while (next <= after) {
      k += 1;
      next = this.zone.toInstant((start + k * this.period) * DAY_MS + tod);
    }
    return next;
  }

  /** The wall time of the grid through `previous` (see `anchor`). */
  private wallTime(previous: number, local: number): number {
    if (this.at !== undefined) return this.at;
    const anchor = this.anchor;
    if (anchor !== undefined) {
      const sameDay = dayNumber(local) * DAY_MS;
      if (sameDay + anchor === local || this.zone.toInstant(sameDay + anchor) === previous) {
        return anchor;
      }
    }
    const tod = timeOfDay(local);
    this.anchor = tod;
    return tod;
  }
}
