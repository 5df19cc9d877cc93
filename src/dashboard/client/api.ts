/**
 * GraphQL over HTTP from the page: POST /graphql with JSON (the API's CSRF
 * protection wants a non-simple content type), the bearer token from
 * sessionStorage when there is one. Errors become ApiError with the API's
 * code, so callers can tell "log in" (UNAUTHENTICATED) from "not allowed"
 * (FORBIDDEN) from "server gone" (NETWORK).
 */

export const ENDPOINT = "/graphql";
const TOKEN_KEY = "tickd.token";

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The token lives for the tab's session only (never localStorage: it is a credential). */
export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export function headers(accept: string): Record<string, string> {
  const out: Record<string, string> = { "content-type": "application/json", accept };
  const token = getToken();
  if (token) out.authorization = `Bearer ${token}`;
  return out;
}

interface GraphQLErrorJson {
  message: string;
  extensions?: { code?: string };
}

/** The first error of a GraphQL answer as an ApiError. */
export function toApiError(errors: readonly GraphQLErrorJson[], status = 200): ApiError {
  const first = errors[0];
  const code = first?.extensions?.code ?? (status === 401 ? "UNAUTHENTICATED" : status === 403 ? "FORBIDDEN" : "INTERNAL");
  return new ApiError(code, first?.message ?? `HTTP ${status}`);
}

type Listener = (error: ApiError) => void;
const unauthenticatedListeners: Listener[] = [];

/** Called whenever any request is refused for want of a (valid) token. */
export function onUnauthenticated(listener: Listener): void {
  unauthenticatedListeners.push(listener);
}

export function reportUnauthenticated(error: ApiError): void {
  for (const listener of unauthenticatedListeners) listener(error);
}

export async function gql<T>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(ENDPOINT, { method: "POST", headers: headers("application/graphql-response+json, application/json"), body: JSON.stringify({ query, variables }), signal });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError("NETWORK", "cannot reach the tickd server");
  }
  let body: { data?: T; errors?: GraphQLErrorJson[] };
  try {
    body = await response.json();
  } catch {
    throw new ApiError(response.status >= 500 ? "INTERNAL" : "NETWORK", `the server answered HTTP ${response.status} without GraphQL`);
  }
  if (body.errors?.length) {
    const error = toApiError(body.errors, response.status);
    if (error.code === "UNAUTHENTICATED") reportUnauthenticated(error);
    throw error;
  }
  if (!body.data) throw new ApiError("INTERNAL", `the server answered HTTP ${response.status} without data`);
  return body.data;
}
