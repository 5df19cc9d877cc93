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

/** The codes a GraphQL error's `extensions.code` may hold. */
export const API_ERROR_CODES = ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT", "INTERNAL"] as const;
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
 * line can break. Warnings (a job kept in the schedule) use them too. A
 * value a key's parser cannot read is `bad-<key>` (the key table in
 * config/keys.ts: a new key's row brings its code); the `bad-…` codes listed
 * are those of today's keys and of the parts of a schedule.
 */
export type DiagnosticCode =
  | `bad-${string}`
  // the file's lines
  | "ini-syntax"
  | "bad-bytes"
  | "bad-section-header"
  | "empty-label"
  | "key-outside-section"
  | "duplicate-label"
  | "duplicate-key"
  // schedule keys
  | "missing-schedule"
  | "conflicting-schedule"
  | "bad-every"
  | "bad-unit"
  | "bad-interval"
  | "weekday-interval"
  | "at-not-allowed"
  | "bad-at"
  | "bad-cron"
  | "bad-until"
  | "bad-timezone"
  // other keys
  | "bad-active"
  | "bad-overlap"
  | "bad-catchup"
  | "bad-isolate"
  | "bad-duration"
  | "bad-retries"
  | "bad-ping"
  /** A value past its bound (config/bounds.ts). */
  | "out-of-range"
  // what runs
  | "missing-call"
  | "conflicting-target"
  | "bad-callback"
  | "missing-command"
  | "bad-url"
  | "bad-method"
  /** `tickd check` resolving callbacks: the TickdError code of the failure. */
  | CallbackErrorCode
  /** Warning: a schedule that never fires (schedule/warnings.ts). */
  | "never-fires"
  /** Warning: a job file with no job in it. */
  | "empty-file"
  /** Warning: `at` on a second, week (or, with a time of day, minute) job, which the original ignored; so does tickd. */
  | "at-ignored"
  /** Warning: a keyword argument one typo away from a job-file key (`timout`). */
  | "near-key"
  /** Warning, or a hint on a problem: a value ending in ` ; …`, which the INI format keeps as part of the value. */
  | "inline-comment";

/** The ErrorCodes a callback that cannot be resolved fails with; they become diagnostics on its `call` line. */
export type CallbackErrorCode = Extract<ErrorCode, `callback-${string}`>;

export function isCallbackErrorCode(code: ErrorCode): code is CallbackErrorCode {
  return code.startsWith("callback-");
}
