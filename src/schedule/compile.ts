/**
 * compileSchedule: a JobSpec's rule -> a Schedule (pure; every instant passed in).
 */
import type { JobSpec } from "../config/types.ts";
import { TickdError } from "../errors.ts";
import { describeRule, isZoned } from "./describe.ts";
import type { Grid } from "./every.ts";
import { gridOf } from "./grid.ts";
import { LAST_INSTANT, type Schedule } from "./types.ts";
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
  const key = scheduleKey(job.schedule, zoneId, job.until);
  const known = compiled.get(key);
  if (known !== undefined) return known;
  const schedule = compileRule(job, zoneId);
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(key, schedule);
  return schedule;
}

/**
 * Compiled schedules by what they depend on (rule, zone, until). A Schedule
 * is pure and immutable, so jobs with the same rule share one: 100,000
 * `every = 1 hour` jobs hold one schedule, not 100,000 sets of closures (six
 * functions, a scope and a description each), and 100,000 jobs with one cron
 * expression one croner instance. Cleared when it reaches MAX_COMPILED
 * distinct rules (a file that changes on every reload), never stale: the key
 * is everything compileRule reads.
 */
const compiled = new Map<string, Schedule>();
const MAX_COMPILED = 200_000;

function scheduleKey(rule: JobSpec["schedule"], zoneId: string, until: number | undefined): string {
  const head = `${zoneId}\u0000${until ?? ""}\u0000`;
  if (rule.kind === "cron") return `${head}c${rule.expression}`;
  if (rule.kind === "manual") return `${head}m`;
  const at = rule.at;
  return `${head}e${rule.interval} ${rule.unit}${at === undefined ? "" : ` ${at.hour} ${at.minute} ${at.second} ${at.text}`}`;
}

function compileRule(job: JobSpec, zoneId: string): Schedule {
  const rule = job.schedule;
  const problem = zoneProblem(zoneId) ?? (rule.kind === "cron" ? cronProblem(rule.expression) : undefined);
  if (problem !== undefined) throw new TickdError("config-invalid", `[${job.label}] ${problem}`);
  const zone = zoneOf(zoneId);
  const grid: Grid = gridOf(rule, zone);
  // Occurrences strictly after `until`, or past the horizon, are never produced.
  const last = job.until === undefined ? LAST_INSTANT : Math.min(job.until, LAST_INSTANT);
  const bound = (t: number | null) => (t === null || !(t <= last) ? null : t);
  // From instants past the horizon nothing follows; a RangeError ends the schedule.
  const step = (a: number, b: number, next: () => number | null): number | null => {
    if (!(a <= LAST_INSTANT && b <= LAST_INSTANT)) return null;
    try {
      return bound(next());
    } catch (error) {
      return endOnRangeError(error);
    }
  };
  const text = describeRule(rule, isZoned(rule) || job.until !== undefined ? zoneId : undefined, job.until);
  return {
    zone: zoneId,
    first: (registeredAt) => step(registeredAt, registeredAt, () => grid.first(registeredAt)),
    following: (previous) => step(previous, previous, () => grid.following(previous)),
    followingAfter: (previous, after) => step(previous, after, () => grid.followingAfter(previous, after)),
    describe: () => text,
  };
}

/**
 * Second line of defence behind the loader's bounds (src/config/bounds.ts): an
 * instant Temporal or Date cannot hold (RangeError) ends the schedule instead
 * of throwing into the engine, `tickd next` or the API.
 */
function endOnRangeError(error: unknown): null {
  if (error instanceof RangeError) return null;
  throw error;
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
