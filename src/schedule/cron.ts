/**
 * `cron = expr`: croner matches the fields, tickd does the zone.
 *
 * croner is asked only about *wall* times (the zone's local time read as UTC,
 * `utcOffset: 0`), which it answers without Intl and so ~7x faster than with
 * `timezone`; the wall time is then resolved to an instant by zone.ts, so cron
 * jobs follow the same DST rules as `every` jobs: a match in a spring-forward
 * gap runs at the transition instant (once, however many gap times matched),
 * a match in a fall-back overlap runs once, at the earlier instant.
 */
import { Cron } from "croner";
import type { Grid } from "./every.ts";
import type { Zone } from "./zone.ts";

/** Parses `expression` (5 or 6 fields); throws croner's error for a bad one. */
export function cronGrid(expression: string, zone: Zone): Grid {
  const cron = new Cron(expression, { utcOffset: 0, paused: true });
  const nextWall = (local: number): number | null => {
    const next = cron.nextRun(new Date(local));
    return next === null ? null : next.getTime();
  };
  const following = (previous: number): number | null => {
    let wall = nextWall(zone.toLocal(previous));
    if (wall === null) return null;
    let next = zone.toInstant(wall);
    if (next <= previous) {
      // `previous` lies in the second pass of a fall-back overlap and `wall` is
      // a repeated wall time whose (earlier) run is already past: skip to the
      // first wall time after the overlap, [T + newOffset, T + oldOffset).
      const transition = zone.spanAt(previous).start;
      const overlapEnd = transition + zone.offsetAt(transition - 1);
      wall = nextWall(overlapEnd - 1);
      if (wall === null) return null;
      next = zone.toInstant(wall);
    }
    return next;
  };
  return {
    first: following,
    following,
    // Cron's grid does not depend on `previous`: the first match after both.
    followingAfter: (previous, after) => following(Math.max(previous, after)),
  };
}
