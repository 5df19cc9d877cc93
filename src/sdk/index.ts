/**
 * What job authors import as `"tickd"`. The compiled binary serves this module
 * to job files at run time (src/runtime/sdk-module.ts), and the npm package
 * exports it for type checking, so both see the same STATUS and Result.
 */

export { FAILING_STATUSES, STATUS, STATUSES, type Status, type StatusName } from "./status.ts";
export { Result, type ResultFields, type ResultObject, type ResultStatusName } from "./result.ts";
export { Activity } from "./activity.ts";
import type { Result, ResultObject } from "./result.ts";

export type KwargValue = string | number | boolean;

/** What every callback receives as its second argument. */
export interface JobContext {
  /** The job's label. */
  readonly label: string;
  /**
   * The job's stable id, as the original passed `pk`: its label, which is
   * unique in a store and the same across restarts and reloads (runs,
   * claims and the API's Job.id all key on it). Pass it to Activity.log.
   */
  readonly jobId: string;
  /** The instant this run was due (not when it started). */
  readonly scheduledFor: Date;
  /** 1 for the first attempt, 2.. for retries. */
  readonly attempt: number;
  /** Aborted on timeout and at shutdown; pass it to fetch() and friends. */
  readonly signal: AbortSignal;
  /** Lines logged here are kept as the run's output and written to the log. */
  readonly log: (...parts: unknown[]) => void;
}

export type Callback = (
  kwargs: Record<string, KwargValue>,
  ctx: JobContext,
) => CallbackEnd | Promise<CallbackEnd>;

/** What a callback may end with: a Result, a `{ status, message, output }` object, a string (the message of a success), or nothing. */
export type CallbackEnd = Result | ResultObject | string | void | undefined | null;

/** Options of schedule.register: the job-file keys. */
export interface RegisterOptions {
  /** Label of the job; defaults to "<app>.<function name>". */
  label?: string;
  /** "10 minutes", "day", "monday" …, or "manual": no schedule, run only by hand (the default when no every or cron is given). */
  every?: string;
  at?: string;
  cron?: string;
  timezone?: string;
  description?: string;
  active?: boolean;
  timeout?: string;
  overlap?: "skip" | "queue" | "allow";
  retries?: number;
  retry_delay?: string;
  catchup?: "skip" | "once";
  jitter?: string;
  until?: string;
  /** Where the callback runs: its module's worker (the default; ended at its timeout), or "none": the scheduler's own thread. */
  isolate?: "worker" | "none";
  /** How late a run may start before its occurrence is recorded missed, e.g. "1 minute"; default none. */
  grace?: string;
  /** Dead man's switch address: GET URL/start, URL on success, URL/fail on failure (Healthchecks.io convention). */
  ping?: string;
  /** How much history to keep: "1000 runs" or a span such as "90 days"; default the instance's --keep. */
  keep?: string;
  /** How long runs that went wrong are kept, e.g. "1 year"; default as keep. */
  keep_failures?: string;
  /** Where alerts go: one channel or several, comma-separated (http(s)://, slack+https://, mailto:, exec:), or "none". */
  notify?: string;
  /** Which events alert: "all" or a comma-separated subset of failure, error, timeout, abandoned, missed, slow, recovered. */
  notify_on?: string;
  /** Alert when the job has gone wrong this many times in a row; default 1. */
  alert_after?: number;
  /** Repeat the alert this often while the job stays broken, e.g. "6 hours". */
  realert?: string;
  /** A run still going after this raises a slow alert, e.g. "10 minutes". */
  warn_after?: string;
  kwargs?: Record<string, KwargValue>;
}

export interface Registration {
  readonly app: string;
  readonly fn: Callback;
  /** The exported name of fn, when it has one. */
  readonly name: string;
  readonly options: RegisterOptions;
}

/**
 * The discovery registry. App scheduler modules call `schedule.register` when
 * imported; `tickd discover` reads what they registered.
 */
class Registry {
  #entries: Registration[] = [];

  register(app: string, fn: Callback, options: RegisterOptions = {}): Callback {
    if (typeof app !== "string" || app.trim() === "") {
      throw new TypeError("schedule.register: the first argument must be the app name, a non-empty string");
    }
    this.#entries.push({ app, fn, name: typeof fn === "function" ? fn.name : "", options: { ...options } });
    return fn;
  }

  /** Everything registered so far, in order. */
  registrations(): readonly Registration[] {
    return [...this.#entries];
  }

  /** Forget every registration (discovery runs import modules afresh). */
  clear(): void {
    this.#entries = [];
  }
}

export const schedule = new Registry();
