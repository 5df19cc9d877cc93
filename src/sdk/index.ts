/**
 * What job authors import as `"tickd"`. The compiled binary serves this module
 * to job files at run time (src/runtime/sdk-module.ts), and the npm package
 * exports it for type checking, so both see the same STATUS and Result.
 */

export const STATUS = Object.freeze({
  success: "success",
  failure: "failure",
  error: "error",
  timeout: "timeout",
  skipped: "skipped",
  abandoned: "abandoned",
  /** Not run: it could not start in time (the store did not answer, the instance was down). */
  missed: "missed",
  running: "running",
} as const);

export type Status = (typeof STATUS)[keyof typeof STATUS];

export const STATUSES: readonly Status[] = Object.values(STATUS);

/** The statuses of a run that went wrong: a job whose last runs ended so is failing (metrics, alerts). */
export const FAILING_STATUSES: readonly Status[] = [STATUS.failure, STATUS.error, STATUS.timeout, STATUS.abandoned, STATUS.missed];

export interface ResultFields {
  /** May be shown to users (dashboard, activity feed). */
  message?: string;
  /** For administrators and developers: details, logs, numbers. */
  output?: string;
}

const RESULT_MARK = Symbol.for("tickd.Result");

/** What a callback returns. The label and start/end times are set by the engine. */
export interface Result {
  readonly status: Status;
  readonly message: string;
  readonly output: string;
}

interface ResultFactory {
  /** `Result(STATUS.success, { message, output })`, with or without `new`. */
  (status: Status, fields?: ResultFields): Result;
  new (status: Status, fields?: ResultFields): Result;
  /** True for a Result made by any copy of this module (the binary's or the package's). */
  is(value: unknown): value is Result;
}

function createResult(status: Status, fields: ResultFields = {}): Result {
  if (!STATUSES.includes(status)) {
    throw new TypeError(`Result: unknown status ${JSON.stringify(status)}; use one of ${STATUSES.join(", ")}`);
  }
  return Object.freeze({
    [RESULT_MARK]: true,
    status,
    message: fields.message === undefined ? "" : String(fields.message),
    output: fields.output === undefined ? "" : String(fields.output),
  });
}

// A plain function, so job authors may write Result(...) as in the original or
// new Result(...) as TypeScript habit suggests; both return the same frozen object.
export const Result = Object.assign(
  function Result(status: Status, fields?: ResultFields): Result {
    return createResult(status, fields);
  },
  {
    is(value: unknown): value is Result {
      return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[RESULT_MARK] === true;
    },
  },
) as unknown as ResultFactory;

export type KwargValue = string | number | boolean;

/** What every callback receives as its second argument. */
export interface JobContext {
  /** The job's label. */
  readonly label: string;
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
) => Result | void | undefined | Promise<Result | void | undefined>;

/** Options of schedule.register: the job-file keys (SPEC 1). */
export interface RegisterOptions {
  /** Label of the job; defaults to "<app>.<function name>". */
  label?: string;
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
