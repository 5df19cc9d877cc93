/**
 * HTTP + WebSocket server on Bun.serve or Deno.serve, behind a portable
 * interface so the API (src/api) touches neither. A request handler gets the Request and the
 * client's address; WebSocket upgrades are offered to `upgrade`, which either
 * refuses with a Response or returns the session that handles the socket.
 */

import { TickdError } from "../errors.ts";
import { deno, type DenoApi } from "./deno.ts";

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
  /** Largest request body Bun reads, bytes (larger: 413 before the handler runs). Deno has no such cap; the handler's own check is the limit there. */
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
    return deno ? denoServe(deno, options) : bunServe(options);
  } catch (error) {
    // The operator's mistake, not ours: say what to do, without a stack trace.
    const code = errorCode(error);
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

/** Bun and Node name the failure in `code`; Deno by its error class (Deno.errors.AddrInUse …). */
function errorCode(error: unknown): string | undefined {
  const { code, name } = error as { code?: string; name?: string };
  if (code) return code;
  return { AddrInUse: "EADDRINUSE", PermissionDenied: "EACCES", AddrNotAvailable: "EADDRNOTAVAIL" }[name ?? ""];
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

/**
 * Deno.serve with Deno.upgradeWebSocket. Its shutdown() waits for every
 * response to finish, and an event stream never does: stop() closes the
 * open streams and sockets itself, as Bun's stop(true) does.
 */
function denoServe(runtime: DenoApi, options: ServeOptions): Served {
  const sockets = new Set<WebSocket>();
  /** How to end each open event stream (its reader cancelled, its response closed). */
  const streams = new Set<() => void>();

  /** A streaming body (SSE), passed through a stream that stop() can end. */
  function endable(response: Response): Response {
    const body = response.body;
    if (!body || !response.headers.get("content-type")?.startsWith("text/event-stream")) return response;
    const reader = body.getReader();
    let ended = false;
    let end = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        end = () => {
          if (ended) return;
          ended = true;
          streams.delete(end);
          void reader.cancel().catch(() => {});
          controller.close();
        };
        streams.add(end);
      },
      async pull(controller) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (ended) return;
        if (done) end();
        else controller.enqueue(value);
      },
      cancel() {
        // The client went away: end the source (yoga stops the subscription).
        ended = true;
        streams.delete(end);
        return reader.cancel().catch(() => {});
      },
    });
    return new Response(stream, { status: response.status, statusText: response.statusText, headers: response.headers });
  }

  function upgraded(request: Request, accept: UpgradeAccept): Response {
    const { socket, response } = runtime.upgradeWebSocket(request, { protocol: accept.protocol || undefined, idleTimeout: options.idleTimeout ?? 120 });
    let session: SocketSession | undefined;
    // Binary frames as ArrayBuffer (Deno's default is Blob), decoded as on Bun.
    socket.binaryType = "arraybuffer";
    // A session's failure is its own to report (graphql-ws closes the socket); never an unhandled rejection.
    const settle = (result: void | Promise<void> | undefined) => void Promise.resolve(result).catch(() => {});
    sockets.add(socket);
    socket.onopen = () => {
      session = accept.open({
        protocol: accept.protocol,
        send: (data) => {
          if (socket.readyState === WebSocket.OPEN) socket.send(data);
        },
        close: (code, reason) => socket.close(code, reason),
      });
    };
    socket.onmessage = (event) => {
      const data = event.data;
      settle(session?.message(typeof data === "string" ? data : new TextDecoder().decode(data as ArrayBuffer)));
    };
    socket.onclose = (event) => {
      sockets.delete(socket);
      settle(session?.closed(event.code, event.reason));
    };
    return response;
  }

  const server = runtime.serve(
    {
      hostname: options.hostname,
      port: options.port,
      onListen: () => {},
      onError: () => new Response("internal error\n", { status: 500 }),
    },
    async (request, info) => {
      const remote = info.remoteAddr.hostname || null;
      if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
        if (!options.upgrade) return new Response("WebSocket not served here\n", { status: 426 });
        const decision = await options.upgrade(request, remote);
        if (decision instanceof Response) return decision;
        return upgraded(request, decision);
      }
      return endable(await options.fetch(request, remote));
    },
  );
  const host = options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname;
  const port = server.addr.port;
  return {
    url: `http://${host}:${port}`,
    port,
    stop: async () => {
      const done = server.shutdown();
      for (const socket of sockets) socket.close(1001, "server stopping");
      for (const end of [...streams]) end();
      await done;
    },
  };
}
