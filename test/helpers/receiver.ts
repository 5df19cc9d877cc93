/**
 * A webhook and ping receiver on loopback for binary tests: every request's
 * path, JSON body (when it has one) and arrival time. `port` fixes the port,
 * to bring a receiver back where one was down; `status` is what it answers.
 */
export interface Received {
  readonly path: string;
  readonly body: Record<string, any> | null;
  readonly at: number;
}

export interface Receiver {
  readonly got: Received[];
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  stop(): void;
}

export function receiver(options: { port?: number; status?: number } = {}): Receiver {
  const got: Received[] = [];
  const server = Bun.serve({
    port: options.port ?? 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const text = await request.text();
      got.push({ path: new URL(request.url).pathname, body: text === "" ? null : (JSON.parse(text) as Record<string, any>), at: Date.now() });
      return new Response(options.status === undefined ? "ok" : "no", { status: options.status ?? 200 });
    },
  });
  return { got, url: `http://127.0.0.1:${server.port}`, port: server.port!, stop: () => server.stop(true) };
}

/** Wait for `check` to hold, polling every 50 ms; throws naming `what` after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await Bun.sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}
