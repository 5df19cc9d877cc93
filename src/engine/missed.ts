/**
 * Missed occurrences: an occurrence that did not start within its job's
 * `grace` of its time — the instance was down, suspended, or its loop stuck —
 * is recorded `missed`. One record stands for a whole gap (the first and last
 * missed instants and how many), whatever `catchup` then decides, so a night
 * of downtime on a per-minute job is one alert, not 600.
 *
 * The record is a finished run like any other (it arrives as `run.finished`):
 * status `missed`, trigger `schedule`, scheduledFor the gap's *last*
 * occurrence (so the next start's look at the store begins after the gap and
 * does not record it twice), the words in `message` and the numbers, as JSON,
 * in `output`: {"missed":{"first":ISO,"last":ISO,"count":N}}. Its runId ends
 * in ":missed" and it takes no claim: a catch-up run of the same occurrence
 * must still be able to take its own.
 */
import type { JobSpec } from "../config/types.ts";
import { formatDuration } from "../config/durations.ts";
import { STATUS } from "../sdk/index.ts";
import type { Schedule } from "../schedule/types.ts";
import { runId, type RunnerDeps } from "./runner.ts";
import type { MissedGap, RunRecord } from "./types.ts";

/** Counting stops here: a per-second job down for a day is 86,400; past this the count reads "or more". */
export const MAX_GAP_COUNT = 100_000;

/**
 * The gap from occurrence `first` through the last occurrence at or before
 * `upTo` (and the job's `until`). Counting steps the schedule; it stops at
 * MAX_GAP_COUNT.
 */
export function gapFrom(schedule: Schedule, first: number, upTo: number, until?: number): MissedGap {
  const end = until === undefined ? upTo : Math.min(upTo, until);
  let last = first;
  let count = 1;
  for (let next = schedule.following(first); next !== null && next <= end && count < MAX_GAP_COUNT; next = schedule.following(next)) {
    last = next;
    count += 1;
  }
  return { first, last, count };
}

/**
 * At start-up: the gap after `lastRecorded` (the store's last occurrence of
 * the job) up to `now`, when its first occurrence is more than `grace` ago;
 * null when nothing was missed.
 */
export function gapSince(spec: JobSpec, schedule: Schedule, lastRecorded: number | null, now: number): MissedGap | null {
  if (spec.graceMs === undefined || lastRecorded === null) return null;
  const first = schedule.following(lastRecorded);
  if (first === null || now - first <= spec.graceMs || (spec.until !== undefined && first > spec.until)) return null;
  return gapFrom(schedule, first, now, spec.until);
}

/** Record a gap as one `missed` run; returns the record (also emitted as run.finished). */
export function recordGap(deps: Pick<RunnerDeps, "clock" | "store" | "events" | "instance" | "logger">, spec: JobSpec, gap: MissedGap): RunRecord {
  const now = Math.max(deps.clock.now(), gap.last);
  const iso = (ms: number) => new Date(ms).toISOString();
  const counted = gap.count >= MAX_GAP_COUNT ? `${gap.count} or more occurrences` : gap.count === 1 ? "1 occurrence" : `${gap.count} occurrences`;
  const span = gap.count === 1 ? `at ${iso(gap.first)}` : `from ${iso(gap.first)} to ${iso(gap.last)}`;
  const message = `missed ${counted} ${span}: not started within the grace of ${formatDuration(spec.graceMs ?? 0)} (the instance was down, suspended or stuck); catchup = ${spec.catchup}`;
  const record: RunRecord = {
    runId: runId(deps.instance, spec.label, gap.first, "missed"),
    label: spec.label,
    scheduledFor: gap.last,
    startedAt: now,
    endedAt: now,
    status: STATUS.missed,
    message,
    output: JSON.stringify({ missed: { first: iso(gap.first), last: iso(gap.last), count: gap.count } }),
    error: "",
    attempt: 1,
    trigger: "schedule",
    instance: deps.instance,
    missed: gap,
  };
  deps.logger.log("warn", "run.missed", { label: spec.label, first: gap.first, last: gap.last, count: gap.count, message });
  deps.store.finished(record);
  deps.events.emit({ type: "run.finished", run: record });
  return record;
}
