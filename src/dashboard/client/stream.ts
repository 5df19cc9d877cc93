/**
 * One GraphQL subscription over Server-Sent Events, read with fetch streaming
 * (POST /graphql, Accept: text/event-stream) so the bearer token travels in a
 * header like every other request. When the stream ends or breaks, it is
 * opened again after a growing delay (0.5 s doubling to 8 s, with jitter so a
 * restarted server is not hit by every tab at once). The owner hears every
 * state change and refreshes its data on each "live", which covers what
 * happened while the stream was down. The page does not resume with
 * Last-Event-ID (the server would replay the missed events, which could land
 * after the refreshed data and put older runs on top); it reads each event's
 * `id:` all the same (parseSse), for whoever wants it.
 */
import { ApiError, ENDPOINT, headers, reportUnauthenticated, toApiError } from "./api.ts";

export type StreamState = "connecting" | "live" | "lost" | "unauthenticated";

export interface StreamOptions<T> {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
  onData(data: T): void;
  onState(state: StreamState, detail: { attempt: number; retryInMs: number; error?: ApiError }): void;
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 8000;
/** yoga sends a keep-alive comment every 12 s; silence for longer means the link is dead. */
const SILENCE_MS = 35_000;

export function backoffDelay(attempt: number, random = Math.random()): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random));
}

interface SseEvent {
  event: string;
  data: string;
  /** The event's `id:`, when it has one. */
  id?: string;
}

/** Splits SSE text into events; returns the events and the unfinished tail. */
export function parseSse(buffer: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  const blocks = buffer.split(/\r?\n\r?\n/);
  const rest = blocks.pop() ?? "";
  for (const block of blocks) {
    let event = "message";
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
      else if (field === "id") id = value;
    }
    if (data.length > 0 || event === "complete") events.push({ event, data: data.join("\n"), ...(id !== undefined && { id }) });
  }
  return { events, rest };
}

export class LiveSubscription<T> {
  private controller: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private stopped = true;

  constructor(private readonly options: StreamOptions<T>) {}

  start(): void {
    this.stopped = false;
    this.attempt = 0;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.controller?.abort();
    this.controller = null;
  }

  /** Skip the wait (the browser came back online, or the user asked). */
  retryNow(): void {
    if (this.stopped || this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.open();
  }

  private open(): void {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.options.onState("connecting", { attempt: this.attempt, retryInMs: 0 });
    this.read(controller).then(
      () => this.dropped(controller),
      (error: unknown) => this.dropped(controller, error),
    );
  }

  private async read(controller: AbortController): Promise<void> {
    const response = await fetch(ENDPOINT, {
      method: "POST",
      headers: headers("text/event-stream"),
      body: JSON.stringify({ query: this.options.query, variables: this.options.variables ?? {} }),
      signal: controller.signal,
      cache: "no-store",
    });
    if (!response.ok || !response.body || !(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
      let error = new ApiError(response.status >= 500 ? "NETWORK" : "INTERNAL", `subscription refused: HTTP ${response.status}`);
      try {
        const body = await response.json();
        if (body?.errors?.length) error = toApiError(body.errors, response.status);
      } catch {
        /* not JSON: keep the HTTP status */
      }
      throw error;
    }
    this.attempt = 0;
    this.options.onState("live", { attempt: 0, retryInMs: 0 });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let watchdog = setTimeout(() => controller.abort(), SILENCE_MS);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        clearTimeout(watchdog);
        watchdog = setTimeout(() => controller.abort(), SILENCE_MS);
        const parsed = parseSse(buffer + value);
        buffer = parsed.rest;
        for (const event of parsed.events) {
          if (event.event === "complete") return;
          const payload = JSON.parse(event.data) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
          if (payload.errors?.length) throw toApiError(payload.errors);
          if (payload.data) this.options.onData(payload.data);
        }
      }
    } finally {
      clearTimeout(watchdog);
    }
  }

  private dropped(controller: AbortController, error?: unknown): void {
    if (this.stopped || this.controller !== controller) return;
    const apiError = error instanceof ApiError ? error : undefined;
    if (apiError?.code === "UNAUTHENTICATED") {
      // Retrying cannot help until there is a token; the prompt restarts us.
      this.options.onState("unauthenticated", { attempt: this.attempt, retryInMs: 0, error: apiError });
      reportUnauthenticated(apiError);
      return;
    }
    this.attempt += 1;
    const retryInMs = backoffDelay(this.attempt);
    this.options.onState("lost", { attempt: this.attempt, retryInMs, error: apiError });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.open();
    }, retryInMs);
  }
}
