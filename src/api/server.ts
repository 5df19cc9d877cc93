/**
 * startApi: graphql-yoga on Bun.serve (through src/runtime/serve.ts).
 *
 *   /graphql          GraphQL over HTTP (GET, POST) and SSE (Accept: text/event-stream; events carry id:, Last-Event-ID resumes)
 *   /graphql          WebSocket upgrade, graphql-ws protocol
 *   /graphql/stream   SSE for EventSource: GET only, token may come as ?token=
 *   /healthz          JSON status
 *   /metrics          Prometheus text
 *   anything else     the dashboard handler, else 404
 *
 * Every request, on every path, first passes origin.ts: a foreign Host on a
 * loopback listen (DNS rebinding), a cross-origin WebSocket or state-changing
 * request is refused with 403 before anything else runs.
 */
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { createYoga } from "graphql-yoga";
import { systemClock, type Clock } from "../clock.ts";
import type { RunRecord } from "../engine/types.ts";
import { TickdError } from "../errors.ts";
import { serve } from "../runtime/serve.ts";
import { authenticate, checkListen, parseListen, roleAtLeast, type TokenSet } from "./auth.ts";
import type { ApiContext, ApiDeps } from "./context.ts";
import { batcher, jobFlagsBatcher, recentRunsBatcher } from "./batch.ts";
import { makeMaskError, type ApiErrorCode, type RequestErrorCode } from "./errors.ts";
import { LIMITS } from "./limits.ts";
import { useQueryLimits } from "./limits-plugin.ts";
import { Metrics } from "./metrics.ts";
import { checkRequest, parsePublicUrl, requestFacts, type OriginPolicy } from "./origin.ts";
import { bridgeEngineEvents, SubscriptionGauge } from "./pubsub.ts";
import { EventLog } from "./events.ts";
import { useResumableSubscriptions } from "./sse.ts";
import { schema } from "./schema.ts";
import type { ServerContext } from "./server-context.ts";
import { makeWsUpgrade } from "./ws.ts";

