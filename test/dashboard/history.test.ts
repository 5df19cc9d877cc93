/**
 * Issue 16, "History as a picture", in chromium against the compiled binary:
 * the job table's strip of recent runs, the job panel's duration chart (each
 * run a point, p50/p95 lines from the roll-ups) and success rate per day, and
 * the run lists' filters and pages, each checked against what the API says.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import path from "node:path";
import { createClient } from "@libsql/client";
import type { Browser, Page } from "playwright-core";
import { BINARY } from "../helpers/binary.ts";
import { eventually, freePort, graphql, launchBrowser, openPage, project, startTickd, type Instance, type Project } from "./harness.ts";

const DAY = 86_400_000;
const TODAY = Math.floor(Date.now() / DAY) * DAY;
const at = (daysAgo: number, minute = 0) => TODAY - daysAgo * DAY + 10 * 3_600_000 + minute * 60_000;

let proj: Project;
let tickd: Instance;
let browser: Browser;
let page: Page;

/** disk check: failure, success, failure, success, failure (oldest first), 5..1 days ago. */
const DISK = ["failure", "success", "failure", "success", "failure"];

beforeAll(async () => {
  proj = project();
  expect(Bun.spawnSync([BINARY, "migrate", "--config", proj.config]).exitCode).toBe(0);
  const rows: (string | number)[][] = [];
  DISK.forEach((status, i) => rows.push([`disk-${i}`, "disk check", at(5 - i), at(5 - i) + 200, status, status === "failure" ? "disk 97% full on /var" : "disk fine", "schedule"]));
  // newsletter: 3 runs a day over 10 days, durations 100, 200, 300 ms; one manual run.
  for (let d = 10; d >= 1; d--) for (let i = 0; i < 3; i++) rows.push([`news-${d}-${i}`, "newsletter", at(d, i), at(d, i) + (i + 1) * 100, "success", "sent to subscribers", d === 1 && i === 2 ? "manual" : "schedule"]);
  const db = createClient({ url: `file:${path.join(path.dirname(proj.config), "scheduler.db")}` });
  await db.batch(
    rows.map((r) => ({ sql: "INSERT INTO activity (run_id, label, started_at, scheduled_for, ended_at, status, message, trigger, instance) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'seed')", args: [r[0]!, r[1]!, r[2]!, r[2]!, r[3]!, r[4]!, r[5]!, r[6]!] })),
    "write",
  );
  db.close();
  tickd = await startTickd(proj, await freePort());
  browser = await launchBrowser();
  ({ page } = await openPage(browser, `${tickd.url}/`));
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await tickd?.stop();
  proj?.cleanup();
});

describe("history as a picture", () => {
  test("the job table shows each job's last runs as a strip of ticks coloured by status, oldest left", async () => {
    const strip = page.locator('tr[data-label="disk check"] .strip');
    await eventually(() => strip.locator(".tick").count(), (n) => expect(n).toBe(5));
    const statuses = await strip.locator(".tick").evaluateAll((ticks) => ticks.map((t) => (t as HTMLElement).dataset.status));
    expect(statuses).toEqual(DISK.map((s) => s.toUpperCase()));
    expect(await strip.getAttribute("aria-label")).toBe("Last 5 runs: 3 failure, 2 success");
    // A failing tick is drawn red, a success green: the colours differ.
    const colours = await strip.locator(".tick").evaluateAll((ticks) => ticks.map((t) => window.getComputedStyle(t).getPropertyValue("background-color")));
    expect(colours[0]).toMatch(/^rgb/);
    expect(colours[0]).not.toBe(colours[1]);
    expect(await page.locator('tr[data-label="nightly backup"] .strip').getAttribute("aria-label")).toBe("No runs yet");
  });

  test("a run started from the page joins the strip at the right end", async () => {
    await page.locator('tr[data-label="disk check"] button.run').click();
    const strip = page.locator('tr[data-label="disk check"] .strip .tick');
    await eventually(() => strip.count(), (n) => expect(n).toBe(6));
    expect(await strip.last().getAttribute("data-status")).toBe("FAILURE");
  });

  test("the job panel draws each run as a point and the daily p50/p95 from the roll-ups", async () => {
    await page.locator('tr[data-label="newsletter"] button.link').click();
    const chart = page.locator("#job-dialog .duration-chart");
    await eventually(() => chart.locator("circle.point").count(), (n) => expect(n).toBe(30));
    const api = await graphql<{ job: { rollups: { p50Ms: number; p95Ms: number }[] } }>(tickd.url, `{ job(label: "newsletter") { rollups { p50Ms p95Ms } } }`);
    expect(api.job.rollups.map((d) => [d.p50Ms, d.p95Ms])).toEqual(Array(10).fill([200, 300]));
    const p50 = (await chart.locator("polyline.p50").getAttribute("points"))!.split(" ");
    const p95 = (await chart.locator("polyline.p95").getAttribute("points"))!.split(" ");
    expect([p50.length, p95.length]).toEqual([10, 10]);
    // p95 (300 ms) is drawn above p50 (200 ms): a smaller y.
    expect(Number(p95[0]!.split(",")[1])).toBeLessThan(Number(p50[0]!.split(",")[1]));
    const bars = page.locator("#job-dialog .success-chart rect.bar");
    expect(await bars.count()).toBe(10);
  });

  test("the panel's run list filters by trigger and pages back to older runs", async () => {
    const list = page.locator("#job-dialog .run-list");
    await eventually(() => list.locator("tbody tr").count(), (n) => expect(n).toBe(25));
    expect(await list.locator(".run-count").textContent()).toBe("25 of 30 runs");
    await list.locator("button.more").click();
    await eventually(() => list.locator("tbody tr").count(), (n) => expect(n).toBe(30));
    expect(await list.locator("button.more").isHidden()).toBe(true);
    await list.locator('select[name="trigger"]').selectOption("MANUAL");
    await eventually(() => list.locator("tbody tr").count(), (n) => expect(n).toBe(1));
    expect(await list.locator("tbody tr small").textContent()).toBe(" manual");
    await page.locator("#job-dialog [data-close]").click();
  });

  test("the run history page filters across jobs by status, job and a search in messages", async () => {
    const history = page.locator("#history .run-list");
    await history.locator('select[name="status"]').selectOption("FAILURE");
    await eventually(() => history.locator("tbody tr").count(), (n) => expect(n).toBe(4));
    const labels = await history.locator("tbody tr td:nth-child(2)").allTextContents();
    expect(new Set(labels)).toEqual(new Set(["disk check"]));
    await history.locator('select[name="status"]').selectOption("");
    await history.locator('input[name="search"]').fill("SUBSCRIBERS");
    await history.locator('input[name="search"]').press("Enter");
    await eventually(() => history.locator(".run-count").textContent(), (t) => expect(t).toBe("25 of 30 runs"));
    await history.locator('input[name="search"]').fill("");
    await history.locator('input[name="label"]').fill("disk check");
    await history.locator('input[name="label"]').press("Enter");
    await eventually(() => history.locator(".run-count").textContent(), (t) => expect(t).toBe("6 of 6 runs"));
  });
});
