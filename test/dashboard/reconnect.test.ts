/**
 * The server goes away under an open page (stopped, started again on the same
 * port with the same database): the page says so, reconnects by itself,
 * reloads what it missed, and is live again.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { tickd as cli } from "../helpers/binary.ts";
import { eventually, freePort, graphql, launchBrowser, openPage, project, startTickd, type Instance, type Project } from "./harness.ts";

let proj: Project;
let tickd: Instance;
let browser: Browser;

beforeAll(async () => {
  proj = project();
  browser = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await tickd?.stop();
  proj?.cleanup();
});

// The page subscribes over one WebSocket; SSE is its fallback (forced here with ?transport=sse).
describe.each(["ws", "sse"])("the dashboard (subscriptions over %s) when the server restarts", (transport) => {
  test("shows the connection lost, reconnects once the server is back, and shows runs live again", async () => {
    const port = await freePort();
    tickd = await startTickd(proj, port);
    const { page, problems } = await openPage(browser, `${tickd.url}/${transport === "sse" ? "?transport=sse" : ""}`);
    const conn = page.locator("#conn-text");
    await eventually(() => conn.textContent(), (v) => expect(v).toBe("Live"), 10_000);
    expect(await page.locator("#conn").getAttribute("data-transport")).toBe(transport);
    await eventually(() => page.locator("#jobs-body tr").count(), (v) => expect(v).toBe(3));

    await tickd.stop();
    await eventually(() => conn.textContent(), (v) => expect(v).toMatch(/^Connection lost — reconnecting/), 10_000);
    expect(await page.locator("#conn").getAttribute("data-state")).toBe("lost");
    // On screen with the seconds to the next attempt; the status region itself holds only the words.
    expect(await page.locator("#conn").innerText()).toMatch(/^Connection lost — reconnecting( in \d+s)?…/);
    expect(await page.getByRole("status").filter({ hasText: "Connection lost" }).textContent()).toBe("Connection lost — reconnecting");

    // While it is down, a run is recorded (tickd run-job) that the page cannot hear about...
    const runJob = await cli(["run-job", "disk check", "--config", proj.config], { cwd: proj.dir, env: { TZ: "UTC" } });
    expect(runJob.code).toBe(1);
    tickd = await startTickd(proj, port);
    const latest = await graphql<{ runs: { nodes: { runId: string; label: string }[] } }>(tickd.url, `{ runs(first: 1) { nodes { runId label } } }`);
    const missed = latest.runs.nodes[0]!;
    expect(missed.label).toBe("disk check");
    // ...so on reconnecting the page reloads, and the run is there.
    await eventually(() => conn.textContent(), (v) => expect(v).toBe("Live"), 15_000);
    await eventually(() => page.locator(`#feed > li[data-run-id="${missed.runId}"] .item-msg`).textContent(), (v) => expect(v).toBe("disk 97% full on /var"), 5000);

    // And it is live: a new run arrives through the fresh subscription.
    const live = await graphql<{ runJobNow: { runId: string } }>(tickd.url, `mutation { runJobNow(label: "newsletter") { runId } }`);
    await eventually(() => page.locator("#feed > li").first().getAttribute("data-run-id"), (v) => expect(v).toBe(live.runJobNow.runId), 5000);
    expect(await page.locator("#feed > li").first().locator(".item-msg").textContent()).toBe("sent to subscribers");
    expect(await page.locator("#conn").getAttribute("data-transport")).toBe(transport);
    expect(problems).toEqual([]);
    await page.close();
    await tickd.stop();
  }, 60_000);
});

describe("the dashboard behind a proxy that drops WebSockets", () => {
  test("falls back to SSE by itself and is live", async () => {
    tickd = await startTickd(proj, await freePort());
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Every WebSocket is refused, as by a proxy that does not pass the upgrade; plain HTTP still works.
    await page.routeWebSocket(/\/graphql$/, (ws) => ws.close({ code: 1006, reason: "blocked" }));
    await page.goto(`${tickd.url}/`);
    await eventually(() => page.locator("#conn-text").textContent(), (v) => expect(v).toBe("Live"), 15_000);
    expect(await page.locator("#conn").getAttribute("data-transport")).toBe("sse");
    const run = await graphql<{ runJobNow: { runId: string } }>(tickd.url, `mutation { runJobNow(label: "newsletter") { runId } }`);
    await eventually(() => page.locator("#feed > li").first().getAttribute("data-run-id"), (v) => expect(v).toBe(run.runJobNow.runId), 5000);
    await page.close();
    await tickd.stop();
  }, 30_000);
});
