/**
 * HTTP + WebSocket server on Bun.serve, behind a portable interface so the
 * API (src/api) never touches Bun. A request handler gets the Request and the
 * client's address; WebSocket upgrades are offered to `upgrade`, which either
 * refuses with a Response or returns the session that handles the socket.
 */

import { TickdError } from "../errors.ts";

/** The socket as a session sees it. */
export interface SocketLink {
  /** The subprotocol agreed during the upgrade. */
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** What handles one socket after the upgrade. */
export interface SocketSession {
  message(data: string): void | Promise<void>;
  closed(code: number, reason: string): void | Promise<void>;
}

export interface UpgradeAccept {
  /** Subprotocol to answer with (Sec-WebSocket-Protocol). */
  readonly protocol: string;
  open(link: SocketLink): SocketSession;
}

export interface ServeOptions {
  /** Interface to bind, e.g. "127.0.0.1", "::1", "0.0.0.0". */
  readonly hostname: string;
  /** 0 picks a free port. */
  readonly port: number;
  fetch(request: Request, remoteAddress: string | null): Response | Promise<Response>;
  /** Requests carrying `Upgrade: websocket`; undefined = 426 for them. */
  upgrade?(request: Request, remoteAddress: string | null): UpgradeAccept | Response | Promise<UpgradeAccept | Response>;
  /** Largest request body Bun reads, bytes (larger: 413 before the handler runs). */
  readonly maxRequestBodySize?: number;
  /** Seconds an idle connection stays open; SSE streams keep themselves alive. Default 120. */
  readonly idleTimeout?: number;
}

export interface Served {
  /** http://host:port with the port actually bound. */
  readonly url: string;
  readonly port: number;
  /** Stop accepting, close sockets and open streams. */
  stop(): Promise<void>;
}

interface SocketData {
  accept: UpgradeAccept;
  session?: SocketSession;
}

export function serve(options: ServeOptions): Served {
  try {
    return bunServe(options);
  } catch (error) {
    // The operator's mistake, not ours: say what to do, without a stack trace.
    const code = (error as { code?: string }).code;
    const where = `${options.hostname}:${options.port}`;
    if (code === "EADDRINUSE") {
      throw new TickdError("listen-failed", `cannot listen on ${where}: the port is in use (another tickd?); stop it or choose another with --listen HOST:PORT`, { cause: error });
    }
    if (code === "EACCES" || code === "EADDRNOTAVAIL") {
      throw new TickdError("listen-failed", `cannot listen on ${where} (${code}); choose an address this machine has and a port you may bind with --listen HOST:PORT`, { cause: error });
    }
    throw error;
  }
}

function bunServe(options: ServeOptions): Served {
  const server = Bun.serve<SocketData>({
    hostname: options.hostname,
    port: options.port,
    maxRequestBodySize: options.maxRequestBodySize,
    idleTimeout: options.idleTimeout ?? 120,
    async fetch(request, srv) {
      const remote = srv.requestIP(request)?.address ?? null;
      if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
        if (!options.upgrade) return new Response("WebSocket not served here\n", { status: 426 });
        const decision = await options.upgrade(request, remote);
        if (decision instanceof Response) return decision;
        const ok = srv.upgrade(request, {
          data: { accept: decision },
          headers: decision.protocol ? { "Sec-WebSocket-Protocol": decision.protocol } : undefined,
        });
        return ok ? undefined : new Response("WebSocket upgrade failed\n", { status: 400 });
      }
      return options.fetch(request, remote);
    },
    websocket: {
      open(ws) {
        const accept = ws.data.accept;
        ws.data.session = accept.open({
          protocol: accept.protocol,
          send: (data) => {
            if (ws.readyState === 1) ws.sendText(data);
          },
          close: (code, reason) => ws.close(code, reason),
        });
      },
      message(ws, message) {
        return ws.data.session?.message(typeof message === "string" ? message : new TextDecoder().decode(message));
      },
      close(ws, code, reason) {
        return ws.data.session?.closed(code, reason);
      },
    },
    error(error) {
      // A handler that throws: log nothing here (the API logs), answer plainly.
      void error;
      return new Response("internal error\n", { status: 500 });
    },
  });
  const host = options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname;
  return {
    url: `http://${host}:${server.port}`,
    port: server.port ?? options.port,
    stop: async () => {
      await server.stop(true);
    },
  };
}
