/**
 * The validated job specification: the only shape the schedule calculator and
 * the engine accept. Key/value entries — a job file's section, or what
 * discovery makes of a registration or a stored row — become a JobSpec
 * through `buildJob` (src/config/load.ts), which reads each key's row of the
 * key table (src/config/keys.ts). The brand marks what passed it; copies
 * (a description filled in, an operator's switch) are minted with brandJobSpec.
 *
 * Instants are epoch milliseconds (UTC) everywhere outside src/schedule/,
 * where Temporal does the zoned arithmetic.
 */

import type { KwargValue } from "../sdk/index.ts";
import type { DiagnosticCode } from "../errors.ts";
import type { NotifyEvent } from "./notify.ts";

declare const jobSpecBrand: unique symbol;

/** Fixed units of `every`; plural forms in the file map onto these. */
export type IntervalUnit = "second" | "minute" | "hour" | "day" | "week";

export const WEEKDAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A time of day as written in `at`; which parts are meaningful depends on the unit. */
export interface AtTime {
  readonly hour?: number;
  readonly minute?: number;
  readonly second: number;
  /** The text as written, for messages and export. */
  readonly text: string;
}

/** `every = [N] unit` with optional `at` (schedule 1.1 semantics, drift-free). */
export interface EverySchedule {
  readonly kind: "every";
  /** Positive integer; always 1 for weekday units. */
  readonly interval: number;
  readonly unit: IntervalUnit | Weekday;
  readonly at?: AtTime;
}

/** `cron = expr` (5 fields, or 6 with seconds), evaluated by croner. */
export interface CronSchedule {
  readonly kind: "cron";
  readonly expression: string;
}

/**
 * `every = manual`: no schedule. The job runs only by hand (run-job,
 * runJobNow, the dashboard's Run button), never by the engine's timer; a
 * discovered job registered without a schedule is one until an operator
 * gives it a schedule.
 */
export interface ManualSchedule {
  readonly kind: "manual";
}

export type ScheduleRule = EverySchedule | CronSchedule | ManualSchedule;

/** What the job runs. `call` is a dotted path resolved under --root. */
export type JobTarget =
  | { readonly kind: "call"; readonly callback: string }
  | { readonly kind: "command"; readonly command: string }
  | { readonly kind: "url"; readonly url: string; readonly method: string };

export type OverlapPolicy = "skip" | "queue" | "allow";
export type CatchupPolicy = "skip" | "once";
/** Where a call job's callback runs: its module's worker (ended at its timeout), or the scheduler's own thread. */
export type IsolateMode = "worker" | "none";
/** A keyword argument's value: the SDK's type, the one definition. */
export type { KwargValue };

/** How much history a job keeps (`keep = 1000 runs`, `keep = 90 days`). */
export type Keep = { readonly runs: number } | { readonly ms: number };

/** Where a job came from: a line of a job file, or a discovered registration. */
export interface JobOrigin {
  readonly source: "ini" | "discovered";
  /** Absolute path of the job file, or of the app's scheduler module. */
  readonly file: string;
  /** 1-based line of the section header; 0 for discovered jobs. */
  readonly line: number;
  /**
   * Job-file jobs: where each key read from the section (canonical name,
   * e.g. "call") is, as lines after the header, so a later check (callback
   * resolution, a schedule that never fires) points at its key; see
   * `keyLine` in load.ts. Relative, so that sections laid out alike share
   * one object (one per job was 64 bytes of each of 100,000 jobs).
   */
  readonly keyOffsets?: Readonly<Record<string, number>>;
  /** Discovered jobs only: the app name given to schedule.register. */
  readonly app?: string;
}

export interface JobSpec {
  readonly [jobSpecBrand]: true;
  /** Unique, case-sensitive; may contain spaces, dots and unicode. */
  readonly label: string;
  readonly target: JobTarget;
  readonly schedule: ScheduleRule;
  /** IANA zone for `at`, cron and day boundaries; undefined = the instance zone. */
  readonly timezone?: string;
  /** Default true. Inactive jobs are listed but never scheduled. */
  readonly active: boolean;
  /** Free text; "" when none was given and no doc comment could be read. */
  readonly description: string;
  /** Milliseconds; undefined = no timeout. */
  readonly timeoutMs?: number;
  /** Default "skip". */
  readonly overlap: OverlapPolicy;
  /** Default 0. */
  readonly retries: number;
  /** First retry delay in ms, doubling each attempt. Default 1000. */
  readonly retryDelayMs: number;
  /** Default "skip". */
  readonly catchup: CatchupPolicy;
  /** Upper bound of the random delay added to each run, ms. Default 0. */
  readonly jitterMs: number;
  /** Epoch ms after which the job is no longer scheduled. */
  readonly until?: number;
  /** How late an occurrence may start before it is recorded missed, ms; undefined = never recorded missed. */
  readonly graceMs?: number;
  /** The job's dead man's switch address (http/https, no trailing slash); undefined = no pings. */
  readonly ping?: string;
  /** Call jobs: "none" runs the callback in the scheduler's thread; undefined = "worker" (the default). */
  readonly isolate?: IsolateMode;
  /** `keep`: the newest N runs, or the runs of the last `ms`; undefined = the instance's --keep. */
  readonly keep?: Keep;
  /** `keep_failures`, ms: runs that went wrong are kept this long; undefined = as `keep`. */
  readonly keepFailuresMs?: number;
  /** Channel addresses (as written, secrets included); undefined = the instance's --notify, [] = none. */
  readonly notify?: readonly string[];
  /** Events that alert; undefined = all of NOTIFY_EVENTS. */
  readonly notifyOn?: readonly NotifyEvent[];
  /** Failures in a row before the streak alerts; undefined = 1 (the default). */
  readonly alertAfter?: number;
  /** Repeat a streak's alert this often, ms; undefined = once per streak. */
  readonly realertMs?: number;
  /** A run still going after this many ms raises `slow`; undefined = never. */
  readonly warnAfterMs?: number;
  /** Every key of the section that is not in the key table, coerced (config/coerce.ts). */
  readonly kwargs: Readonly<Record<string, KwargValue>>;
  readonly origin: JobOrigin;
}

/** Mint a JobSpec. Only the config loader and discovery may call this. */
export function brandJobSpec(fields: Omit<JobSpec, typeof jobSpecBrand>): JobSpec {
  return Object.freeze({ ...fields }) as JobSpec;
}

/** One problem found in a job file; the job it names is left out of the schedule. */
export interface Diagnostic {
  readonly file: string;
  /** 1-based line of the offending key (or the section header). */
  readonly line: number;
  /** The job's label; undefined for file-level problems. */
  readonly label?: string;
  /** The key at fault, when there is one. */
  readonly key?: string;
  /** Stable machine-readable code, e.g. "bad-unit", "missing-callback". */
  readonly code: DiagnosticCode;
  /** What is wrong and what to do, as one sentence. */
  readonly message: string;
}

/** Format as `file:line [label] message`, the form every command prints. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}`;
  return d.label === undefined ? `${where} ${d.message}` : `${where} [${d.label}] ${d.message}`;
}

/** The result of reading a job file: the jobs that passed, and every problem. */
export interface JobFile {
  readonly path: string;
  readonly jobs: readonly JobSpec[];
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Things worth fixing that leave no job out (a comment holding bytes that
   * are not UTF-8). Kept apart from `diagnostics`, which always mean "left
   * out"; `tickd check` prints both, and exits 2 on warnings only with --strict.
   * Warnings about schedules that never fire need an instant: see
   * `scheduleWarnings` in src/schedule/.
   */
  readonly warnings: readonly Diagnostic[];
}
