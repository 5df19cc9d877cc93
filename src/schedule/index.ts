/**
 * The schedule calculator: pure time math, spec + instant -> next instants.
 * No clock, no I/O: every instant is passed in as epoch ms.
 *
 * - every second/minute/hour: elapsed time; first run as Python `schedule` 1.1.
 * - every day/week/weekday: wall-clock dates in the job's zone (job.timezone ??
 *   the instance zone); first run as `schedule` 1.1.
 * - cron: croner matches wall times; the zone is resolved here.
 * - Later runs: previous *scheduled* run + interval (no drift).
 * - DST: a nonexistent wall time runs at the transition instant, a repeated one
 *   runs once (the earlier instant). Runs after `until` are never produced,
 *   nor any after the end of the year 9999 (LAST_INSTANT).
 */
export type { CompileSchedule, Schedule } from "./types.ts";
export { compileSchedule, nextRuns } from "./compile.ts";
export { describeAt, describeRule, isZoned } from "./describe.ts";
export { cronProblem, zoneProblem } from "./validate.ts";
export { neverFires, scheduleWarnings } from "./warnings.ts";
export { LAST_INSTANT } from "./types.ts";