export interface ApiLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  /** Refused requests; info when absent. */
  warn?(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface StartApiOptions {
  /** HOST:PORT; port 0 picks a free one (tests). Non-loopback hosts need tokens. */
  readonly listen: string;
  readonly deps: ApiDeps;
  /** From loadTokens(--tokens); undefined = loopback only, every client admin. */
  readonly tokens?: TokenSet | null;
  readonly logger: ApiLogger;
  /** Serves `/` and other non-API paths (the dashboard); undefined answer = 404. */
  readonly dashboard?: (request: Request) => Response | undefined | Promise<Response | undefined>;
  /** Log one line per request (default true). */
  readonly logRequests?: boolean;
  /**
   * --public-url: the address browsers use when it is not the listen address
   * (a reverse proxy, a TLS terminator). Its origin is accepted beside the
   * listen address's, and on a loopback listen its host as a Host. Default none.
   */
  readonly publicUrl?: string | null;
  /** The process's clock (the engine's): /healthz's uptime is read from it. Default: the system clock. */
  readonly clock?: Clock;
}

export interface ApiServer {
  /** http://host:port */
  readonly url: string;
  stop(): Promise<void>;
}

const CSRF_HEADERS = ["x-graphql-yoga-csrf", "x-tickd-csrf", "apollo-require-preflight", "graphql-preflight"];

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(`${JSON.stringify(body)}\n`, { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

function graphqlError(status: number, code: ApiErrorCode | RequestErrorCode, message: string): Response {
  const headers: Record<string, string> = status === 401 ? { "www-authenticate": 'Bearer realm="tickd"' } : {};
  return json(status, { errors: [{ message, extensions: { code } }] }, headers);
}

export async function startApi(options: StartApiOptions): Promise<ApiServer> {
  const tokens = options.tokens ?? null;
  checkListen(options.listen, tokens);
  const { host, port } = parseListen(options.listen);
  const publicUrl = options.publicUrl ? parsePublicUrl(options.publicUrl) : null;
  const { deps, logger } = options;
  const clock = options.clock ?? systemClock;
  const warn = logger.warn ?? logger.info;
  // Set right after serve() returns, before the first request can be handled: the port may be 0 until bound.
  let policy: OriginPolicy = { listenHost: host, port, publicUrl };

  /**
   * The origin.ts verdict for one request. A refusal is logged in one line,
   * always (it is the only line of that request), with the path only: a query
   * string may carry a token.
   */
  function refusal(request: Request, upgrade: boolean): Response | null {
    const verdict = checkRequest(policy, requestFacts(request, upgrade));
    if (verdict.ok) return null;
    const path = URL.canParse(request.url) ? new URL(request.url).pathname : "?";
    warn(`${upgrade ? "WS" : request.method} ${path} ${verdict.status} ${verdict.reason}`);
    return path === "/graphql" || path === "/graphql/stream"
      ? graphqlError(verdict.status, verdict.status === 403 ? "FORBIDDEN" : "BAD_REQUEST", verdict.reason)
      : new Response(`${verdict.reason}\n`, { status: verdict.status, headers: { "content-type": "text/plain; charset=utf-8" } });
  }
  const events = new EventLog();
  const unbridge = bridgeEngineEvents(deps.scheduler, events, () => clock.now());
  const subscriptions = new SubscriptionGauge();
  const metrics = new Metrics(deps.scheduler, subscriptions, deps.activities.jobHealth?.bind(deps.activities), deps.notifications?.counts);

  const yoga = createYoga<ServerContext, ApiContext>({
    schema,
    graphqlEndpoint: "/graphql",
    graphiql: false,
    landingPage: false,
    // Same-origin only: the dashboard is served from this origin.
    cors: false,
    logging: {
      debug: () => {},
      info: () => {},
      // yoga logs every error it masks, user mistakes included; makeMaskError
      // already logged the unexpected ones with their stack, so keep one line.
      warn: (...args: unknown[]) => logger.info(`graphql: ${args.map((a) => String(a).split("\n")[0]).join(" ")}`),
      error: (...args: unknown[]) => logger.info(`graphql: ${args.map((a) => String(a).split("\n")[0]).join(" ")}`),
    },
    maskedErrors: { maskError: makeMaskError(logger) },
    plugins: [useCSRFPrevention({ requestHeaders: CSRF_HEADERS }), useQueryLimits(), useResumableSubscriptions()],
    context: ({ role, via, lastEventId, params }): ApiContext => {
      // Where a subscription resumes: the SSE Last-Event-ID header, else the operation's extensions.lastEventId (any transport).
      const asked = (params?.extensions as { lastEventId?: unknown } | undefined)?.lastEventId;
      const resumeAfter = lastEventId ?? (typeof asked === "string" ? asked : undefined);
      return {
        deps,
        role,
        ...(via && { via }),
        events,
        eventIds: [],
        ...(resumeAfter !== undefined && { lastEventId: resumeAfter }),
        subscriptions,
        lastRun: batcher((labels) => deps.activities.lastRuns(labels), null),
        recentRuns: recentRunsBatcher(deps),
        jobFlags: jobFlagsBatcher(deps, () => clock.now()),
        now: () => clock.now(),
      };
    },
  });

  const wsUpgrade = makeWsUpgrade(yoga, tokens);

  async function handle(request: Request, remote: string | null): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === "/healthz") return health();
    if (path === "/metrics") {
      const role = authenticate(tokens, request.headers.get("authorization"), remote);
      if (!roleAtLeast(role, "viewer")) return new Response("authentication required\n", { status: 401, headers: { "www-authenticate": 'Bearer realm="tickd"' } });
      return new Response(await metrics.render({ version: deps.version, ...(deps.storeSize && { store: await deps.storeSize() }) }), { headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" } });
    }
    if (path === "/graphql" || path === "/graphql/stream") return graphql(request, url, remote);
    const page = options.dashboard ? await options.dashboard(request) : undefined;
    return page ?? new Response("not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
  }

  async function health(): Promise<Response> {
    try {
      if (deps.ping) await deps.ping();
      // A failing alert channel is said, not fatal: restarting tickd would not mend a webhook.
      const failing = ((await deps.notifications?.channels()) ?? []).filter((c) => c.failing).map((c) => c.channel);
      return json(200, {
        status: "ok",
        version: deps.version,
        instance: deps.scheduler.instance,
        uptimeSeconds: Math.round((clock.now() - deps.scheduler.startedAt) / 1000),
        ...(failing.length > 0 && { failingChannels: failing }),
      });
    } catch (error) {
      // A TickdError's message says what fails (e.g. store writes) and is safe to show; anything else stays generic.
      const reason = error instanceof TickdError ? error.message : "store unreachable";
      logger.error(`healthz: 503 ${reason}`, error instanceof TickdError ? undefined : { error: String((error as Error)?.message ?? error).split("\n")[0] });
      return json(503, { status: "error", reason });
    }
  }

  async function graphql(request: Request, url: URL, remote: string | null): Promise<Response> {
    let headers = new Headers(request.headers);
    let target = url;
    if (url.pathname === "/graphql/stream") {
      // For EventSource, which can send neither headers nor a body: GET only,
      // answered as SSE, token allowed in the query string (never logged).
      if (request.method !== "GET") return graphqlError(405, "BAD_USER_INPUT", "/graphql/stream takes GET (EventSource); POST to /graphql instead");
      const token = url.searchParams.get("token");
      if (token && !headers.has("authorization")) headers.set("authorization", `Bearer ${token}`);
      target = new URL(url);
      target.pathname = "/graphql";
      target.searchParams.delete("token");
      headers.set("accept", "text/event-stream");
      // GET cannot mutate (yoga refuses mutations over GET) and the answer is
      // not readable cross-origin (no CORS), so the CSRF header is not needed.
      headers.set("x-tickd-csrf", "1");
    }
    if (target.href.length > LIMITS.maxBodyBytes) return graphqlError(413, "BAD_USER_INPUT", `request URL longer than ${LIMITS.maxBodyBytes} bytes`);

    const role = authenticate(tokens, headers.get("authorization"), remote);
    if (role === null) {
      return tokens && headers.has("authorization")
        ? graphqlError(401, "UNAUTHENTICATED", "unknown or malformed bearer token")
        : graphqlError(401, "UNAUTHENTICATED", "authentication required: send Authorization: Bearer <token>");
    }

    let body: ArrayBuffer | undefined;
    if (request.method !== "GET" && request.method !== "HEAD") {
      const declared = Number(request.headers.get("content-length") ?? "0");
      if (declared > LIMITS.maxBodyBytes) return graphqlError(413, "BAD_USER_INPUT", `request body larger than ${LIMITS.maxBodyBytes} bytes`);
      body = await request.arrayBuffer();
      if (body.byteLength > LIMITS.maxBodyBytes) return graphqlError(413, "BAD_USER_INPUT", `request body larger than ${LIMITS.maxBodyBytes} bytes`);
    }
    headers.delete("content-length");
    const inner = new Request(target, { method: request.method, headers, body, signal: request.signal });
    // The CLI says so (tickd pause, cancel, backfill), so what it records reads "operator via cli"; a label, not a credential.
    const via = headers.get("x-tickd-client") === "cli" ? ("cli" as const) : undefined;
    const lastEventId = headers.get("last-event-id") ?? undefined;
    return yoga.handle(inner, { role, remoteAddress: remote, ...(via && { via }), ...(lastEventId && { lastEventId }) });
  }

  const served = serve({
    hostname: host,
    port,
    // Bun's own cap is a backstop; the handler answers 413 with a message first.
    maxRequestBodySize: LIMITS.maxBodyBytes * 4,
    async fetch(request, remote) {
      // Real elapsed time, for the request log line only (not on the process clock).
      const started = performance.now();
      const refused = refusal(request, false);
      if (refused) return refused;
      let response: Response;
      try {
        response = await handle(request, remote);
      } catch (error) {
        logger.error("request failed", { error: (error as Error).stack ?? String(error) });
        response = json(500, { errors: [{ message: "internal error; the tickd log has the details", extensions: { code: "INTERNAL" } }] });
      }
      if (options.logRequests !== false) {
        // The path only: query strings may carry a token (/graphql/stream?token=).
        logger.info(`${request.method} ${new URL(request.url).pathname} ${response.status} ${(performance.now() - started).toFixed(1)}ms`);
      }
      return response;
    },
    upgrade(request, remote) {
      const refused = refusal(request, true);
      if (refused) return refused;
      const path = new URL(request.url).pathname;
      if (path !== "/graphql") return new Response("WebSocket is served at /graphql\n", { status: 404 });
      if (options.logRequests !== false) logger.info(`WS ${path} upgrade`);
      return wsUpgrade(request, remote);
    },
  });
  policy = { ...policy, port: served.port };
  logger.info(`API listening on ${served.url}/graphql${tokens ? ` (tokens from ${tokens.file})` : " (loopback, no tokens: every client is admin)"}`);

  return {
    url: served.url,
    async stop() {
      unbridge();
      metrics.stop();
      await served.stop();
    },
  };
}
