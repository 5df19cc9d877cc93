/**
 * GraphQL errors carry a message and `extensions.code`; nothing else reaches
 * the client. TickdError codes map onto the GraphQL codes below; anything
 * unexpected becomes INTERNAL with a generic message while the log keeps the
 * stack.
 */
import { GraphQLError } from "graphql";
import { TickdError, type ErrorCode } from "../errors.ts";

export type ApiErrorCode = "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "BAD_USER_INPUT" | "CONFLICT" | "INTERNAL";

const API_CODES = new Set<string>(["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "CONFLICT", "INTERNAL"]);

export function apiError(code: ApiErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

const FROM_TICKD: Partial<Record<ErrorCode, ApiErrorCode>> = {
  usage: "BAD_USER_INPUT",
  "config-invalid": "BAD_USER_INPUT",
  "not-found": "NOT_FOUND",
  forbidden: "FORBIDDEN",
  unauthenticated: "UNAUTHENTICATED",
  conflict: "CONFLICT",
};

/** Codes yoga attaches to request errors (parse, validation, bad HTTP) that are safe to pass on. */
const YOGA_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST"]);

export interface ErrorLog {
  error(message: string, fields?: Record<string, unknown>): void;
}

function withCode(error: GraphQLError | null, message: string, code: string, http?: unknown): GraphQLError {
  const extensions: Record<string, unknown> = { code };
  if (http) extensions.http = http;
  return new GraphQLError(message, { nodes: error?.nodes, path: error?.path, extensions });
}

/**
 * yoga's maskedErrors.maskError: keep typed errors with their code and
 * message, turn everything else into INTERNAL and log it with its stack.
 */
export function makeMaskError(log: ErrorLog) {
  return (error: unknown): Error => {
    const outer = error instanceof GraphQLError ? error : null;
    const original = outer?.originalError ?? error;
    if (original instanceof TickdError && FROM_TICKD[original.code]) {
      return withCode(outer, original.message, FROM_TICKD[original.code]!);
    }
    if (original instanceof GraphQLError) {
      const code = original.extensions?.code;
      if (typeof code === "string" && (API_CODES.has(code) || YOGA_CODES.has(code))) {
        return withCode(outer ?? original, original.message, code, original.extensions?.http);
      }
      // graphql-js reports bad variables and arguments as plain GraphQLErrors
      // without an original error: user input, safe to show.
      if (code === undefined && (outer === null || outer.originalError === undefined || outer.originalError === original)) {
        return withCode(outer ?? original, original.message, "BAD_USER_INPUT");
      }
    }
    if (outer !== null && outer.originalError === undefined && original === outer) {
      return withCode(outer, outer.message, "BAD_USER_INPUT");
    }
    const stack = original instanceof Error ? (original.stack ?? original.message) : String(original);
    log.error("internal error in a GraphQL request", { path: outer?.path?.join("."), error: stack });
    return withCode(outer, "internal error; the tickd log has the details", "INTERNAL");
  };
}
