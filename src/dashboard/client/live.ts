/**
 * The page's live connection: the subscriptions over one WebSocket
 * (graphql-ws), or over SSE (one fetch stream each) where WebSockets do not
 * get through — e.g. a proxy that drops the upgrade while plain HTTP works.
 * The switch happens by itself after two such failures; `?transport=sse`
 * forces it. Either way the owner sees one state: connecting, live, lost or
 * unauthenticated.
 */
import { gql } from "./api.ts";
import { SCHEDULER } from "./queries.ts";
import { LiveSubscription, type StreamState } from "./stream.ts";
import { type Subscription, WsLive } from "./ws.ts";

export type Transport = "ws" | "sse";

export interface LiveHandlers {
  readonly subscriptions: readonly Subscription[];
  onState(state: StreamState, retryInMs: number, transport: Transport): void;
}

/** WebSocket failures (while HTTP answers) before falling back to SSE. */
const WS_FAILURES_BEFORE_SSE = 2;

export class Live {
  private ws: WsLive | null = null;
  private sse: LiveSubscription<unknown>[] = [];
  private wsFailures = 0;

  constructor(
    private readonly handlers: LiveHandlers,
    private transport: Transport = "ws",
  ) {}

  get mode(): Transport {
    return this.transport;
  }

  start(): void {
    this.stop();
    if (this.transport === "ws" && typeof WebSocket !== "undefined") this.startWs();
    else this.startSse();
  }

  stop(): void {
    this.ws?.stop();
    this.ws = null;
    for (const s of this.sse) s.stop();
    this.sse = [];
  }

  retryNow(): void {
    this.ws?.retryNow();
    for (const s of this.sse) s.retryNow();
  }

  private startWs(): void {
    this.ws = new WsLive({
      subscriptions: this.handlers.subscriptions,
      onState: (state, detail) => {
        this.handlers.onState(state, detail.retryInMs, "ws");
        if (state === "lost" && !detail.acked) void this.checkFallback();
        if (state === "live") this.wsFailures = 0;
      },
    });
    this.ws.start();
  }

  /** The socket never got going: if plain HTTP works, WebSockets are what is blocked. */
  private async checkFallback(): Promise<void> {
    try {
      await gql(SCHEDULER);
    } catch {
      return; // the server is down: keep retrying the socket
    }
    this.wsFailures += 1;
    if (this.wsFailures >= WS_FAILURES_BEFORE_SSE && this.transport === "ws") {
      console.warn("tickd: WebSocket subscriptions fail while HTTP works; using SSE instead");
      this.transport = "sse";
      this.start();
    }
  }

  private startSse(): void {
    const states: StreamState[] = this.handlers.subscriptions.map(() => "connecting");
    let retryAt = 0;
    this.sse = this.handlers.subscriptions.map(
      (sub, i) =>
        new LiveSubscription<unknown>({
          query: sub.query,
          onData: (data) => sub.onData(data),
          onState: (state, detail) => {
            states[i] = state;
            if (state === "lost") retryAt = Math.max(retryAt, Date.now() + detail.retryInMs);
            const overall: StreamState = states.includes("unauthenticated")
              ? "unauthenticated"
              : states.every((s) => s === "live")
                ? "live"
                : states.includes("lost")
                  ? "lost"
                  : "connecting";
            this.handlers.onState(overall, Math.max(0, retryAt - Date.now()), "sse");
          },
        }),
    );
    for (const s of this.sse) s.start();
  }
}
