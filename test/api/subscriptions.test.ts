/**
 * Subscriptions over SSE (POST and EventSource-style GET) and WebSocket
 * (graphql-ws), against a real engine running a one-second job.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient, type Client } from "graphql-ws";
import { sse, startBinaryApi, TOKENS, within, type ApiClient } from "./harness.ts";

const ACTIVITY = `subscription ($label: String) { runFinished(filter: { label: $label }) { label status message output endedAt trigger } }`;

describe("without tokens (loopback admin)", () => {
  let api: ApiClient;
  beforeAll(async () => {
    api = await startBinaryApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  test("an SSE subscriber (POST, Accept: text/event-stream) sees a run within a second of it finishing", async () => {
    const stream = await sse(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: ACTIVITY, variables: { label: "ticker" } }),
    });
    expect(stream.status).toBe(200);
    try {
      const event = await stream.next(2500);
      const run = event.data!.runFinished;
      expect(run).toMatchObject({ label: "ticker", status: "SUCCESS", message: "tick", output: "tick output", trigger: "SCHEDULE" });
      expect(Date.now() - Date.parse(run.endedAt)).toBeLessThan(1000);
    } finally {
      stream.close();
    }
  });

  test("an EventSource-style GET on /graphql/stream receives runs too", async () => {
    const q = new URLSearchParams({ query: ACTIVITY, variables: JSON.stringify({ label: "ticker" }) });
    const stream = await sse(`${api.url}/graphql/stream?${q}`, { headers: { accept: "text/event-stream" } });
    expect(stream.status).toBe(200);
    try {
      const event = await stream.next(2500);
      expect(event.data!.runFinished.label).toBe("ticker");
      expect(Date.now() - Date.parse(event.data!.runFinished.endedAt)).toBeLessThan(1000);
    } finally {
      stream.close();
    }
  });

  test("a WebSocket (graphql-ws) subscriber sees a run within a second of it finishing", async () => {
    const client = createClient({ url: api.url.replace("http", "ws") + "/graphql", webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const it = client.iterate<{ runFinished: { label: string; status: string; endedAt: string } }>({ query: ACTIVITY, variables: { label: "ticker" } });
      const first = await within(2500, it.next(), "ws activity");
      const run = first.value!.data!.runFinished;
      expect(run.label).toBe("ticker");
      expect(run.status).toBe("SUCCESS");
      expect(Date.now() - Date.parse(run.endedAt)).toBeLessThan(1000);
      await it.return?.();
    } finally {
      await client.dispose();
    }
  });

  test("a manual run is seen by a subscriber filtered on its job, with trigger MANUAL", async () => {
    const client = createClient({ url: api.url.replace("http", "ws") + "/graphql", webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const it = client.iterate<{ runFinished: { label: string; trigger: string; message: string } }>({ query: ACTIVITY, variables: { label: "nightly report" } });
      // Let the subscription register before the run.
      await Bun.sleep(100);
      const run = await api.gql(`mutation { runJobNow(label: "nightly report") { runId status } }`);
      expect(run.body.data!.runJobNow.status).toBe("SUCCESS");
      const seen = await within(1000, it.next(), "ws manual run");
      expect(seen.value!.data!.runFinished).toEqual({ label: "nightly report", trigger: "MANUAL", message: "sent to ops@example.com", output: "admin-only output", endedAt: expect.any(String), status: "SUCCESS" } as never);
      await it.return?.();
    } finally {
      await client.dispose();
    }
  });

  test("jobChanged reports a deactivation and the job as it is now", async () => {
    const stream = await sse(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: `subscription { jobChanged(label: "nightly report") { label change job { active } } }` }),
    });
    try {
      await Bun.sleep(100);
      await api.gql(`mutation { deactivateJob(label: "nightly report") { active } }`);
      const event = await stream.next(1000);
      expect(event.data!.jobChanged).toEqual({ label: "nightly report", change: "DEACTIVATED", job: { active: false } });
    } finally {
      stream.close();
      await api.gql(`mutation { activateJob(label: "nightly report") { active } }`);
    }
  });
});

describe("clients that go away", () => {
  let api: ApiClient;
  beforeAll(async () => {
    api = await startBinaryApi();
  });
  afterAll(async () => {
    await api?.close();
  });

  async function openSubscriptions(): Promise<number> {
    const text = await (await fetch(`${api.url}/metrics`)).text();
    return Number(/^tickd_api_subscriptions (\d+)$/m.exec(text)![1]);
  }

  async function eventually(expected: number): Promise<void> {
    for (let i = 0; i < 40 && (await openSubscriptions()) !== expected; i++) await Bun.sleep(25);
    expect(await openSubscriptions()).toBe(expected);
  }

  test("an SSE subscriber that disconnects releases its subscription", async () => {
    const streams = await Promise.all(
      [1, 2, 3].map(() =>
        sse(`${api.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "text/event-stream" },
          body: JSON.stringify({ query: ACTIVITY }),
        }),
      ),
    );
    await eventually(3);
    for (const s of streams) s.close();
    await eventually(0);
  });

  test("a WebSocket client that completes or closes releases its subscriptions", async () => {
    const client = createClient({ url: api.url.replace("http", "ws") + "/graphql", webSocketImpl: WebSocket, retryAttempts: 0 });
    const a = client.iterate({ query: ACTIVITY });
    const b = client.iterate({ query: `subscription { jobChanged { label } }` });
    void a.next();
    void b.next();
    await eventually(2);
    await a.return?.();
    await eventually(1);
    await client.dispose();
    await eventually(0);
  });
});

describe("with tokens", () => {
  let api: ApiClient;
  beforeAll(async () => {
    api = await startBinaryApi({ tokens: true });
  });
  afterAll(async () => {
    await api?.close();
  });

  const client = (authorization?: string): Client =>
    createClient({
      url: api.url.replace("http", "ws") + "/graphql",
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: authorization === undefined ? undefined : { authorization },
    });

  test("a viewer subscribes over WebSocket with the token in connection_init, and sees no output", async () => {
    const c = client(`Bearer ${TOKENS.viewer}`);
    try {
      const it = c.iterate<{ runFinished: { label: string; output: string | null } }>({ query: ACTIVITY, variables: { label: "ticker" } });
      const first = await within(2500, it.next(), "viewer ws");
      expect(first.value!.data!.runFinished.output).toBeNull();
      await it.return?.();
    } finally {
      await c.dispose();
    }
  });

  test("a WebSocket without a token, or with a wrong one, is closed with 4403 Forbidden", async () => {
    for (const auth of [undefined, "Bearer not-a-real-token-at-all"]) {
      const c = client(auth);
      try {
        const it = c.iterate({ query: ACTIVITY });
        const error = await within(2000, it.next().then(() => null, (e: unknown) => e), "ws refusal");
        expect((error as CloseEvent).code).toBe(4403);
      } finally {
        await c.dispose();
      }
    }
  });

  test("SSE takes the bearer header, or ?token= on /graphql/stream (EventSource cannot send headers)", async () => {
    const post = await sse(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${TOKENS.viewer}` },
      body: JSON.stringify({ query: ACTIVITY, variables: { label: "ticker" } }),
    });
    const q = new URLSearchParams({ query: ACTIVITY, variables: JSON.stringify({ label: "ticker" }), token: TOKENS.admin });
    const get = await sse(`${api.url}/graphql/stream?${q}`, {});
    try {
      expect([post.status, get.status]).toEqual([200, 200]);
      expect((await post.next(2500)).data!.runFinished.output).toBeNull();
      expect((await get.next(2500)).data!.runFinished.output).toBe("tick output");
    } finally {
      post.close();
      get.close();
    }
    // The token never reaches the log.
    expect(api.logs.join("\n")).not.toContain(TOKENS.admin);
  });

  test("SSE without a token is refused with 401 UNAUTHENTICATED", async () => {
    const res = await fetch(`${api.url}/graphql/stream?${new URLSearchParams({ query: ACTIVITY })}`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("UNAUTHENTICATED");
  });
});

describe("queries and mutations over WebSocket", () => {
  let api: ApiClient;
  beforeAll(async () => {
    api = await startBinaryApi({ tokens: true });
  });
  afterAll(async () => {
    await api?.close();
  });

  async function once(token: string, query: string): Promise<{ data?: any; errors?: { message: string; extensions?: { code?: string } }[] }> {
    const c = createClient({ url: api.url.replace("http", "ws") + "/graphql", webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
    try {
      const it = c.iterate({ query });
      const first = await within(2000, it.next(), "ws operation");
      return first.value as never;
    } catch (errors) {
      // graphql-ws rejects with the error list for an operation that failed validation.
      return { errors: errors as never };
    } finally {
      await c.dispose();
    }
  }

  test("a viewer queries over WebSocket and is refused a mutation with FORBIDDEN", async () => {
    expect((await once(TOKENS.viewer, `{ jobs { totalCount } }`)).data).toEqual({ jobs: { totalCount: 4 } });
    const refused = await once(TOKENS.viewer, `mutation { deactivateJob(label: "ticker") { active } }`);
    expect(refused.errors!.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    expect(refused.data ?? null).toBeNull();
  });

  test("an operator runs a job over WebSocket", async () => {
    const { data } = await once(TOKENS.operator, `mutation { runJobNow(label: "nightly report") { status trigger output } }`);
    expect(data).toEqual({ runJobNow: { status: "SUCCESS", trigger: "MANUAL", output: null } });
  });

  test("limits apply over WebSocket too", async () => {
    let selection = "label";
    for (let i = 0; i < 7; i++) selection = `lastRun { job { ${selection} } }`;
    const { errors } = await once(TOKENS.admin, `{ job(label: "ticker") { ${selection} } }`);
    expect(errors!.map((e) => e.extensions?.code)).toEqual(["QUERY_DEPTH"]);
  });

  test("runStarted reports each run as it starts, status RUNNING", async () => {
    const c = createClient({ url: api.url.replace("http", "ws") + "/graphql", webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${TOKENS.viewer}` } });
    try {
      const it = c.iterate<{ runStarted: { label: string; status: string; endedAt: string | null } }>({ query: `subscription { runStarted(filter: { label: "ticker" }) { label status endedAt } }` });
      const first = await within(2500, it.next(), "runStarted");
      expect(first.value!.data!.runStarted).toEqual({ label: "ticker", status: "RUNNING", endedAt: null });
      await it.return?.();
    } finally {
      await c.dispose();
    }
  });
});
