/**
 * Comparing job specs for reload and discovery: which jobs were added,
 * removed, updated, and whether an update touches the schedule (then the next
 * occurrence is recomputed) or only how a run behaves (then it is kept).
 */
import type { JobSpec } from "../config/types.ts";

/** Fields that decide when a job runs. */
function scheduleKey(spec: JobSpec): string {
  return JSON.stringify([spec.schedule, spec.timezone ?? null, spec.until ?? null, spec.active]);
}

/** Everything a user can change, without where it was written (a moved section is unchanged). */
function fullKey(spec: JobSpec): string {
  return JSON.stringify([
    scheduleKey(spec),
    spec.target,
    spec.description,
    spec.timeoutMs ?? null,
    spec.overlap,
    spec.retries,
    spec.retryDelayMs,
    spec.catchup,
    spec.jitterMs,
    Object.entries(spec.kwargs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    spec.origin.source,
    spec.origin.app ?? null,
  ]);
}

export function sameSpec(a: JobSpec, b: JobSpec): boolean {
  return fullKey(a) === fullKey(b);
}

export function sameSchedule(a: JobSpec, b: JobSpec): boolean {
  return scheduleKey(a) === scheduleKey(b);
}
