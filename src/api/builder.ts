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
    nodeQueryOptions: { authScopes: { viewer: true } },
    nodesQueryOptions: { authScopes: { viewer: true } },
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

builder.scalarType("JSON", {
  description: "Any JSON value",
  serialize: (value) => value,
  parseValue: (value) => value,
});

// Every read needs at least the viewer role; mutations name their own role.
builder.queryType({ authScopes: { viewer: true } });
builder.mutationType({ authScopes: { viewer: true } });
builder.subscriptionType({ authScopes: { viewer: true } });
