/**
 * Every error tickd raises on purpose, and every code a job-file diagnostic
 * carries, in one place. Each error is a TickdError with a stable `code`:
 * switch on the code, never on the message. Beside the codes stand the two
 * places they go: `exitCodeFor` (the CLI's exit status, used once, by
 * `main()`) and `apiCodeFor` (the GraphQL `extensions.code`, used by the
 * API's error masking). Both tables are total over the code union, so a new
 * code without an exit code and an API code does not typecheck.
 */

/** The codes of TickdError, one per kind of failure. */
export type ErrorCode =
  /** Bad flags or arguments, or a request the caller must change. */
  | "usage"
  | "config-missing"
  | "config-invalid"
  | "not-found"
  | "callback-not-found"
  | "callback-not-function"
  | "callback-import-failed"
  | "forbidden"
  | "unauthenticated"
  | "conflict"
  /** The store: cannot open, closed, writes failing. */
  | "store"
  | "listen-failed"
  | "write-failed"
  /** A job's timeout passed: the reason its signal is aborted with (TimeoutError). */
  | "timeout"
  /** A job or value that cannot be written as a job-file line (IniFormatError). */
  | "ini-format"
  /** A job's code used the SDK wrongly: an unknown status, bad Result arguments, Activity.log outside its run (MisuseError). */
  | "misuse"
  | "internal";

export class TickdError extends Error {
  override readonly name: string = "TickdError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bad flags or arguments of a CLI command: printed with the command's help, exit 2. */
export class UsageError extends TickdError {
  override readonly name: string = "UsageError";
  declare readonly code: "usage";
  constructor(message: string, options?: { cause?: unknown }) {
    super("usage", message, options);
  }
}

/** The reason a job's signal is aborted with at its timeout (named so across the worker boundary). */
export class TimeoutError extends TickdError {
  override readonly name: string = "TimeoutError";
  declare readonly code: "timeout";
  constructor(message: string, options?: { cause?: unknown }) {
    super("timeout", message, options);
  }
}

/** Why a job or a value cannot be written as a job file line. */
export class IniFormatError extends TickdError {
  override readonly name: string = "IniFormatError";
  declare readonly code: "ini-format";
  constructor(message: string, options?: { cause?: unknown }) {
    super("ini-format", message, options);
  }
}

/**
 * A job's code used the SDK ("tickd") wrongly. The message starts with where
 * (the job author's file and line, when the stack has it) and ends with what
 * to write instead; the run it happens in is recorded as `error`.
 */
export class MisuseError extends TickdError {
  override readonly name: string = "MisuseError";
  declare readonly code: "misuse";
  constructor(message: string, options?: { cause?: unknown }) {
    super("misuse", message, options);
  }
}

/** Exit codes: 0 success, 1 failure, 2 bad usage or invalid configuration. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const EXIT_CODES = {
  usage: EXIT.usage,
  "config-missing": EXIT.usage,
  "config-invalid": EXIT.usage,
  // An unknown label, a callback that is not there: the configuration is wrong.
  "not-found": EXIT.usage,
  "callback-not-found": EXIT.usage,
  "callback-not-function": EXIT.usage,
  "callback-import-failed": EXIT.failure,
  // e.g. `tickd run` refusing a setting it will not serve with.
  forbidden: EXIT.usage,
  unauthenticated: EXIT.failure,
  conflict: EXIT.failure,
  store: EXIT.failure,
  "listen-failed": EXIT.failure,
  "write-failed": EXIT.failure,
  timeout: EXIT.failure,
  "ini-format": EXIT.failure,
  misuse: EXIT.failure,
  internal: EXIT.failure,
} as const satisfies Record<ErrorCode, ExitCode>;

/** The exit status of a command that ended with `error`: by its code; anything untyped is a failure. */
export function exitCodeFor(error: unknown): ExitCode {
  return error instanceof TickdError ? EXIT_CODES[error.code] : EXIT.failure;
}

/**
 * The codes a GraphQL error's `extensions.code` may hold. OUT_OF_RANGE: a
 * value a deprecated field's type cannot hold (a `...Ms` Int past 2^31-1 ms);
 * the message names the field to read instead.
 */
export const API_ERROR_CODES = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT", "OUT_OF_RANGE", "INTERNAL"] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/**
 * INTERNAL means: not the client's to see. The API masks such an error (a
 * generic message; the log keeps the details), so only codes whose message
 * is written for the caller map elsewhere.
 */
