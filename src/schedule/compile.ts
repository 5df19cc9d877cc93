/**
 * compileSchedule: a JobSpec's rule -> a Schedule (pure; every instant passed in).
 */
import type { JobSpec } from "../config/types.ts";
import { TickdError } from "../errors.ts";
import { cronGrid } from "./cron.ts";
import { describeRule, isZoned } from "./describe.ts";
import { type Grid, everyGrid } from "./every.ts";
import type { Schedule } from "./types.ts";
import { cronProblem, zoneProblem } from "./validate.ts";
import { zoneOf } from "./zone.ts";

/**
 * Compile `job`'s schedule in `job.timezone ?? instanceZone`.
 * Throws TickdError("config-invalid") for an unknown zone or a bad cron
 * expression (the config loader checks both first with zoneProblem and
 * cronProblem, so this only fires for specs made elsewhere).
 */
export function compileSchedule(job: JobSpec, instanceZone: string): Schedule {
  const zoneId = job.timezone ?? instanceZone;
  const rule = job.schedule;
  const problem = zoneProblem(zoneId) ?? (rule.kind === "cron" ? cronProblem(rule.expression) : undefined);
  if (problem !== undefined) throw new TickdError("config-invalid", `[${job.label}] ${problem}`);
  const zone = zoneOf(zoneId);
  const grid: Grid = rule.kind === "cron" ? cronGrid(rule.expression.trim(), zone) : everyGrid(rule, zone);
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
