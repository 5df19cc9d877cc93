/**
 * Issue 12, item 6: nobody in who should not be. Without --tokens every
 * loopback client is admin, so a page on another origin (a cross-origin
 * WebSocket, a form POST) and a DNS-rebound name (a foreign Host) must be
 * refused before anything runs. The rules of src/api/origin.ts table by
 * table, then raw requests against the compiled binary.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient } from "graphql-ws";
import net from "node:net";
import { checkRequest, parsePublicUrl, type OriginPolicy, type RequestFacts } from "../../src/api/origin.ts";
import { tickd } from "../helpers/binary.ts";
import { within } from "./harness.ts";
import { startService, writeProject, type Project, type Service } from "../helpers/service.ts";

const LOOPBACK: OriginPolicy = { listenHost: "127.0.0.1", port: 7370 };
const PROXIED: OriginPolicy = { ...LOOPBACK, publicUrl: new URL("https://tickd.example.com/") };
const EXPOSED: OriginPolicy = { listenHost: "0.0.0.0", port: 7370 };
const LAN: OriginPolicy = { listenHost: "192.168.1.5", port: 7370 };
const V6: OriginPolicy = { listenHost: "::1", port: 7370 };

function facts(over: Partial<RequestFacts>): RequestFacts {
  return { method: "GET", upgrade: false, host: "127.0.0.1:7370", origin: null, secFetchSite: null, ...over };
}
function verdict(policy: OriginPolicy, over: Partial<RequestFacts>): string {
  const v = checkRequest(policy, facts(over));
  return v.ok ? "ok" : String(v.status);
}

describe("Host on a loopback listen (DNS rebinding)", () => {
  test.each([
    ["127.0.0.1:7370", "ok"],
    ["localhost:7370", "ok"],
    ["LOCALHOST:7370", "ok"],
    ["localhost", "ok"],
    ["[::1]:7370", "ok"],
    ["127.0.0.2:9000", "ok"],
    ["evil.example:7370", "403"],
    ["evil.example", "403"],
    ["127.0.0.1.nip.io:7370", "403"],
    ["localhost.evil.example:7370", "403"],
    ["192.168.1.5:7370", "403"],
    ["evil.example@127.0.0.1:7370", "400"],
    ["127.0.0.1:7370/x", "400"],
    ["", "400"],
  ])("Host %p is %s", (host, expected) => {
    expect(verdict(LOOPBACK, { host })).toBe(expected);
  });

  test("a missing Host is refused (browsers always send one)", () => {
    expect(checkRequest(LOOPBACK, facts({ host: null }))).toEqual({ ok: false, status: 400, reason: "a Host header is required" });
  });

  test("the refusal names the Host and what to do", () => {
    expect(checkRequest(LOOPBACK, facts({ host: "evil.example:7370" }))).toEqual({
      ok: false,
      status: 403,
      reason: 'Host "evil.example:7370" refused (DNS rebinding?): this API listens on loopback and answers only to localhost, 127.x.x.x, [::1]; set --public-url if a proxy forwards another Host',
    });
  });

  test.each([
    ["tickd.example.com", "ok"],
    ["TICKD.example.com:443", "ok"],
    ["tickd.example.com:8443", "403"],
    ["evil.example", "403"],
    ["127.0.0.1:7370", "ok"],
  ])("with --public-url https://tickd.example.com, Host %p is %s", (host, expected) => {
    expect(verdict(PROXIED, { host })).toBe(expected);
  });

  test("on a non-loopback listen (tokens required) any well-formed Host is answered", () => {
    expect(verdict(EXPOSED, { host: "tickd.lan:7370" })).toBe("ok");
    expect(verdict(LAN, { host: "evil.example:7370" })).toBe("ok");
    expect(verdict(LAN, { host: "a@b" })).toBe("400");
  });
});

describe("Origin of WebSocket upgrades and state-changing requests", () => {
  const ws = (origin: string | null, host = "127.0.0.1:7370") => ({ upgrade: true, origin, host });
  test.each([
    ["no Origin (a non-browser client)", ws(null), "ok"],
    ["the served origin", ws("http://127.0.0.1:7370"), "ok"],
    ["the served origin spelled in capitals", ws("HTTP://127.0.0.1:7370"), "ok"],
    ["localhost when the page was loaded from localhost", ws("http://localhost:7370", "localhost:7370"), "ok"],
    ["localhost when the request's Host is 127.0.0.1", ws("http://localhost:7370"), "403"],
    ["another site", ws("http://evil.example"), "403"],
    ["another port on loopback", ws("http://127.0.0.1:7371"), "403"],
    ["another scheme", ws("https://127.0.0.1:7370"), "403"],
    ["null (sandboxed frame, file://)", ws("null"), "403"],
    ["garbage", ws("http://127.0.0.1:7370/path"), "403"],
  ])("a WebSocket with %s is %s", (_what, over, expected) => {
    expect(verdict(LOOPBACK, over)).toBe(expected);
  });

  test.each([
    ["POST", "http://evil.example", "403"],
    ["PUT", "http://evil.example", "403"],
    ["PATCH", "http://evil.example", "403"],
    ["DELETE", "http://evil.example", "403"],
    ["POST", "http://127.0.0.1:7370", "ok"],
    ["POST", null, "ok"],
    ["GET", "http://evil.example", "ok"],
    ["HEAD", "http://evil.example", "ok"],
    ["OPTIONS", "http://evil.example", "ok"],
  ])("%s with Origin %p is %s (reads are not refused: without CORS their answers cannot be read)", (method, origin, expected) => {
    expect(verdict(LOOPBACK, { method, origin })).toBe(expected);
  });

  test("Sec-Fetch-Site: cross-site refuses state-changing requests and upgrades whatever the Origin says", () => {
    expect(verdict(LOOPBACK, { method: "POST", origin: "http://127.0.0.1:7370", secFetchSite: "cross-site" })).toBe("403");
    expect(verdict(LOOPBACK, { upgrade: true, secFetchSite: "cross-site" })).toBe("403");
    expect(verdict(LOOPBACK, { method: "POST", origin: "http://127.0.0.1:7370", secFetchSite: "same-origin" })).toBe("ok");
    expect(verdict(LOOPBACK, { method: "GET", secFetchSite: "cross-site" })).toBe("ok");
  });

  test("the refusal names the Origin and the origin expected", () => {
    expect(checkRequest(LOOPBACK, facts(ws("http://evil.example")))).toEqual({
      ok: false,
      status: 403,
      reason: 'cross-origin WebSocket refused: Origin "http://evil.example" is not http://127.0.0.1:7370; set --public-url if browsers reach tickd at another address',
    });
  });

  test("--public-url's origin is served beside the listen address's", () => {
    expect(verdict(PROXIED, ws("https://tickd.example.com", "tickd.example.com"))).toBe("ok");
    expect(verdict(PROXIED, ws("https://tickd.example.com"))).toBe("ok");
    expect(verdict(PROXIED, ws("http://tickd.example.com", "tickd.example.com"))).toBe("403");
    expect(verdict(PROXIED, ws("http://evil.example"))).toBe("403");
  });

  test("on a non-loopback listen the Origin must still be the request's own, the listen address or --public-url", () => {
    expect(verdict(EXPOSED, ws("http://tickd.lan:7370", "tickd.lan:7370"))).toBe("ok");
    expect(verdict(EXPOSED, ws("http://evil.example", "tickd.lan:7370"))).toBe("403");
    // 0.0.0.0 is no origin a browser can have.
    expect(verdict(EXPOSED, ws("http://0.0.0.0:7370", "tickd.lan:7370"))).toBe("403");
    expect(verdict(LAN, ws("http://192.168.1.5:7370", "tickd.lan:7370"))).toBe("ok");
    expect(verdict(V6, ws("http://[::1]:7370", "[::1]:7370"))).toBe("ok");
  });

  test("echoed values are shortened and stripped of control characters", () => {
    const v = checkRequest(LOOPBACK, facts(ws(`http://evil.example/${"x".repeat(300)}\r\nSet-Cookie: a=b`)));
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.reason).not.toContain("\n");
      expect(v.reason.length).toBeLessThan(260);
    }
  });
});

describe("--public-url", () => {
  test.each([
    ["ftp://tickd.example.com", '--public-url "ftp://tickd.example.com": expected an http:// or https:// URL, e.g. https://tickd.example.com'],
    ["tickd.example.com", '--public-url "tickd.example.com" is not a URL; write the address browsers use, e.g. https://tickd.example.com'],
    ["https://me:pw@tickd.example.com", '--public-url "https://me:pw@tickd.example.com": leave out user and password'],
  ])("%p is refused with a message", (text, message) => {
    expect(() => parsePublicUrl(text)).toThrow(message);
  });
  test("a path is allowed and ignored for the origin", () => {
    expect(parsePublicUrl("https://example.com/tickd/").origin).toBe("https://example.com");
  });
});

// ---------------------------------------------------------------------------
// The compiled binary, spoken to over raw TCP so Host and Origin are ours to set.

interface RawResponse {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** One HTTP/1.1 request over a fresh TCP connection; a 101 answer resolves at once (the socket is then closed). */
function raw(port: number, method: string, path: string, headers: Record<string, string>, body = ""): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let data = "";
    const timer = setTimeout(() => finish(new Error(`no complete answer within 3 s: ${JSON.stringify(data)}`)), 3000);
    const finish = (error: Error | null, value?: RawResponse) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(value!);
    };
    socket.on("connect", () => {
      const lines = [`${method} ${path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
      socket.write(`${lines.join("\r\n")}\r\n\r\n${body}`);
    });
    socket.on("data", (chunk) => {
      data += chunk.toString("utf8");
      const end = data.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = data.slice(0, end);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? "0");
      const rest = data.slice(end + 4);
      if (status === 101 || Buffer.byteLength(rest) >= length) finish(null, { status, headers: head, body: rest });
    });
    socket.on("error", (error) => finish(error));
  });
}

const UPGRADE = {
  Connection: "Upgrade",
  Upgrade: "websocket",
  "Sec-WebSocket-Version": "13",
  "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
  "Sec-WebSocket-Protocol": "graphql-transport-ws",
};

const JOBS = `
[newsletter]
every = 1 week
command = echo sent
`;

/** A graphql-ws client whose WebSocket sends `origin` (Bun's WebSocket takes headers). */
function wsClient(url: string, origin: string) {
  class WithOrigin extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, { headers: { origin }, protocols } as never);
    }
  }
  return createClient({ url: url.replace("http", "ws") + "/graphql", webSocketImpl: WithOrigin, retryAttempts: 0, lazy: true });
}

/** The first whole log line (newline read too) holding `text`; waits up to 3 s for it. */
async function logLine(service: Service, text: string): Promise<string> {
  for (let waited = 0; waited < 3000; waited += 25) {
    const whole = service.log().slice(0, service.log().lastIndexOf("\n"));
    const line = whole.split("\n").find((l) => l.includes(text));
    if (line) return line;
    await Bun.sleep(25);
  }
  throw new Error(`no log line with ${JSON.stringify(text)}:\n${service.log()}`);
}

async function isActive(service: Service): Promise<boolean> {
  const { data } = await service.gql(`{ job(label: "newsletter") { active } }`);
  return data!.job.active;
}

describe("the compiled binary without --tokens (loopback, every client admin)", () => {
  let project: Project;
  let service: Service;
  let port: number;
  beforeAll(async () => {
    project = writeProject(JOBS);
    service = await startService(project.dir, ["--config", project.configPath]);
    port = Number(new URL(service.url!).port);
  });
  afterAll(async () => {
    await service?.stop();
    project?.cleanup();
  });

  test("a WebSocket upgrade with Origin: http://evil.example is refused with 403 and logged", async () => {
    const r = await raw(port, "GET", "/graphql", { Host: `127.0.0.1:${port}`, Origin: "http://evil.example", ...UPGRADE });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toEqual({
      errors: [{ message: `cross-origin WebSocket refused: Origin "http://evil.example" is not http://127.0.0.1:${port}; set --public-url if browsers reach tickd at another address`, extensions: { code: "FORBIDDEN" } }],
    });
    const line = await logLine(service, "WS /graphql 403");
    expect(JSON.parse(line)).toMatchObject({ level: "warn", event: "api", message: expect.stringContaining('Origin "http://evil.example"') });
  });

  test("so a page on another origin cannot deactivate a job over WebSocket", async () => {
    const client = wsClient(service.url!, "http://evil.example");
    const outcome = await new Promise<string>((resolve) => {
      client.subscribe({ query: `mutation { deactivateJob(label: "newsletter") { active } }` }, { next: () => resolve("executed"), error: () => resolve("refused"), complete: () => {} });
    });
    await client.dispose();
    expect(outcome).toBe("refused");
    expect(await isActive(service)).toBe(true);
  });

  test("a WebSocket from the served origin is upgraded, and a mutation and a subscription work over it", async () => {
    const r = await raw(port, "GET", "/graphql", { Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port}`, ...UPGRADE });
    expect(r.status).toBe(101);

    const client = wsClient(service.url!, `http://127.0.0.1:${port}`);
    try {
      const changes = client.iterate<{ jobChanged: { label: string; job: { active: boolean } } }>({ query: `subscription { jobChanged { label job { active } } }` });
      const first = changes.next();
      await Bun.sleep(100);
      const done = await within(2000, client.iterate<{ deactivateJob: { active: boolean } }>({ query: `mutation { deactivateJob(label: "newsletter") { active } }` }).next(), "deactivateJob over ws");
      expect(done.value!.data!.deactivateJob.active).toBe(false);
      const seen = await within(2000, first, "jobChanged over ws");
      expect(seen.value!.data!.jobChanged).toEqual({ label: "newsletter", job: { active: false } });
      await changes.return?.();
      expect(await isActive(service)).toBe(false);
      await client.iterate({ query: `mutation { activateJob(label: "newsletter") { active } }` }).next();
    } finally {
      await client.dispose();
    }
    expect(await isActive(service)).toBe(true);
  });

  test.each(["/healthz", "/metrics", "/", "/graphql?query=%7Bjobs%7BtotalCount%7D%7D"])("a request with Host: evil.example:PORT for %s is refused with 403", async (path) => {
    const r = await raw(port, "GET", path, { Host: `evil.example:${port}` });
    expect(r.status).toBe(403);
    // GraphQL paths answer a GraphQL error, the others plain text.
    const message = path.startsWith("/graphql") ? JSON.parse(r.body).errors[0].message : r.body;
    expect(message).toStartWith(`Host "evil.example:${port}" refused (DNS rebinding?)`);
    expect(r.body).not.toContain("totalCount");
  });

  test("a POST mutation with a foreign Host is refused and changes nothing", async () => {
    const body = JSON.stringify({ query: `mutation { deactivateJob(label: "newsletter") { active } }` });
    const r = await raw(port, "POST", "/graphql", { Host: `evil.example:${port}`, "Content-Type": "application/json", "X-Tickd-Csrf": "1" }, body);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).errors[0].extensions.code).toBe("FORBIDDEN");
    expect(await isActive(service)).toBe(true);
  });

  test("a POST mutation from another origin is refused even with the CSRF header, and changes nothing", async () => {
    const body = JSON.stringify({ query: `mutation { deactivateJob(label: "newsletter") { active } }` });
    const r = await raw(port, "POST", "/graphql", { Host: `127.0.0.1:${port}`, Origin: "http://evil.example", "Content-Type": "application/json", "X-Tickd-Csrf": "1" }, body);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).errors[0].message).toStartWith("cross-origin POST request refused");
    expect(await isActive(service)).toBe(true);
  });

  test.each(["127.0.0.1", "localhost", "127.0.0.5"])("Host %s (with and without the port) is answered", async (name) => {
    for (const host of [`${name}:${port}`, name]) {
      const r = await raw(port, "GET", "/healthz", { Host: host });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body).status).toBe("ok");
    }
  });

  test("a POST from the served origin works", async () => {
    const body = JSON.stringify({ query: `{ job(label: "newsletter") { active } }` });
    const r = await raw(port, "POST", "/graphql", { Host: `localhost:${port}`, Origin: `http://localhost:${port}`, "Content-Type": "application/json" }, body);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ data: { job: { active: true } } });
  });
});