const API_CODES = {
  usage: "BAD_USER_INPUT",
  "config-missing": "INTERNAL",
  "config-invalid": "BAD_USER_INPUT",
  "not-found": "NOT_FOUND",
  "callback-not-found": "INTERNAL",
  "callback-not-function": "INTERNAL",
  "callback-import-failed": "INTERNAL",
  forbidden: "FORBIDDEN",
  unauthenticated: "UNAUTHENTICATED",
  conflict: "CONFLICT",
  store: "INTERNAL",
  "listen-failed": "INTERNAL",
  "write-failed": "INTERNAL",
  timeout: "INTERNAL",
  "ini-format": "INTERNAL",
  misuse: "INTERNAL",
  internal: "INTERNAL",
} as const satisfies Record<ErrorCode, ApiErrorCode>;

/** The GraphQL code of `error`: by its code; anything untyped is INTERNAL. */
export function apiCodeFor(error: unknown): ApiErrorCode {
  return error instanceof TickdError ? API_CODES[error.code] : "INTERNAL";
}

/**
 * The codes of a job-file diagnostic (`Diagnostic.code`): one per rule a
 * line can break, each with what it means (the API's DiagnosticCode enum
 * reads this table). Warnings (a job kept in the schedule) use them too. A
 * value a key's parser cannot read is `bad-<key>` (the key table in
 * config/keys.ts: a new key's row brings its code); the `bad-…` codes listed
 * are those of the parts of a schedule and of values several keys share.
 */
export const DIAGNOSTIC_CODES = {
  // the file's lines
  "ini-syntax": "A line that is not [section], key = value, or a comment.",
  "bad-bytes": "The file is not valid UTF-8 text.",
  "bad-section-header": "A [section] header that is not closed or holds nothing usable.",
  "empty-label": "A section header with an empty label.",
  "key-outside-section": "A key = value line before the first section.",
  "duplicate-label": "Two sections with the same label.",
  "duplicate-key": "The same key twice in one section.",
  // schedule keys
  "missing-schedule": "A job with neither every nor cron.",
  "conflicting-schedule": "A job with both every and cron.",
  "bad-every": "every that cannot be read.",
  "bad-unit": "every with a unit that is not one.",
  "bad-interval": "every with a count that is not a positive whole number.",
  "weekday-interval": "every with a count before a weekday (every 2 monday).",
  "at-not-allowed": "at where the unit has no moment to pick, or with cron.",
  "bad-at": "at that cannot be read.",
  "bad-cron": "A cron expression that cannot be read.",
  "bad-until": "until that is not an ISO date or date-time.",
  "bad-timezone": "timezone that is not an IANA zone.",
  // other keys
  "bad-active": "active that is not yes or no.",
  "bad-overlap": "overlap that is not one of its words.",
  "bad-catchup": "catchup that is not one of its words.",
  "bad-isolate": "isolate that is not one of its words.",
  "bad-duration": "A duration key (timeout, retry_delay, jitter...) that is not a duration.",
  "bad-retries": "retries that is not a whole number.",
  "bad-ping": "ping that is not an http(s) URL.",
  "out-of-range": "A value past its bound (config/bounds.ts).",
  // what runs
  "missing-call": "A job with nothing to run (no call, command or url).",
  "conflicting-target": "A job with more than one of call, command and url.",
  "bad-callback": "call that is not a dotted path.",
  "missing-command": "command with an empty value.",
  "bad-url": "url that is not an http(s) address.",
  "bad-method": "method that is not an HTTP method.",
  // warnings
  "never-fires": "Warning: a schedule that never fires (schedule/warnings.ts).",
  "empty-file": "Warning: a job file with no job in it.",
  "at-ignored": "Warning: at on a second, week (or, with a time of day, minute) job, which the original ignored; so does tickd.",
  "near-key": "Warning: a keyword argument one typo away from a job-file key (timout).",
  "inline-comment": "Warning, or a hint on a problem: a value ending in ` ; …`, which the INI format keeps as part of the value.",
} as const satisfies Record<string, string>;

export type DiagnosticCode =
  | keyof typeof DIAGNOSTIC_CODES
  /** A value the key's parser cannot read (the key table's rows). */
  | `bad-${string}`
  /** `tickd check` resolving callbacks: the TickdError code of the failure. */
  | CallbackErrorCode;

/** Every ErrorCode, in the exit-code table's order. */
export const ERROR_CODES = Object.keys(EXIT_CODES) as ErrorCode[];

/** The ErrorCodes a callback that cannot be resolved fails with; they become diagnostics on its `call` line. */
export type CallbackErrorCode = Extract<ErrorCode, `callback-${string}`>;

export function isCallbackErrorCode(code: ErrorCode): code is CallbackErrorCode {
  return code.startsWith("callback-");
}
