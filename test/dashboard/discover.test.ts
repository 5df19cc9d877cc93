/**
 * Discovery from the dashboard: an instance started with --apps offers
 * "Discover jobs" to the admin; the jobs an app registers appear in the table
 * at once, marked as discovered.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eventually, graphql, dashboardSuite, openPage, project } from "./harness.ts";

const SHOP = `
import { Result, STATUS, schedule } from "tickd";

/** Cancels carts left for a day. */
export function expire_carts() {
  return Result(STATUS.success, { message: "3 carts expired" });
}

schedule.register("shop", expire_carts, { every: "hour", active: true });
`;

const suite = dashboardSuite(() => {
  const proj = project();
  mkdirSync(path.join(proj.dir, "apps", "shop"), { recursive: true });
  writeFileSync(path.join(proj.dir, "apps", "shop", "scheduler.ts"), SHOP);
  return { proj, args: ["--apps", "apps/shop"] };
});

describe("discovering jobs from the dashboard", () => {
  test("adds the app's jobs to the table, marked discovered, and the API lists them", async () => {
    const { page, problems } = await openPage(suite.browser, `${suite.tickd.url}/`);
    await eventually(() => page.locator("#jobs-body tr").count(), (v) => expect(v).toBe(3), 10_000);
    await eventually(() => page.getByRole("button", { name: "Discover jobs" }).isVisible(), (v) => expect(v).toBe(true));
    await page.getByRole("button", { name: "Discover jobs" }).click();
    await eventually(() => page.locator("#toast").textContent(), (v) => expect(v).toMatch(/^Discovery done: added \S+/));
    await eventually(() => page.locator("#jobs-body tr").count(), (v) => expect(v).toBe(4));
    const api = await graphql<{ jobs: { edges: { node: { label: string; active: boolean } }[] } }>(suite.tickd.url, `{ jobs(filter: { source: DISCOVERED }) { edges { node { label active } } } }`);
    expect(api.jobs.edges).toHaveLength(1);
    const { label, active } = api.jobs.edges[0]!.node;
    expect(active).toBe(true);
    const row = page.locator(`tr[data-label="${label}"]`);
    expect(await row.locator(".tag").textContent()).toBe("discovered");
    expect(await row.locator(".schedule").textContent()).toBe("every hour");
    expect(await page.locator("#toast").textContent()).toBe(`Discovery done: added ${label}`);

    // The admin changes when the discovered job runs, from its panel; a typo is refused with the API's message.
    await row.getByRole("button", { name: label, exact: true }).click();
    const dialog = page.getByRole("dialog", { name: label });
    await dialog.getByText("Change the schedule").click();
    const every = dialog.getByLabel("Every");
    await every.fill("10 minuets");
    await dialog.getByRole("button", { name: "Save schedule" }).click();
    await eventually(() => dialog.getByRole("alert").textContent(), (v) => expect(v).toContain("minuets"));
    await dialog.getByLabel("Every").fill("30 minutes");
    await dialog.getByRole("button", { name: "Save schedule" }).click();
    await eventually(() => row.locator(".schedule").textContent(), (v) => expect(v).toBe("every 30 minutes"));
    const after = await graphql<{ job: { schedule: { every: string } } }>(suite.tickd.url, `query ($l: String!) { job(label: $l) { schedule { every } } }`, { l: label });
    expect(after.job.schedule.every).toBe("30 minutes");
    await page.keyboard.press("Escape");
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);
});
