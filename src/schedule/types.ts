import type { JobSpec } from "../config/types.ts";

/**
 * The horizon: no occurrence is produced after the end of the year 9999 (UTC),
 * the last year ISO-8601 writes with four digits and the last `until` the
 * loader accepts. Temporal and Date end later (year 275760), so every instant
 * up to here can be formatted, zoned and stored.
 */
export const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * A compiled schedule: pure functions from instants (epoch ms) to instants.
 * No clock is read here; the caller passes every instant in.
 *
 * `null` means "no further occurrence" (the job's `until` has passed, a
 * cron expression that can never match again, or the horizon LAST_INSTANT).
 */
export interface Schedule {
  /**
   * The first occurrence for a job registered (loaded) at `registeredAt`,
   * following Python `schedule` 1.1: one interval later, or for `at` and
   * weekday jobs the next matching time of day (today if not yet passed).
   */
  first(registeredAt: number): number | null;
  /**
   * The occurrence after the scheduled occurrence `previous` — computed from
   * the scheduled time, never from when a run ended, so nothing drifts.
   */
  following(previous: number): number | null;
  /**
   * The first occurrence strictly after `after` on the grid that passes
   * through `previous` (equal to stepping `following` until past `after`, but
   * without stepping: a 30-day gap on a 1-second job is one call).
   */
  followingAfter(previous: number, after: number): number | null;
  /** The schedule in words, e.g. "every 10 minutes", "every sunday at 23:30 (Europe/Berlin)". */
  describe(): string;
  /** The IANA zone this schedule computes wall times in. */
  readonly zone: string;
}

export type CompileSchedule = (job: JobSpec, instanceZone: string) => Schedule;
