/**
 * GraphQL subscriptions over one WebSocket with the graphql-ws client
 * (`createClient`, the "graphql-transport-ws" protocol). One socket carries
 * every subscription of the page; SSE would need one HTTP connection per
 * subscription, and browsers allow six per host across all tabs, so a few
 * open dashboards would starve each other's queries. The token travels in
 * connection_init (read again on every connect, so a new token is used at
 * once); the server closes with 4403 when it is missing or wrong, and then
 * retrying cannot help until the prompt gives one. The client reconnects
 * with the same backoff as the SSE streams and subscribes again; a ping every
 * 15 s that gets no pong within 10 s counts the link as dead.
 */
import { createClient, type Client } from "graphql-ws";
import { ApiError, getToken, reportUnauthenticated, toApiError } from "./api.ts";
import { backoffDelay, type StreamState } from "./stream.ts";

export interface Subscription {
  readonly query: string;
  onData(data: unknown): void;
}

export interface LiveOptions {
  readonly subscriptions: readonly Subscription[];
  onState(state: StreamState, detail: { attempt: number; retryInMs: number; acked: boolean; error?: ApiError }): void;
}

const ACK_TIMEOUT_MS = 10_000;
const PING_EVERY_MS = 15_000;
const PONG_WITHIN_MS = 10_000;

export function socketUrl(location: Location): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/graphql`;
}

/** The server's answer to a missing or wrong token (and graphql-ws's own Unauthorized). */
function isAuthClose(event: unknown): boolean {
  const code = (event as { code?: unknown } | null)?.code;
  return code === 4403 || code === 4401;
}

export class WsLive {
  private client: Client | null = null;
  private attempt = 0;
  private stopped = true;
  /** Bumped by each (re)start and stop: callbacks of an older client are ignored. */
  private generation = 0;
  /** Ends the wait before the next attempt early (retryNow). */
  private wake: (() => void) | null = null;
  /** The wait announced with the last "lost", used by the client's retryWait. */
  private nextDelay = 0;

  constructor(private readonly options: LiveOptions) {}

  start(): void {
    this.stopped = false;
    this.attempt = 0;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.close();
  }

  retryNow(): void {
    if (this.stopped) return;
    this.wake?.();
  }

  private close(): void {
    this.generation += 1;
    this.wake = null;
    const client = this.client;
    this.client = null;
    void client?.dispose();
  }

  /** A wait the user can cut short (the retry button, coming back online). */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wake === done) self.wake = null;
        resolve();
      }
      this.wake = done;
    });
  }

  private open(): void {
    const generation = ++this.generation;
    const current = () => !this.stopped && this.generation === generation;
    let acked = false;
    let socket: WebSocket | null = null;
    let pongTimer: ReturnType<typeof setTimeout> | undefined;

    const client = createClient({
      url: socketUrl(location),
      lazy: false,
      retryAttempts: Number.POSITIVE_INFINITY,
      connectionAckWaitTimeout: ACK_TIMEOUT_MS,
      keepAlive: PING_EVERY_MS,
      connectionParams: () => {
        const token = getToken();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      shouldRetry: (event) => !isAuthClose(event),
      retryWait: () => this.wait(this.nextDelay),
      on: {
        connecting: () => {
          if (current()) this.options.onState("connecting", { attempt: this.attempt, retryInMs: 0, acked: false });
        },
        connected: (s) => {
          socket = s as WebSocket;
          acked = true;
          this.attempt = 0;
          if (current()) this.options.onState("live", { attempt: 0, retryInMs: 0, acked: true });
        },
        ping: (received) => {
          if (!received) pongTimer = setTimeout(() => socket?.readyState === WebSocket.OPEN && socket.close(4408, "no pong"), PONG_WITHIN_MS);
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimer);
        },
        closed: (event) => {
          clearTimeout(pongTimer);
          const wasAcked = acked;
          acked = false;
          socket = null;
          if (!current()) return;
          if (isAuthClose(event)) {
            const error = new ApiError("UNAUTHENTICATED", "the API needs a valid token");
            this.options.onState("unauthenticated", { attempt: this.attempt, retryInMs: 0, acked: wasAcked, error });
            reportUnauthenticated(error);
            return;
          }
          this.attempt += 1;
          this.nextDelay = backoffDelay(this.attempt);
          this.options.onState("lost", { attempt: this.attempt, retryInMs: this.nextDelay, acked: wasAcked });
        },
      },
    });
    this.client = client;

    for (const sub of this.options.subscriptions) {
      client.subscribe<unknown>(
        { query: sub.query },
        {
          next: (result) => {
            if (!current()) return;
            if (result.errors?.length) console.warn("tickd subscription:", toApiError(result.errors as never).message);
            else if (result.data) sub.onData(result.data);
          },
          error: (error) => {
            // A refused token is the closed handler's; anything else: start over.
            if (current() && !isAuthClose(error)) this.restart();
          },
          complete: () => {
            if (current()) this.restart();
          },
        },
      );
    }
  }

  /** A subscription the server ended or refused: start over (and reload) rather than run half-live. */
  private restart(): void {
    this.close();
    this.attempt += 1;
    const retryInMs = backoffDelay(this.attempt);
    this.options.onState("lost", { attempt: this.attempt, retryInMs, acked: true });
    const generation = this.generation;
    void this.wait(retryInMs).then(() => {
      if (!this.stopped && this.generation === generation) this.open();
    });
  }
}