describe("the compiled binary with --public-url https://tickd.example.com (behind a proxy)", () => {
  let project: Project;
  let service: Service;
  let port: number;
  beforeAll(async () => {
    project = writeProject(JOBS);
    service = await startService(project.dir, ["--config", project.configPath, "--public-url", "https://tickd.example.com"]);
    port = Number(new URL(service.url!).port);
  });
  afterAll(async () => {
    await service?.stop();
    project?.cleanup();
  });

  test("the public host is answered and a WebSocket from the public origin is upgraded", async () => {
    expect((await raw(port, "GET", "/healthz", { Host: "tickd.example.com" })).status).toBe(200);
    expect((await raw(port, "GET", "/graphql", { Host: "tickd.example.com", Origin: "https://tickd.example.com", ...UPGRADE })).status).toBe(101);
    // A proxy that forwards to 127.0.0.1 without passing Host on.
    expect((await raw(port, "GET", "/graphql", { Host: `127.0.0.1:${port}`, Origin: "https://tickd.example.com", ...UPGRADE })).status).toBe(101);
  });

  test("a mutation from the public origin works; other hosts and origins stay refused", async () => {
    const client = wsClient(service.url!, "https://tickd.example.com");
    try {
      const done = await client.iterate<{ runJobNow: { label: string } }>({ query: `mutation { runJobNow(label: "newsletter") { label } }` }).next();
      expect(done.value!.data!.runJobNow.label).toBe("newsletter");
    } finally {
      await client.dispose();
    }
    expect((await raw(port, "GET", "/healthz", { Host: `evil.example:${port}` })).status).toBe(403);
    expect((await raw(port, "GET", "/graphql", { Host: "tickd.example.com", Origin: "http://evil.example", ...UPGRADE })).status).toBe(403);
  });
});

test("tickd run refuses a --public-url that is not an http(s) URL, before starting", async () => {
  const r = await tickd(["run", "--public-url", "ftp://tickd.example.com", "--config", "/nonexistent/scheduler.ini"]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--public-url: "ftp://tickd.example.com" is not an http:// or https:// URL');
});
