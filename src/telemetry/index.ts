/** What tells the world outside about runs: dead man's switch pings and OpenTelemetry traces. */
export { instanceHeartbeat, jobPinger, pingFor, PING_TIMEOUT_MS } from "./pings.ts";
export { redactUrl } from "./redact.ts";
export { runTracer, traceIds, traceparentOf, tracesEndpoint, type RunTracer } from "./traces.ts";
