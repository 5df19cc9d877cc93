/**
 * TEMPORARY: fixed-unit `every` schedules in UTC, until src/schedule lands
 * (engineer "schedule"); then this file re-exports the real compileSchedule.
 */
import type { JobSpec } from "../../src/config/types.ts";
import type { Schedule } from "../../src/schedule/types.ts";

const UNIT_MS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

export function compileSchedule(job: JobSpec, zone: string): Schedule {
  if (job.schedule.kind !== "every" || !(job.schedule.unit in UNIT_MS) || job.schedule.at) throw new Error("test schedule: fixed every only");
  const step = job.schedule.interval * UNIT_MS[job.schedule.unit]!;
  const cap = (t: number) => (job.until !== undefined && t > job.until ? null : t);
  return {
    zone,
    first: (t) => cap(t + step),
    following: (p) => cap(p + step),
    followingAfter: (p, after) => cap(after < p ? p + step : p + (Math.floor((after - p) / step) + 1) * step),
    describe: () => `every ${step} ms`,
  };
}
