/**
 * Typed errors, each with a stable `code` (switch on it, not on messages).
 * The API maps codes to GraphQL error extensions; the CLI maps them to exit codes.
 */
export type ErrorCode =
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
  | "store"
  | "listen-failed"
  | "write-failed"
  | "internal";

export class TickdError extends Error {
  override readonly name = "TickdError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
