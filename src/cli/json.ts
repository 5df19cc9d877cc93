/**
 * What `--json` prints for a run, a job and a job-file problem: the names and
 * values the GraphQL API gives them (schema/schema.graphql: Activity, Job, Diagnostic),
 * written down here once, so a script reads one vocabulary whether it asks
 * the API or the CLI. test/cli/json.test.ts checks every key printed here
 * against the printed schema, so a field renamed on one side fails a test.
 *
 * Instants are ISO-8601 in UTC, as the API's DateTime scalar serialises them;
 * durations are milliseconds, as its Duration scalar; absent values are null.
 * Enum values are tickd's own strings (status "success", trigger "manual"),
 * as the store, the alert payload and `history --status` spell them;
 * GraphQL's enum names are these in upper snake case (src/api/types/enums.ts,
 * enumName: "success" -> SUCCESS, "bad-unit" -> BAD_UNIT) — one rule, no
 * table to drift. The CLI reads the store as
 * its owner, so the admin-only fields (output, error, kwargs) are given, as
 * the API gives them to an admin.
 */
import type { JobModel } from "../api/models.ts";
import type { Diagnostic } from "../config/types.ts";
import type { RunKwargs, Trigger } from "../engine/types.ts";
import type { Status } from "../sdk/index.ts";

/** A run as the engine reports it (RunRecord) or the store reads it back (ActivityRow). */
export interface RunLike {
  readonly runId: string;
  readonly label: string;
  readonly scheduledFor: number;
  readonly startedAt: number;
  readonly endedAt?: number | null;
  /** The store reads it back as text; one of STATUSES. */
  readonly status: Status | string;
  readonly message: string;
  readonly output: string;
  readonly error: string;
  readonly attempt: number;
  readonly trigger: Trigger | string;
  readonly instance: string;
  readonly kwargs?: RunKwargs | null;
}

/** The API's DateTime: ISO-8601 in UTC; null stays null. */
export function isoInstant(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/** The fields of a run, in the order --json prints them; also what the controls ask the API for (apiRun). */
export const RUN_FIELDS = ["runId", "label", "status", "scheduledFor", "startedAt", "endedAt", "duration", "durationMs", "lateness", "message", "output", "error", "attempt", "trigger", "kwargs", "instance"] as const;

/**
 * A run as the API returned it (the RUN_FIELDS selected), as runJson prints
 * one: the enum values in tickd's spelling (the API's lower-cased).
 */
export function apiRun(run: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of RUN_FIELDS) out[field] = field === "status" || field === "trigger" ? String(run[field]).toLowerCase() : (run[field] ?? null);
  return out;
}

/** One run, with the fields of the API's run type (Activity) and the same values. */
export function runJson(run: RunLike) {
  const endedAt = run.endedAt ?? null;
  return {
    runId: run.runId,
    label: run.label,
    status: run.status,
    scheduledFor: isoInstant(run.scheduledFor),
    startedAt: isoInstant(run.startedAt),
    endedAt: isoInstant(endedAt),
    // Durations in ms, as the API's Duration scalar; durationMs is kept as the API keeps it (deprecated there for duration).
    duration: endedAt === null ? null : endedAt - run.startedAt,
    durationMs: endedAt === null ? null : endedAt - run.startedAt,
    lateness: run.startedAt - run.scheduledFor,
    message: run.message,
    output: run.output,
    error: run.error,
    attempt: run.attempt,
    trigger: run.trigger,
    kwargs: run.kwargs ?? null,
    instance: run.instance,
  };
}

/** A job-file problem or warning, with the fields of the API's Diagnostic; `file` as the user typed it. */
export function diagnosticJson(d: Diagnostic, file: string) {
  return { file, line: d.line, label: d.label ?? null, key: d.key ?? null, code: d.code, message: d.message };
}

/**
 * A job, with the fields of the API's Job and the same values: made from the
 * API's own model of it (jobFromEntry, src/api/models.ts), so the two cannot
 * say different things. The live fields the service alone knows (nextRunAt,
 * running, lastRun) are left out: `tickd next` computes the runs. `file` is
 * as the user typed it.
 */
export function jobJson(job: JobModel, file: string) {
  const { label, source, app, line, target, schedule, timezone, description, kwargs, active, activeBy, activeAt, pause, missing, until } = job;
  const { file: _file, nextRunAt: _next, running: _running, ...rest } = job;
  // What remains after the fields above are the job-file options (timeoutMs, retries, …), named by the key table as the API names them.
  const options = Object.fromEntries(Object.entries(rest).filter(([key]) => !(key in SHOWN)));
  return {
    label,
    source,
    app,
    file,
    line,
    kind: target.kind,
    callback: target.kind === "call" ? target.callback : null,
    command: target.kind === "command" ? target.command : null,
    url: target.kind === "url" ? target.url : null,
    method: target.kind === "url" ? target.method : null,
    // The API's Schedule; intervalUnit is its enum of unit (unit stays there, deprecated).
    schedule: { ...schedule, intervalUnit: schedule.unit },
    timezone,
    description,
    kwargs: Object.entries(kwargs).map(([key, value]) => ({ key, value })),
    active,
    activeBy,
    activeAt: isoInstant(activeAt),
    pause: pause && { note: pause.note, by: pause.by, at: isoInstant(pause.at), until: isoInstant(pause.until) },
    missing,
    ...options,
    until: isoInstant(until),
  };
}

/** The JobModel fields jobJson writes itself. */
const SHOWN: Record<string, true> = Object.fromEntries(
  ["label", "source", "app", "line", "target", "schedule", "timezone", "description", "kwargs", "active", "activeBy", "activeAt", "pause", "missing", "until"].map((k) => [k, true]),
);
