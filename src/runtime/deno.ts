/**
 * The few Deno globals src/runtime/ uses, typed here by hand: the Bun
 * typecheck (tsconfig.json, bun-types) does not load Deno's lib, and these
 * shapes are all tickd relies on. `deno` is undefined on Bun, decided once
 * at module load.
 */

export interface DenoNetAddr {
  readonly transport: string;
  readonly hostname: string;
  readonly port: number;
}

export interface DenoServeInfo {
  readonly remoteAddr: DenoNetAddr;
}

export interface DenoHttpServer {
  readonly addr: DenoNetAddr;
  readonly finished: Promise<void>;
  shutdown(): Promise<void>;
}

export interface DenoServeOptions {
  readonly hostname: string;
  readonly port: number;
  onListen?(addr: DenoNetAddr): void;
  onError?(error: unknown): Response | Promise<Response>;
}

export interface DenoApi {
  readonly version: { readonly deno: string };
  readonly mainModule: string;
  serve(options: DenoServeOptions, handler: (request: Request, info: DenoServeInfo) => Response | Promise<Response>): DenoHttpServer;
  upgradeWebSocket(request: Request, options?: { protocol?: string; idleTimeout?: number }): { socket: WebSocket; response: Response };
}

export const deno: DenoApi | undefined = (globalThis as { Deno?: DenoApi }).Deno;
