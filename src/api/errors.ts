/**
 * GraphQL errors carry a message and `extensions.code`; nothing else reaches
 * the client. A TickdError's code maps onto a GraphQL code by apiCodeFor
 * (src/errors.ts, one table over every code); one that maps to INTERNAL, and
 * anything unexpected, becomes INTERNAL with a generic message while the log
 * keeps the stack.
 */
import { GraphQLError } from "graphql";
import { API_ERROR_CODES, TickdError, apiCodeFor, type ApiErrorCode } from "../errors.ts";

export type { ApiErrorCode } from "../errors.ts";

const API_CODES = new Set<string>(API_ERROR_CODES);

/**
 * A GraphQL error with a stable `extensions.code`; `field` names the argument
 * (or input field, dotted: "filter.since") the caller should change, for
 * errors the user can fix.
 */
export function apiError(code: ApiErrorCode, message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: field === undefined ? { code } : { code, field } });
}

/**
 * Run `work`; a TickdError or coded error it throws that the caller can fix
 * (BAD_USER_INPUT, NOT_FOUND, CONFLICT) leaves with `extensions.field` set by `fieldOf`
 * (undefined = no one argument to blame).
 */
export async function blaming<T>(work: () => Promise<T>, fieldOf: (error: unknown) => string | undefined): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = error instanceof TickdError ? apiCodeFor(error) : error instanceof GraphQLError ? (error.extensions?.code as ApiErrorCode | undefined) : undefined;
    if (code !== "BAD_USER_INPUT" && code !== "CONFLICT" && code !== "NOT_FOUND") throw error;
    if (error instanceof GraphQLError && error.extensions?.field !== undefined) throw error;
    const field = fieldOf(error);
    if (field === undefined) throw error;
    throw apiError(code, (error as Error).message, field);
  }
}

/** Codes yoga and graphql-js attach to request errors (parse, validation, bad HTTP): safe to pass on. */
const REQUEST_ERROR_CODES = ["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST"] as const;
export type RequestErrorCode = (typeof REQUEST_ERROR_CODES)[number];
const REQUEST_CODES = new Set<string>(REQUEST_ERROR_CODES);

/** For request-level errors that carry only an HTTP status (CSRF 403, GET mutation 405, ...). */
function codeForStatus(status: number): ApiErrorCode {
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status >= 500) return "INTERNAL";
  return "BAD_USER_INPUT";
}

export interface ErrorLog {
  error(message: string, fields?: Record<string, unknown>): void;
}

function rebuild(error: GraphQLError, message: string, code: string, http?: unknown, field?: unknown): GraphQLError {
  const extensions: Record<string, unknown> = { code };
  if (typeof field === "string") extensions.field = field;
  // yoga reads `http` for the response status and strips it from the body.
  if (http) extensions.http = http;
  return new GraphQLError(message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions });
}

/**
 * yoga's maskedErrors.maskError: keep typed errors with their code and
 * message, turn everything else into INTERNAL and log it with its stack.
 * Only `code`, `field` (the argument to change) and yoga's `http` survive in extensions.
 */
export function makeMaskError(log: ErrorLog) {
  return (error: unknown): Error => {
    if (error instanceof GraphQLError) {
      const cause = error.originalError;
      if (cause instanceof TickdError && apiCodeFor(cause) !== "INTERNAL") return rebuild(error, cause.message, apiCodeFor(cause));
      // A resolver threw apiError(...): graphql-js wraps it; the inner one has the code.
      const coded = cause instanceof GraphQLError ? cause : error;
      const code = coded.extensions?.code;
      const http = coded.extensions?.http as { status?: number } | undefined;
      if (typeof code === "string" && (API_CODES.has(code) || REQUEST_CODES.has(code))) return rebuild(error, coded.message, code, http, coded.extensions?.field);
      if (code === undefined && typeof http?.status === "number") return rebuild(error, coded.message, codeForStatus(http.status), http);
      // graphql-js reports bad arguments, variables and limits as plain
      // GraphQLErrors without a cause: user input, safe to show.
      if (code === undefined && (cause === undefined || cause === null || cause instanceof GraphQLError)) return rebuild(error, coded.message, "BAD_USER_INPUT");
    }
    const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
    const stack = original instanceof Error ? (original.stack ?? original.message) : String(original);
    log.error("internal error in a GraphQL request", { path: error instanceof GraphQLError ? error.path?.join(".") : undefined, error: stack });
    const internal = new GraphQLError("internal error; the tickd log has the details", {
      nodes: error instanceof GraphQLError ? error.nodes : undefined,
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: "INTERNAL" },
    });
    return internal;
  };
}
