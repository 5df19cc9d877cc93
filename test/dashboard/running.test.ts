/**
 * A run going on shows in its row (from the runStarted subscription) until
 * its result arrives, without the row changing height.
 */
import { describe, expect, test } from "bun:test";
import { eventually, graphql, dashboardSuite, openPage, project } from "./harness.ts";

const suite = dashboardSuite(() => {
  return { proj: project({}, "\n[report]\ncall = app.jobs.slow\nevery = 6 hours\n") };
});

describe("a run going on", () => {
  test("shows as running in its row, started by another client, then as its result", async () => {
    const { page, problems } = await openPage(suite.browser, `${suite.tickd.url}/`);
    await eventually(() => page.locator("#conn-text").textContent(), (v) => expect(v).toBe("Live"), 10_000);
    const row = page.locator('tr[data-label="report"]');
    await eventually(() => row.locator(".last").innerText(), (v) => expect(v).toBe("never ran"));
    const height = (await row.boundingBox())!.height;

    // The page reads the job table again soon after a run starts: that answer names the run going on as the job's latest.
    const reread = page.waitForResponse(async (r) => r.url().endsWith("/graphql") && (r.request().postData() ?? "").includes("query Jobs") && (await r.text()).includes('"status":"RUNNING"'), { timeout: 10_000 });
    const finished = graphql<{ runJobNow: { status: string } }>(suite.tickd.url, `mutation { runJobNow(label: "report") { status } }`);
    await eventually(() => row.locator(".badge").textContent(), (v) => expect(v).toBe("running"), 3500);
    expect(await row.locator(".ago").textContent()).toMatch(/^started \ds ago$/);
    expect(await row.locator(".msg").textContent()).toBe("first run");
    expect((await row.boundingBox())!.height).toBe(height);
    // Still the run going on, and still no earlier run to speak of (not "last: running").
    await reread;
    await Bun.sleep(100);
    expect(await row.locator(".badge").textContent()).toBe("running");
    expect(await row.locator(".msg").textContent()).toBe("first run");

    expect((await finished).runJobNow.status).toBe("SUCCESS");
    await eventually(() => row.locator(".badge").textContent(), (v) => expect(v).toBe("success"), 2000);
    expect(await row.locator(".msg").textContent()).toBe("slow and steady");
    expect((await row.boundingBox())!.height).toBe(height);
    expect(problems).toEqual([]);
  }, 20_000);
});
