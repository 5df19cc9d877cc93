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
"usage" | "config-missing" | "config-invalid" | "not-found" | "callback-not-found" | "callback-not-function" | "callback-import-failed" | "forbidden" | "unauthenticated" | "conflict"
/** The store: cannot open, closed, writes failing. */
 | "store" | "listen-failed" | "write-failed"
/** A job's timeout passed: the reason its signal is aborted with (TimeoutError). */
 | "timeout"
/** A job or value that cannot be written as a job-file line (IniFormatError). */
 | "ini-format"
/** A job's code used the SDK wrongly: an unknown status, bad Result arguments, Activity.log outside its run (MisuseError). */
 | "misuse" | "internal";
export declare class TickdError extends Error {
    readonly code: ErrorCode;
    readonly name: string;
    constructor(code: ErrorCode, message: string, options?: {
        cause?: unknown;
    });
}
/** Bad flags or arguments of a CLI command: printed with the command's help, exit 2. */
export declare class UsageError extends TickdError {
    readonly name: string;
    readonly code: "usage";
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
/** The reason a job's signal is aborted with at its timeout (named so across the worker boundary). */
export declare class TimeoutError extends TickdError {
    readonly name: string;
    readonly code: "timeout";
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
/** Why a job or a value cannot be written as a job file line. */
export declare class IniFormatError extends TickdError {
    readonly name: string;
    readonly code: "ini-format";
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
/**
 * A job's code used the SDK ("tickd") wrongly. The message starts with where
 * (the job author's file and line, when the stack has it) and ends with what
 * to write instead; the run it happens in is recorded as `error`.
 */
export declare class MisuseError extends TickdError {
    readonly name: string;
    readonly code: "misuse";
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
/** Exit codes: 0 success, 1 failure, 2 bad usage or invalid configuration. */
export declare const EXIT: {
    readonly ok: 0;
    readonly failure: 1;
    readonly usage: 2;
};
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
/** The exit status of a command that ended with `error`: by its code; anything untyped is a failure. */
export declare function exitCodeFor(error: unknown): ExitCode;
/** The codes a GraphQL error's `extensions.code` may hold. */
export declare const API_ERROR_CODES: readonly ["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT", "INTERNAL"];
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];
/** The GraphQL code of `error`: by its code; anything untyped is INTERNAL. */
export declare function apiCodeFor(error: unknown): ApiErrorCode;
/**
 * The codes of a job-file diagnostic (`Diagnostic.code`): one per rule a
 * line can break. Warnings (a job kept in the schedule) use them too. A
 * value a key's parser cannot read is `bad-<key>` (the key table in
 * config/keys.ts: a new key's row brings its code); the `bad-…` codes listed
 * are those of today's keys and of the parts of a schedule.
 */
export type DiagnosticCode = `bad-${string}` | "ini-syntax" | "bad-bytes" | "bad-section-header" | "empty-label" | "key-outside-section" | "duplicate-label" | "duplicate-key" | "missing-schedule" | "conflicting-schedule" | "bad-every" | "bad-unit" | "bad-interval" | "weekday-interval" | "at-not-allowed" | "bad-at" | "bad-cron" | "bad-until" | "bad-timezone" | "bad-active" | "bad-overlap" | "bad-catchup" | "bad-isolate" | "bad-duration" | "bad-retries" | "bad-ping"
/** A value past its bound (config/bounds.ts). */
 | "out-of-range" | "missing-call" | "conflicting-target" | "bad-callback" | "missing-command" | "bad-url" | "bad-method"
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
export declare function isCallbackErrorCode(code: ErrorCode): code is CallbackErrorCode;
