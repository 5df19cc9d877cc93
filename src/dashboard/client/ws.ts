/**
 * GraphQL subscriptions over one WebSocket (the graphql-ws protocol,
 * "graphql-transport-ws"). One socket carries every subscription of the page;
 * SSE would need one HTTP connection per subscription, and browsers allow
 * six per host across all tabs, so a few open dashboards would starve each
 * other's queries. The token travels in connection_init; the server closes
 * with 4403 when it is missing or wrong. Reconnects with the same backoff as
 * the SSE streams; a ping every 15 s notices a dead link.
 */
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

const PROTOCOL = "graphql-transport-ws";
const ACK_TIMEOUT_MS = 10_000;
const PING_EVERY_MS = 15_000;
const PONG_WITHIN_MS = 10_000;

export function socketUrl(location: Location): string {
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/graphql`;
}

export class WsLive {
  private socket: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private stopped = true;

  constructor(private readonly options: LiveOptions) {}

  start(): void {
    this.stopped = false;
    this.attempt = 0;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    this.socket?.close(1000, "page stopped");
    this.socket = null;
  }

  retryNow(): void {
    if (this.stopped || this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.open();
  }

  private clearTimers(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    if (this.pongTimer !== null) clearTimeout(this.pongTimer);
    this.timer = this.pingTimer = this.pongTimer = null;
  }

  private open(): void {
    this.options.onState("connecting", { attempt: this.attempt, retryInMs: 0, acked: false });
    let socket: WebSocket;
    try {
      socket = new WebSocket(socketUrl(location), PROTOCOL);
    } catch {
      this.dropped(null, 1006, false);
      return;
    }
    this.socket = socket;
    let acked = false;
    const ackTimer = setTimeout(() => socket.close(4408, "connection_ack timeout"), ACK_TIMEOUT_MS);
    const send = (message: object) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(message));

    socket.onopen = () => {
      const token = getToken();
      send({ type: "connection_init", payload: token ? { authorization: `Bearer ${token}` } : {} });
    };
    socket.onmessage = (event) => {
      let message: { type: string; id?: string; payload?: unknown };
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      switch (message.type) {
        case "connection_ack":
          acked = true;
          clearTimeout(ackTimer);
          this.attempt = 0;
          this.options.subscriptions.forEach((s, i) => send({ id: String(i), type: "subscribe", payload: { query: s.query } }));
          this.pingTimer = setInterval(() => {
            send({ type: "ping" });
            this.pongTimer ??= setTimeout(() => socket.close(4408, "no pong"), PONG_WITHIN_MS);
          }, PING_EVERY_MS);
          this.options.onState("live", { attempt: 0, retryInMs: 0, acked: true });
          break;
        case "ping":
          send({ type: "pong" });
          break;
        case "pong":
          if (this.pongTimer !== null) clearTimeout(this.pongTimer);
          this.pongTimer = null;
          break;
        case "next": {
          const payload = message.payload as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
          const sub = this.options.subscriptions[Number(message.id)];
          if (payload?.errors?.length) console.warn("tickd subscription:", toApiError(payload.errors).message);
          else if (sub && payload?.data) sub.onData(payload.data);
          break;
        }
        case "error":
        case "complete":
          // A subscription the server ended or refused: start over (and reload) rather than run half-live.
          socket.close(4400, `subscription ${message.type}`);
          break;
      }
    };
    socket.onclose = (event) => {
      clearTimeout(ackTimer);
      this.dropped(socket, event.code, acked);
    };
  }

  private dropped(socket: WebSocket | null, code: number, acked: boolean): void {
    if (this.stopped || (socket !== null && this.socket !== socket)) return;
    this.clearTimers();
    this.socket = null;
    if (code === 4403 || code === 4401) {
      // The token is missing or wrong: retrying cannot help until the prompt gives one.
      const error = new ApiError("UNAUTHENTICATED", "the API needs a valid token");
      this.options.onState("unauthenticated", { attempt: this.attempt, retryInMs: 0, acked, error });
      reportUnauthenticated(error);
      return;
    }
    this.attempt += 1;
    const retryInMs = backoffDelay(this.attempt);
    this.options.onState("lost", { attempt: this.attempt, retryInMs, acked });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.open();
    }, retryInMs);
  }
}
