/**
 * compileSchedule: a JobSpec's rule -> a Schedule (pure; every instant passed in).
 */
import type { JobSpec } from "../config/types.ts";
import { TickdError } from "../errors.ts";
import { cronGrid } from "./cron.ts";
import { describeRule, isZoned } from "./describe.ts";
import { type Grid, everyGrid } from "./every.ts";
import type { Schedule } from "./types.ts";
import { zoneOf } from "./zone.ts";

/**
 * Compile `job`'s schedule in `job.timezone ?? instanceZone`.
 * Throws TickdError("config-invalid") for an unknown zone or a cron
 * expression croner rejects (the config loader validates both first, so this
 * only fires for specs made elsewhere).
 */
export function compileSchedule(job: JobSpec, instanceZone: string): Schedule {
  const zoneId = job.timezone ?? instanceZone;
  let zone;
  try {
    zone = zoneOf(zoneId);
  } catch (cause) {
    throw new TickdError(
      "config-invalid",
      `[${job.label}] timezone "${zoneId}" is not an IANA zone; use a name like Europe/Berlin or UTC`,
      { cause },
    );
  }
  let grid: Grid;
  const rule = job.schedule;
  if (rule.kind === "cron") {
    try {
      grid = cronGrid(rule.expression, zone);
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new TickdError(
        "config-invalid",
        `[${job.label}] cron "${rule.expression}" is not valid (${why}); use 5 fields, or 6 with seconds first`,
        { cause },
      );
    }
  } else {
    grid = everyGrid(rule, zone);
  }
  const until = job.until;
  // Occurrences strictly after `until` are never produced.
  const bound =
    until === undefined
      ? (t: number | null) => t
      : (t: number | null) => (t === null || t > until ? null : t);
  const text = describeRule(rule, isZoned(rule) || until !== undefined ? zoneId : undefined, until);
  return {
    zone: zoneId,
    first: (registeredAt) => bound(grid.first(registeredAt)),
    following: (previous) => bound(grid.following(previous)),
    followingAfter: (previous, after) => bound(grid.followingAfter(previous, after)),
    describe: () => text,
  };
}

/** The first `count` occurrences for a job registered at `registeredAt` (fewer if the schedule ends). */
export function nextRuns(schedule: Schedule, registeredAt: number, count: number): number[] {
  const runs: number[] = [];
  let next = count > 0 ? schedule.first(registeredAt) : null;
  while (next !== null && runs.length < count) {
    runs.push(next);
    if (runs.length < count) next = schedule.following(next);
  }
  return runs;
}
