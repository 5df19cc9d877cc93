/** The GraphQL API: what the run command and tests use. */
export { schema, printSdl } from "./schema.ts";
export { loadTokens, parseTokens, checkListen, parseListen, isLoopbackHost, authenticate, roleAtLeast, ROLES, type Role, type TokenSet } from "./auth.ts";
export type { ApiDeps, ApiContext, ActivityReader, ActivityFilter, ActivityPage } from "./context.ts";
export { bridgeEngineEvents, type JobChangedEvent } from "./pubsub.ts";
export { EventLog, type EventTopics, type LoggedEvent } from "./events.ts";
export { LIMITS } from "./limits.ts";
export { startApi, type StartApiOptions, type ApiServer, type ApiLogger } from "./server.ts";
export { createApiDeps, activityReader, runFromRow, type WiringOptions } from "./wiring.ts";
