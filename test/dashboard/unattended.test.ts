/**
 * Issue 15, the dashboard's part: failing, slow and missed jobs stand out in
 * the job table (a class and a word, not only colour); a job's panel shows
 * its alert history; the page says when a notification channel is failing.
 * The alerts go to a webhook nobody listens on, so every delivery fails.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import path from "node:path";
import { createClient } from "@libsql/client";
import type { Browser } from "playwright-core";
import { tickd as cli } from "../helpers/binary.ts";
import { eventually, freePort, graphql, launchBrowser, openPage, project, startTickd, type Instance, type Project } from "./harness.ts";

const EXTRA = `
[slow report]
call = app.jobs.slow
every = 6 hours
warn_after = 1 second

[sync]
command = true
every = 6 hours
grace = 1 minute
`;

let proj: Project;
let instance: Instance;
let browser: Browser;
let hook: string;

beforeAll(async () => {
  proj = project({}, EXTRA);
  // A missed record ten minutes ago, as a restart after downtime leaves one (seeded: the test cannot wait out a gap).
  expect((await cli(["migrate", "--config", proj.config])).code).toBe(0);
  const db = createClient({ url: `file:${path.join(proj.dir, "config", "scheduler.db")}` });
  const at = Date.now() - 10 * 60_000;
  await db.execute({
    sql: "INSERT INTO activity (run_id, label, scheduled_for, started_at, ended_at, status, message, instance) VALUES (?, 'sync', ?, ?, ?, 'missed', 'missed 1 occurrence', 'earlier')",
    args: ["seed:sync:missed", at - 120_000, at, at],
  });
  db.close();
  hook = `http://127.0.0.1:${await freePort()}/hook`;
  instance = await startTickd(proj, await freePort(), ["--notify", hook]);
  browser = await launchBrowser();
  // A failing run raises an alert; its first delivery fails at once (nothing listens).
  await graphql(instance.url, `mutation { runJobNow(label: "disk check") { status } }`);
  await eventually(
    () => graphql<{ notificationChannels: { failing: boolean }[] }>(instance.url, `{ notificationChannels { failing } }`),
    (v) => expect(v.notificationChannels.some((c) => c.failing)).toBe(true),
    10_000,
  );
}, 40_000);

afterAll(async () => {
  await browser?.close();
  await instance?.stop();
  proj?.cleanup();
});

describe("what needs attention stands out", () => {
  test("a failing job and a job that missed an occurrence are marked in the table with a class and a word; a healthy one is not", async () => {
    const { page, problems } = await openPage(browser, `${instance.url}/`);
    const disk = page.locator('tr[data-label="disk check"]');
    await eventually(() => disk.getAttribute("class"), (v) => expect(v?.split(" ")).toContain("failing"), 10_000);
    expect(await disk.locator(".tag-failing").textContent()).toBe("failing");
    const sync = page.locator('tr[data-label="sync"]');
    expect((await sync.getAttribute("class"))?.split(" ")).toContain("missed");
    expect(await sync.locator(".tag-missed").textContent()).toBe("missed");
    // The missed record counts in the streak too (as tickd_job_consecutive_failures does).
    expect(await sync.locator(".tag-failing").textContent()).toBe("failing");
    const healthy = page.locator('tr[data-label="newsletter"]');
    expect(await healthy.locator(".tag-flag").count()).toBe(0);
    expect((await healthy.getAttribute("class"))?.split(" ") ?? []).not.toContain("failing");

    // A second failure in a row: the word says how many.
    await graphql(instance.url, `mutation { runJobNow(label: "disk check") { status } }`);
    await eventually(() => disk.locator(".tag-failing").textContent(), (v) => expect(v).toBe("failing ×2"), 5000);
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);

  test("a run going on past its warn_after turns its row slow while it runs, and back when it ends", async () => {
    const { page, problems } = await openPage(browser, `${instance.url}/`);
    const row = page.locator('tr[data-label="slow report"]');
    await eventually(() => row.locator(".last").innerText(), (v) => expect(v).toBe("never ran"), 10_000);
    const finished = graphql(instance.url, `mutation { runJobNow(label: "slow report") { status } }`);
    await eventually(() => row.locator(".badge").textContent(), (v) => expect(v).toBe("running"), 3000);
    await eventually(() => row.locator(".tag-slow").textContent(), (v) => expect(v).toBe("slow"), 3500);
    expect((await row.getAttribute("class"))?.split(" ")).toContain("slow");
    await finished;
    await eventually(() => row.locator(".tag-slow").count(), (v) => expect(v).toBe(0), 4000);
    expect((await row.getAttribute("class"))?.split(" ")).not.toContain("slow");
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);

  test("a job's panel lists the alerts it raised, with the channel (redacted) and how delivery went", async () => {
    const { page, problems } = await openPage(browser, `${instance.url}/`);
    await page.locator('tr[data-label="disk check"]').getByRole("button", { name: "disk check", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "disk check" });
    const rows = dialog.locator("table.alerts tbody tr");
    await eventually(() => rows.count(), (v) => expect(v).toBeGreaterThan(0), 5000);
    const first = await rows.first().locator("td").allInnerTexts();
    expect(first[0]).toBe("failure");
    expect(first[2]).toStartWith(`http://127.0.0.1:${new URL(hook).port}`);
    expect(first[3]).toMatch(/attempt/);
    expect(first[3]).toMatch(/refused|connect|fetch|ECONN|Unable/i);
    // A healthy job says it raised none.
    await dialog.getByRole("button", { name: "Close" }).click();
    await page.locator('tr[data-label="newsletter"]').getByRole("button", { name: "newsletter", exact: true }).click();
    await eventually(() => page.getByRole("dialog", { name: "newsletter" }).getByText("No alerts raised.").count(), (v) => expect(v).toBe(1));
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);

  test("the page says a notification channel is failing, naming it and its last error", async () => {
    const { page, problems } = await openPage(browser, `${instance.url}/`);
    const banner = page.locator("#channels");
    await eventually(() => banner.isVisible(), (v) => expect(v).toBe(true), 5000);
    expect(await banner.getByRole("heading").textContent()).toBe("Alerts are not getting through");
    const item = await banner.locator("li").first().innerText();
    expect(item).toStartWith(`http://127.0.0.1:${new URL(hook).port}`);
    expect(item).toMatch(/failed attempt\(s\) in a row: /);
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);
});
