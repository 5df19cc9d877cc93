/**
 * The Pothos builder: plugins and scalars only; every type lives in
 * src/api/types/ beside its queries, mutations and subscriptions (STYLE 8).
 */
import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import RelayPlugin from "@pothos/plugin-relay";
import ScopeAuthPlugin from "@pothos/plugin-scope-auth";
import SimpleObjectsPlugin from "@pothos/plugin-simple-objects";
import { roleAtLeast } from "./auth.ts";
import type { ApiContext } from "./context.ts";
import { LIMITS } from "./limits.ts";
import { apiError } from "./errors.ts";

export const builder = new SchemaBuilder<{
  Context: ApiContext;
  AuthScopes: { viewer: boolean; operator: boolean; admin: boolean };
  Scalars: {
    /** Instants travel as ISO-8601 strings in UTC; epoch ms inside. */
    DateTime: { Input: number; Output: number };
    JSON: { Input: unknown; Output: unknown };
    /** Lengths of time travel as milliseconds in a Float (any length a job file accepts; Int stops at 24.8 days). */
    Duration: { Input: number; Output: number };
  };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
}>({
  plugins: [ScopeAuthPlugin, RelayPlugin, SimpleObjectsPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (ctx) => ({
      viewer: roleAtLeast(ctx.role, "viewer"),
      operator: roleAtLeast(ctx.role, "operator"),
      admin: roleAtLeast(ctx.role, "admin"),
    }),
    // A refused field is a FORBIDDEN (or UNAUTHENTICATED) GraphQL error with a code.
    unauthorizedError: (_parent, ctx, _info, result) =>
      ctx.role === null
        ? apiError("UNAUTHENTICATED", "authentication required: send Authorization: Bearer <token>")
        : apiError("FORBIDDEN", `role ${ctx.role} may not do this (${result.message})`),
  },
  relay: {
    clientMutationId: "omit",
    cursorType: "String",
    // Every connection has `nodes` beside `edges`, for clients that need no cursors.
    nodesOnConnection: { description: "The nodes of edges, for clients that need no per-edge cursor." },
    nodeTypeOptions: { description: "An object with a global id (relay): node(id:) finds it again." },
    pageInfoTypeOptions: { description: "Where a page stands in its connection (relay)." },
    idFieldOptions: { description: "The global id (relay): opaque, stable, accepted by node(id:) and by the mutations." },
    nodeQueryOptions: { authScopes: { viewer: true }, description: "The object with this global id; null when none.", args: { id: { description: "A global id (an id field)." } } },
    nodesQueryOptions: { authScopes: { viewer: true }, description: "The objects with these global ids, in order; null for each not found.", args: { ids: { description: "Global ids (id fields)." } } },
    cursorFieldOptions: { description: "Opaque: pass it as after or before to page from this edge." },
    nodeFieldOptions: { description: "The item." },
    edgesFieldOptions: { description: "The items with their cursors." },
    pageInfoFieldOptions: { description: "Whether there are more pages, and the cursors to reach them." },
    hasNextPageFieldOptions: { description: "More items after this page." },
    hasPreviousPageFieldOptions: { description: "More items before this page." },
    startCursorFieldOptions: { description: "The first edge's cursor; null on an empty page." },
    endCursorFieldOptions: { description: "The last edge's cursor; null on an empty page." },
    firstArgOptions: { description: `Page forwards: at most this many items (0..${LIMITS.maxPage}; default ${LIMITS.defaultPage}).` },
    afterArgOptions: { description: "Page forwards from this cursor (an endCursor)." },
    lastArgOptions: { description: `Page backwards: at most this many items, the last ones (0..${LIMITS.maxPage}).` },
    beforeArgOptions: { description: "Page backwards from this cursor (a startCursor)." },
  },
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
    limit: { complexity: LIMITS.complexity, depth: LIMITS.depth, breadth: LIMITS.breadth },
  },
});

builder.scalarType("DateTime", {
  description: "An instant as an ISO-8601 string in UTC, e.g. 2026-11-28T12:00:00.000Z",
  serialize: (ms) => new Date(ms).toISOString(),
  parseValue: (value) => {
    const ms = typeof value === "string" ? Date.parse(value) : NaN;
    if (Number.isNaN(ms)) throw apiError("BAD_USER_INPUT", `expected an ISO-8601 date/time string, got ${JSON.stringify(value)}`);
    return ms;
  },
});

builder.scalarType("Duration", {
  description:
    "A length of time in milliseconds, as a JSON number (a Float, so it holds any duration a job file accepts; " +
    "GraphQL's Int stops at 2^31-1 ms, about 24.8 days). Whole milliseconds: 30000 is 30 seconds, 2592000000 is 30 days.",
  serialize: (ms) => ms,
  parseValue: (value) => {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw apiError("BAD_USER_INPUT", `expected a duration in milliseconds (a number of 0 or more), got ${JSON.stringify(value)}`);
    return Math.round(value);
  },
});

builder.scalarType("JSON", {
  description: "Any JSON value",
  serialize: (value) => value,
  parseValue: (value) => value,
});

// Every read needs at least the viewer role; mutations name their own role.
builder.queryType({ authScopes: { viewer: true } });
builder.mutationType({ authScopes: { viewer: true } });
builder.subscriptionType({ authScopes: { viewer: true } });
