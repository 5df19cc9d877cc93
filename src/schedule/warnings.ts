/**
 * Schedules that never fire, as warnings: a cron expression no date matches
 * (`* * 31 2 *`), an `until` already past, a first occurrence after `until`.
 * Such a job is valid and stays loaded (listed, runnable by hand with
 * run-job); it simply has no occurrence, which `tickd check` says instead of
 * letting it pass silently. Pure: the instant is an argument.
 */
import { keyLine } from "../config/load.ts";
import type { Diagnostic, JobSpec } from "../config/types.ts";
import type { Grid } from "./every.ts";
import { gridOf } from "./grid.ts";
import { zoneProblem } from "./validate.ts";
import { formatLocal, zoneOf } from "./zone.ts";

/** Why `job`, registered at `now`, never runs; undefined when it has an occurrence. */
export function neverFires(job: JobSpec, instanceZone: string, now: number): Diagnostic | undefined {
  const zoneId = job.timezone ?? instanceZone;
  if (zoneProblem(zoneId) !== undefined) return undefined;
  const zone = zoneOf(zoneId);
  const rule = job.schedule;
  // A manual job never fires on purpose: nothing to warn about.
  if (rule.kind === "manual") return undefined;
  let first: number | null;
  try {
    // The grid without `until`, so the reason can be told apart.
    const grid: Grid = gridOf(rule, zone);
    first = grid.first(now);
  } catch {
    return undefined; // a bad rule is the loader's diagnostic, not a warning
  }
  const at = (key: string, message: string): Diagnostic => ({
    file: job.origin.file,
    line: keyLine(job, key),
    label: job.label,
    key,
    code: "never-fires",
    message,
  });
  const wall = (ms: number) => `${formatLocal(zone.toLocal(ms))} ${zoneId}`;
  if (first === null && rule.kind === "cron") {
    return at(
      "cron",
      `cron: ${JSON.stringify(rule.expression)} matches no date in any year, so this job never runs; check the day and month fields (February has no 30th or 31st; April, June, September and November have no 31st)`,
    );
  }
  const until = job.until;
  if (until === undefined) return undefined;
  if (until < now) {
    return at("until", `until: ${wall(until)} has passed, so this job never runs again; move until later, or remove the job`);
  }
  if (first !== null && first > until) {
    return at("until", `until: the first run would be at ${wall(first)}, after until (${wall(until)}), so this job never runs; move until later or shorten the interval`);
  }
  return undefined;
}

/** One warning per job that never fires, in file order. */
export function scheduleWarnings(jobs: readonly JobSpec[], instanceZone: string, now: number): Diagnostic[] {
  const warnings: Diagnostic[] = [];
  for (const job of jobs) {
    const warning = neverFires(job, instanceZone, now);
    if (warning) warnings.push(warning);
  }
  return warnings;
}
