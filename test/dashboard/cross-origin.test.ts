/**
 * Issue 12, item 6, in a real browser: a page served from another origin
 * (a second HTTP server on another loopback port, as any website could be)
 * whose script tries to drive a token-less tickd on 127.0.0.1 — a WebSocket
 * running deactivateJob (browsers apply no CORS to WebSockets) and a no-cors
 * POST — and a DNS-rebound name (evil.example mapped to 127.0.0.1 in
 * Chromium's resolver) loading the API. All are refused, the jobs stay
 * active; the dashboard tickd serves itself still works over its WebSocket.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chromium, type Browser } from "playwright-core";
import { CHROMIUM_ARGS, eventually, freePort, graphql, openPage, project, startTickd, type Instance, type Project } from "./harness.ts";

/** What the attacker's page does; its result lands in window.attack. */
const ATTACK = (api: string) => `<!doctype html><title>innocent page</title><script type="module">
const api = ${JSON.stringify(api)};
const out = {};
out.ws = await new Promise((resolve) => {
  const events = [];
  const ws = new WebSocket(api.replace("http", "ws") + "/graphql", "graphql-transport-ws");
  ws.onopen = () => { events.push("open"); ws.send(JSON.stringify({ type: "connection_init", payload: {} })); };
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    events.push(msg.type);
    if (msg.type === "connection_ack") ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: 'mutation { deactivateJob(label: "newsletter") { active } }' } }));
    if (msg.type === "complete") ws.close();
  };
  ws.onerror = () => events.push("error");
  ws.onclose = (e) => resolve({ events, code: e.code });
});
// A simple request (text/plain, as a form could send); no-cors hides the answer, but it is sent.
const body = JSON.stringify({ query: 'mutation { deactivateJob(label: "disk check") { active } }' });
try {
  const r = await fetch(api + "/graphql", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body });
  out.fetch = r.type;
} catch (e) { out.fetch = "failed: " + e.message; }
// And the same with the JSON type and the CSRF header a no-cors request cannot carry: sent as a preflighted CORS request, it fails.
try {
  await fetch(api + "/graphql", { method: "POST", headers: { "content-type": "application/json", "x-tickd-csrf": "1" }, body });
  out.cors = "read";
} catch (e) { out.cors = "failed"; }
window.attack = out;
</script>`;

let proj: Project;
let tickd: Instance;
let browser: Browser;
let attacker: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  proj = project();
  tickd = await startTickd(proj, await freePort());
  // Another origin on loopback: any site's page, served by a server that is not tickd.
  attacker = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(ATTACK(tickd.url), { headers: { "content-type": "text/html; charset=utf-8" } }) });
  // evil.example resolves to loopback, as after DNS rebinding.
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: [...CHROMIUM_ARGS, "--host-resolver-rules=MAP evil.example 127.0.0.1"] });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  attacker?.stop(true);
  await tickd?.stop();
  proj?.cleanup();
});

async function active(label: string): Promise<boolean> {
  return (await graphql<{ job: { active: boolean } }>(tickd.url, `{ job(label: "${label}") { active } }`, {})).job.active;
}

interface Attack {
  ws: { events: string[]; code: number };
  fetch: string;
  cors: string;
}

// 127.0.0.1 on another port is the same site (Sec-Fetch-Site: same-site), so only the Origin gives it away;
// localhost is another site, and Chromium says so (Sec-Fetch-Site: cross-site) on the POST.
describe.each([
  ["127.0.0.1", "cross-origin POST request refused: Origin"],
  ["localhost", "cross-site POST request refused (Sec-Fetch-Site: cross-site)"],
])("a page on http://%s:OTHERPORT (another origin) trying to drive tickd on 127.0.0.1", (name, postRefusal) => {
  test("cannot open the WebSocket nor deactivate a job; the no-cors POST is refused for its Origin", async () => {
    const page = await browser.newPage();
    try {
      const before = tickd.log().length;
      await page.goto(`http://${name}:${attacker.port}/`);
      await page.waitForFunction(() => (window as unknown as { attack?: unknown }).attack !== undefined, undefined, { timeout: 8000 });
      const attack = (await page.evaluate(() => (window as unknown as { attack: unknown }).attack)) as Attack;
      // The handshake is refused: no open, no connection_ack; the browser reports an abnormal close.
      expect(attack.ws).toEqual({ events: ["error"], code: 1006 });
      expect(attack.fetch).toBe("opaque");
      expect(attack.cors).toBe("failed");
      expect(await active("newsletter")).toBe(true);
      expect(await active("disk check")).toBe(true);
      // Refused by the Origin check itself (not only by CSRF prevention), each in one log line.
      const origin = `Origin \\"http://${name}:${attacker.port}\\"`;
      const log = await eventually(
        async () => tickd.log().slice(before),
        (text) => {
          expect(text).toContain(`WS /graphql 403 cross-origin WebSocket refused: ${origin}`);
          expect(text).toContain(`POST /graphql 403 ${postRefusal}`);
        },
      );
      expect(log).not.toContain("deactivateJob");
    } finally {
      await page.close();
    }
  }, 20_000);
});

test("a DNS-rebound name (evil.example -> 127.0.0.1) gets 403 for the dashboard and the API", async () => {
  const page = await browser.newPage();
  try {
    const dashboard = await page.goto(`http://evil.example:${tickd.port}/`);
    expect(dashboard?.status()).toBe(403);
    expect(await page.textContent("body")).toContain(`Host "evil.example:${tickd.port}" refused (DNS rebinding?)`);
    const api = await page.goto(`http://evil.example:${tickd.port}/graphql?query=${encodeURIComponent("{ jobs { totalCount } }")}`);
    expect(api?.status()).toBe(403);
    expect(await page.textContent("body")).not.toContain("totalCount");
  } finally {
    await page.close();
  }
}, 20_000);

describe.each(["127.0.0.1", "localhost"])("the dashboard tickd serves itself at http://%s:PORT", (name) => {
  test("is live over its WebSocket and switches a job off and on", async () => {
    const { page, problems } = await openPage(browser, `http://${name}:${tickd.port}/`);
    try {
      await eventually(() => page.locator("#conn").getAttribute("data-state"), (v) => expect(v).toBe("live"), 10_000);
      expect(await page.locator("#conn").getAttribute("data-transport")).toBe("ws");
      const was = await active("newsletter");
      const toggle = page.getByRole("switch", { name: "Active: newsletter" });
      await toggle.click();
      await eventually(() => active("newsletter"), (v) => expect(v).toBe(!was));
      await toggle.click();
      await eventually(() => active("newsletter"), (v) => expect(v).toBe(was));
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  }, 20_000);
});
