/**
 * What travels over HTTP besides well-formed queries: malformed, oversized,
 * too deep and too costly requests, CSRF, error masking, /healthz, /metrics,
 * the dashboard hook and the request log.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { codes, startTestApi, type Api } from "./harness.ts";

let api: Api;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

async function post(body: string, headers: Record<string, string> = { "content-type": "application/json" }) {
  const res = await fetch(`${api.url}/graphql`, { method: "POST", headers, body });
  return { status: res.status, text: await res.text() };
}

describe("malformed and hostile requests", () => {
  test("a body that is not JSON is a 400 BAD_REQUEST with a message, no stack", async () => {
    const { status, text } = await post("{not json", { "content-type": "application/json", accept: "application/graphql-response+json" });
    expect(status).toBe(400);
    expect(JSON.parse(text)).toEqual({ errors: [{ message: "POST body sent invalid JSON.", extensions: { code: "BAD_REQUEST" } }] });
  });

  test("a syntax error names the position and is GRAPHQL_PARSE_FAILED", async () => {
    const { status, body } = await api.gql(`{ jobs { `);
    expect(status).toBe(400);
    expect(codes(body)).toEqual(["GRAPHQL_PARSE_FAILED"]);
    expect(body.errors![0]!.message).toBe("Syntax Error: Expected Name, found <EOF>.");
  });

  test("an unknown field is GRAPHQL_VALIDATION_FAILED", async () => {
    const { body } = await api.gql(`{ jobs { totalCount secretField } }`);
    expect(codes(body)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
  });

  test("a body over 64 KiB is refused with 413 before it is parsed", async () => {
    const query = `{ jobs { totalCount } } # ${"x".repeat(70_000)}`;
    const { status, text } = await post(JSON.stringify({ query }));
    expect(status).toBe(413);
    expect(JSON.parse(text)).toEqual({ errors: [{ message: "request body larger than 65536 bytes", extensions: { code: "BAD_USER_INPUT" } }] });
  });

  test("a query nested deeper than 12 levels is refused", async () => {
    let selection = "label";
    for (let i = 0; i < 7; i++) selection = `lastRun { job { ${selection} } }`;
    const { body } = await api.gql(`{ job(label: "ticker") { ${selection} } }`);
    expect(body).toEqual({ errors: [{ message: "Query depth of 16 exceeds max depth of 12", extensions: { code: "QUERY_DEPTH", queryDepth: { actual: 16, max: 12 } } }] } as never);
  });

  test("a query costing more than the budget is refused", async () => {
    const { body } = await api.gql(`{ jobs(first: 1000) { edges { node { runs(first: 1000) { edges { node { label message } } } } } } }`);
    expect(body.data ?? null).toBeNull();
    expect(codes(body)).toEqual(["QUERY_COMPLEXITY"]);
    expect(body.errors![0]!.message).toMatch(/^Query complexity of \d+ exceeds max complexity of 50000$/);
  });

  test("many aliases of one field count towards the cost (breadth)", async () => {
    const aliases = Array.from({ length: 150 }, (_, i) => `a${i}: scheduler { version }`).join(" ");
    const { body } = await api.gql(`{ ${aliases} }`);
    expect(body.data ?? null).toBeNull();
    expect(codes(body)).toEqual(["QUERY_BREADTH"]);
  });
});

describe("CSRF", () => {
  test("a form-like POST (text/plain) without a preflight header is refused with 403", async () => {
    const { status, text } = await post(JSON.stringify({ query: `mutation { deactivateJob(label: "ticker") { active } }` }), { "content-type": "text/plain" });
    expect(status).toBe(403);
    expect(JSON.parse(text).errors[0].extensions.code).toBe("FORBIDDEN");
    expect((await api.gql(`{ job(label: "ticker") { active } }`)).body.data!.job.active).toBe(true);
  });

  test("a GET query needs the x-graphql-yoga-csrf header", async () => {
    const url = `${api.url}/graphql?${new URLSearchParams({ query: "{ scheduler { version } }" })}`;
    expect((await fetch(url)).status).toBe(403);
    const ok = await fetch(url, { headers: { "x-graphql-yoga-csrf": "1" } });
    expect(ok.status).toBe(200);
  });

  test("a mutation over GET is refused even with the header", async () => {
    const url = `${api.url}/graphql?${new URLSearchParams({ query: `mutation { deactivateJob(label: "ticker") { active } }` })}`;
    const res = await fetch(url, { headers: { "x-graphql-yoga-csrf": "1" } });
    expect(res.status).toBe(405);
  });

  test("no CORS headers: other origins cannot read answers", async () => {
    const res = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ query: "{ scheduler { version } }" }),
    });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });
});

test("an unexpected failure reaches the client as INTERNAL without details; the log has the stack", async () => {
  const store = api.store as unknown as { client: { execute: unknown } };
  const original = store.client.execute;
  // Break the store the way a lost database would.
  (api.store.db as unknown as { select: unknown }).select = () => {
    throw new Error("disk on fire at /var/lib/secret/path");
  };
  try {
    const { body } = await api.gql(`{ runs { edges { cursor } } }`);
    expect(body.errors).toEqual([{ message: "internal error; the tickd log has the details", locations: [{ line: 1, column: 3 }], path: ["runs"], extensions: { code: "INTERNAL" } }] as never);
    expect(JSON.stringify(body)).not.toContain("disk on fire");
    expect(api.logs.join("\n")).toContain("disk on fire at /var/lib/secret/path");
  } finally {
    delete (api.store.db as unknown as { select?: unknown }).select;
    store.client.execute = original;
  }
});

describe("other endpoints", () => {
  test("/healthz reports status, version and instance as JSON", async () => {
    const res = await fetch(`${api.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", version: "0.1.0-dev", instance: api.engine.instance });
  });

  test("/graphql/stream is for EventSource: POST there is 405 with a hint", async () => {
    const res = await fetch(`${api.url}/graphql/stream`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(405);
    expect((await res.json()) as unknown).toEqual({ errors: [{ message: "/graphql/stream takes GET (EventSource); POST to /graphql instead", extensions: { code: "BAD_USER_INPUT" } }] });
  });

  test("/metrics is Prometheus text with runs by job and status, lateness, running and jobs", async () => {
    // The one-second job's next second: it runs on schedule, once.
    expect(await api.runsFinish("ticker", 1_000)).toMatchObject({ status: "success", trigger: "schedule" });
    await api.gql(`mutation { runJobNow(label: "failing") { status } }`);
    const res = await fetch(`${api.url}/metrics`);
    expect(res.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
    const text = await res.text();
    expect(text).toContain('tickd_runs_total{label="failing",status="error",trigger="manual"} 1');
    expect(text).toContain('tickd_runs_total{label="ticker",status="success",trigger="schedule"} 1\n');
    expect(text).toContain("# TYPE tickd_run_lateness_seconds histogram");
    expect(text).toMatch(/^tickd_run_lateness_seconds_count \d+$/m);
    expect(text).toContain("tickd_jobs_running ");
    expect(text).toContain('tickd_jobs{active="true"} 3');
    expect(text).toContain('tickd_jobs{active="false"} 1');
  });

  test("/ is the dashboard's; unknown paths are 404", async () => {
    const page = await fetch(`${api.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>tickd</title>");
    expect((await fetch(`${api.url}/nope`)).status).toBe(404);
  });

  test("each request is logged on one line: method, path, status, milliseconds", async () => {
    await fetch(`${api.url}/healthz?probe=1`);
    expect(api.logs.some((l) => /^GET \/healthz 200 \d+\.\dms$/.test(l))).toBe(true);
  });
});

test("/healthz answers 503 when the store cannot be reached", async () => {
  const other = await startTestApi();
  try {
    // The engine stops first so that only the API notices the lost database.
    await other.engine.stop({ graceMs: 0 });
    other.store.client.close();
    const res = await fetch(`${other.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "error", reason: "store unreachable" });
  } finally {
    await other.close().catch(() => {});
  }
});
