/** What the HTTP and WebSocket front ends hand yoga for each request. */
import type { Role } from "./auth.ts";

export interface ServerContext {
  /** Decided before yoga runs: from the bearer token, or admin on loopback without tokens. */
  readonly role: Role | null;
  readonly remoteAddress: string | null;
  /** "cli" when the tickd CLI sent the request (header x-tickd-client: cli): recorded beside the role. */
  readonly via?: "cli";
  /** The Last-Event-ID header of a reconnecting SSE client. */
  readonly lastEventId?: string;
}
