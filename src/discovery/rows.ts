/**
 * Discovered jobs <-> rows of the `jobs` table. A row is turned back into a
 * JobSpec through the same job-file validation as a registration
 * (validate.ts), so what the engine schedules from the store passes the very
 * rules a hand-written file does.
 */
import { formatDuration } from "../config/durations.ts";
import type { JobSpec } from "../config/types.ts";
import { formatKwarg, IniFormatError, jobPairs, type Pair } from "../export/ini.ts";
import type { JobOptions, JobRow, NewJobRow } from "../../schema/db.ts";
import { validatePairs } from "./validate.ts";

/** The schedule columns an operator may edit (they survive re-discovery when edited). */
export interface ScheduleColumns {
  readonly every: string | null;
  readonly at: string | null;
  readonly cron: string | null;
  readonly timezone: string | null;
  readonly until: number | null;
}

export function scheduleColumns(spec: JobSpec): ScheduleColumns {
  const pairs = new Map(jobPairs(spec));
  return {
    every: pairs.get("every") ?? null,
    at: pairs.get("at") ?? null,
    cron: pairs.get("cron") ?? null,
    timezone: spec.timezone ?? null,
    until: spec.until ?? null,
  };
}

export function jobOptions(spec: JobSpec): JobOptions {
  return {
    ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
    overlap: spec.overlap,
    retries: spec.retries,
    retryDelayMs: spec.retryDelayMs,
    catchup: spec.catchup,
    jitterMs: spec.jitterMs,
  };
}

/** The columns a registration sets (everything but identity, active flag and timestamps). */
export function registrationColumns(spec: JobSpec, app: string, callback: string, file: string) {
  return {
    label: spec.label,
    source: "discovered" as const,
    app,
    file,
    targetKind: "call" as const,
    callback,
    method: "",
    ...scheduleColumns(spec),
    options: jobOptions(spec),
    kwargs: { ...spec.kwargs },
    description: spec.description,
    missing: false,
  } satisfies Partial<NewJobRow>;
}

/** Job-file lines for a stored discovered job. */
export function rowPairs(row: JobRow): Pair[] {
  const o = row.options ?? {};
  const pairs: Pair[] = [["call", row.callback]];
  if (row.description) pairs.push(["description", row.description]);
  if (row.cron) pairs.push(["cron", row.cron]);
  if (row.every) pairs.push(["every", row.every]);
  if (row.at) pairs.push(["at", row.at]);
  if (row.timezone) pairs.push(["timezone", row.timezone]);
  pairs.push(["active", row.active ? "yes" : "no"]);
  if (o.timeoutMs !== undefined) pairs.push(["timeout", formatDuration(o.timeoutMs)]);
  if (o.overlap && o.overlap !== "skip") pairs.push(["overlap", o.overlap]);
  if (o.retries) pairs.push(["retries", String(o.retries)]);
  if (o.retryDelayMs !== undefined && o.retryDelayMs !== 1000) pairs.push(["retry_delay", formatDuration(o.retryDelayMs)]);
  if (o.catchup && o.catchup !== "skip") pairs.push(["catchup", o.catchup]);
  if (o.jitterMs) pairs.push(["jitter", formatDuration(o.jitterMs)]);
  if (row.until !== null && row.until !== undefined) pairs.push(["until", new Date(row.until).toISOString()]);
  for (const [key, value] of Object.entries(row.kwargs ?? {})) pairs.push([key, formatKwarg(value)]);
  return pairs;
}

/** A stored discovered job as a JobSpec, or the reason it cannot be one (e.g. an operator's bad schedule edit). */
export function rowToSpec(row: JobRow, zone: string): { spec?: JobSpec; problems: readonly string[] } {
  try {
    return validatePairs(row.label, rowPairs(row), { file: row.file, app: row.app }, zone);
  } catch (error) {
    if (error instanceof IniFormatError) return { problems: [`[${row.label}] ${error.message}`] };
    throw error;
  }
}
