/**
 * The shapes GraphQL types resolve from: a job of the catalog (src/jobs/),
 * with the engine's live state when the engine schedules it.
 */
import { everyText, jobKey, optionKeys, optionValue } from "../config/keys.ts";
import type { JobSpec, JobTarget, KwargValue } from "../config/types.ts";
import type { JobState } from "../engine/types.ts";
import { describeRule, isZoned } from "../schedule/describe.ts";
import type { ActiveBy, CatalogEntry, Pause } from "../jobs/index.ts";

export interface ScheduleModel {
  readonly kind: "every" | "cron" | "manual";
  /** In words, e.g. "every 10 minutes at :30". */
  readonly text: string;
  /** `every` as a job file would say it ("10 minutes", "monday"); null for cron. */
  readonly every: string | null;
  readonly interval: number | null;
  readonly unit: string | null;
  readonly at: string | null;
  readonly cron: string | null;
  /** The zone the schedule computes in (the job's or the instance's). */
  readonly timezone: string;
}

export interface JobModel {
  readonly label: string;
  readonly source: "ini" | "discovered";
  readonly app: string | null;
  readonly file: string;
  readonly line: number;
  readonly target: JobTarget;
  readonly schedule: ScheduleModel;
  /** The zone set on the job; null = the instance zone. */
  readonly timezone: string | null;
  readonly description: string;
  readonly kwargs: Readonly<Record<string, KwargValue>>;
  readonly active: boolean;
  /** Who decided `active`, and when an operator did. */
  readonly activeBy: ActiveBy;
  readonly activeAt: number | null;
  /** Switched off by an operator: why, who, until when; null otherwise. */
  readonly pause: Pause | null;
  readonly missing: boolean;
  readonly nextRunAt: number | null;
  readonly running: number;
  readonly timeoutMs: number | null;
  readonly overlap: string;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly catchup: string;
  readonly jitterMs: number;
  readonly until: number | null;
}

/**
 * The description of the job model's field for job-file key `key`: the key
 * table's `doc` (what the key means, written once), then what is particular
 * to the API (`note`: units, who may read it). A key missing from the table
 * fails when the schema is built, not silently.
 */
export function keyDoc(key: string, note?: string): string {
  const row = jobKey(key, "url");
  if (!row) throw new Error(`keyDoc: no job-file key ${JSON.stringify(key)} in the key table (src/config/keys.ts)`);
  return note ? `${row.doc} ${note}` : row.doc;
}

/**
 * The options a job's model carries, by the key table (src/config/keys.ts):
 * each key kept in the `options` column, under its JobSpec field; null when
 * the job has none (no timeout).
 */
function optionFields(spec: JobSpec): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const row of optionKeys()) if (row.column === "options") fields[row.field] = optionValue(spec, row) ?? null;
  return fields;
}

/** A catalog entry as the API shows it; `state` is the engine's, when it schedules the job. */
export function jobFromEntry(entry: CatalogEntry, state: JobState | undefined, instanceZone: string): JobModel {
  const spec = entry.spec;
  const rule = spec.schedule;
  const zone = spec.timezone ?? instanceZone;
  const schedule: ScheduleModel = {
      kind: rule.kind,
      // The same words the CLI prints (Schedule.describe): the zone is named
      // where wall-clock time matters.
      text: describeRule(rule, isZoned(rule) || spec.until !== undefined ? zone : undefined, spec.until),
      every: everyText(rule),
      interval: rule.kind === "every" ? rule.interval : null,
      unit: rule.kind === "every" ? rule.unit : null,
      at: rule.kind === "every" ? (rule.at?.text ?? null) : null,
      cron: rule.kind === "cron" ? rule.expression : null,
      timezone: zone,
  };
  return {
    label: spec.label,
    source: spec.origin.source,
    app: spec.origin.app ?? null,
    file: spec.origin.file,
    line: spec.origin.line,
    target: spec.target,
    schedule,
    timezone: spec.timezone ?? null,
    description: spec.description,
    kwargs: spec.kwargs,
    active: state?.active ?? entry.active,
    activeBy: entry.activeBy,
    activeAt: entry.activeAt,
    pause: entry.pause,
    missing: entry.missing,
    nextRunAt: state?.nextRunAt ?? null,
    running: state?.running ?? 0,
    ...(optionFields(spec) as Pick<JobModel, "timeoutMs" | "overlap" | "retries" | "retryDelayMs" | "catchup" | "jitterMs">),
    until: spec.until ?? null,
  };
}
