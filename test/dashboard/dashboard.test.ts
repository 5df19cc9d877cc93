/**
 * The dashboard served by the compiled binary at `/`, driven in headless
 * chromium as an operator would use it. Every check the page makes visible
 * is cross-checked against the GraphQL API where the API is the truth.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { eventually, freePort, lowContrast, graphql, launchBrowser, openPage, project, startTickd, type Instance, type Project } from "./harness.ts";

let proj: Project;
let tickd: Instance;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  proj = project();
  tickd = await startTickd(proj, await freePort());
  browser = await launchBrowser();
  ({ page, problems } = await openPage(browser, `${tickd.url}/`));
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await tickd?.stop();
  proj?.cleanup();
});

const row = (label: string) => page.locator(`tr[data-label="${label}"]`);
const feedItems = () => page.locator("#feed > li");

describe("the dashboard at /", () => {
  test("is served as one self-contained page with a strict content security policy", async () => {
    const response = await fetch(`${tickd.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await response.text();
    // Nothing is fetched from another origin.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const again = await fetch(`${tickd.url}/`, { headers: { "if-none-match": response.headers.get("etag")! } });
    expect(again.status).toBe(304);
    expect((await fetch(`${tickd.url}/no-such-page`)).status).toBe(404);
  });

  test("lists every job with its schedule in words, a live countdown and the active switch, and says it is live", async () => {
    await eventually(() => page.locator("#conn-text").textContent(), (v) => expect(v).toBe("Live"), 10_000);
    await eventually(() => page.locator("#jobs-body tr").count(), (v) => expect(v).toBe(3));
    expect(await row("newsletter").locator(".schedule").textContent()).toBe("every monday at 09:00 (UTC)");
    expect(await row("disk check").locator(".schedule").textContent()).toBe("every 6 hours");
    const countdown = row("disk check").locator(".countdown");
    expect(await countdown.textContent()).toMatch(/^in 5h 59m$|^in 6h 00m$/);
    expect(await row("nightly backup").locator(".countdown").textContent()).toBe("paused");
    expect(await page.getByRole("switch", { name: "Active: newsletter" }).getAttribute("aria-checked")).toBe("true");
    expect(await page.getByRole("switch", { name: "Active: nightly backup" }).getAttribute("aria-checked")).toBe("false");
    expect(await page.locator("#instance").textContent()).toContain("zone UTC");
    expect(problems).toEqual([]);
  }, 20_000);

  test("switching a job off in the page deactivates it in the API, and on again activates it", async () => {
    const toggle = page.getByRole("switch", { name: "Active: disk check" });
    await toggle.click();
    await eventually(() => toggle.getAttribute("aria-checked"), (v) => expect(v).toBe("false"));
    const off = await graphql<{ job: { active: boolean; nextRunAt: string | null } }>(tickd.url, `{ job(label: "disk check") { active nextRunAt } }`);
    expect(off.job).toEqual({ active: false, nextRunAt: null });
    expect(await row("disk check").locator(".countdown").textContent()).toBe("paused");

    // Keyboard only: focus the switch and press Space.
    await toggle.focus();
    await page.keyboard.press("Space");
    await eventually(() => toggle.getAttribute("aria-checked"), (v) => expect(v).toBe("true"));
    const on = await graphql<{ job: { active: boolean } }>(tickd.url, `{ job(label: "disk check") { active } }`);
    expect(on.job.active).toBe(true);
  }, 20_000);

  test("a job switched on elsewhere (another client) shows as on without a reload", async () => {
    await graphql(tickd.url, `mutation { activateJob(label: "nightly backup") { active } }`);
    const toggle = page.getByRole("switch", { name: "Active: nightly backup" });
    await eventually(() => toggle.getAttribute("aria-checked"), (v) => expect(v).toBe("true"), 5000);
    await graphql(tickd.url, `mutation { deactivateJob(label: "nightly backup") { active } }`);
    await eventually(() => toggle.getAttribute("aria-checked"), (v) => expect(v).toBe("false"), 5000);
  }, 15_000);

  test("run now puts the finished run at the top of the feed and in the table, without a reload", async () => {
    const before = await feedItems().count();
    await page.getByRole("button", { name: "Run newsletter now" }).click();
    const top = feedItems().first();
    await eventually(() => top.locator(".link").textContent(), (v) => expect(v).toBe("newsletter"), 10_000);
    expect(await top.locator(".badge").textContent()).toBe("success");
    expect(await top.locator(".item-msg").textContent()).toBe("sent to subscribers");
    expect(await feedItems().count()).toBe(before + 1);
    expect(await row("newsletter").locator(".last .msg").textContent()).toBe("sent to subscribers");
    const api = await graphql<{ runs: { nodes: { label: string; trigger: string }[] } }>(tickd.url, `{ runs(first: 1) { nodes { label trigger } } }`);
    expect(api.runs.nodes[0]!).toEqual({ label: "newsletter", trigger: "MANUAL" });
  }, 20_000);

  test("a run started by another client arrives in the feed through the subscription", async () => {
    const run = await graphql<{ runJobNow: { runId: string } }>(tickd.url, `mutation { runJobNow(label: "newsletter") { runId } }`);
    await eventually(() => feedItems().first().getAttribute("data-run-id"), (v) => expect(v).toBe(run.runJobNow.runId), 5000);
  }, 10_000);

  test("runs streaming in move nothing on the page outside the feed, and every feed row has the same fixed height", async () => {
    const layout = () =>
      page.evaluate(() =>
        [...document.querySelectorAll("header, h2, .section-head, .table-wrap, #jobs-body tr, .feed-box")].map((el) => {
          const r = el.getBoundingClientRect();
          return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""} ${r.x},${r.y} ${r.width}x${r.height}`;
        }),
      );
    const before = await layout();
    const count = await feedItems().count();
    for (const label of ["newsletter", "disk check", "newsletter", "nightly backup"]) await graphql(tickd.url, `mutation { runJobNow(label: "${label}") { runId } }`);
    await eventually(() => feedItems().count(), (v) => expect(v).toBe(count + 4));
    await eventually(() => row("nightly backup").locator(".badge").textContent(), (v) => expect(v).toBe("error"));
    // Its error marks the job failing: the mark takes no room of its own.
    await eventually(() => row("nightly backup").locator(".tag-failing").count(), (v) => expect(v).toBe(1), 5000);
    const rowsHtml = () => page.evaluate(() => [...document.querySelectorAll("#jobs-body tr")].map((tr) => tr.outerHTML).join("\n"));
    expect(await layout(), await rowsHtml()).toEqual(before);
    const heights = await feedItems().evaluateAll((items) => [...new Set(items.map((li) => li.getBoundingClientRect().height))]);
    expect(heights).toHaveLength(1);
  }, 15_000);

  test("a failure stands out in the feed and the table, with its message", async () => {
    await page.getByRole("button", { name: "Run disk check now" }).click();
    const top = feedItems().first();
    await eventually(() => top.locator(".link").textContent(), (v) => expect(v).toBe("disk check"), 10_000);
    expect(await top.locator(".badge").textContent()).toBe("failure");
    expect(await top.locator(".item-msg").textContent()).toBe("disk 97% full on /var");
    expect(await top.getAttribute("class")).toContain("bad");
    const rowClass = await row("disk check").getAttribute("class");
    expect(rowClass).toContain("bad");
    expect(await row("disk check").locator(".badge").textContent()).toBe("failure");
  }, 20_000);

  test.each(["light", "dark"] as const)("every visible text meets WCAG AA contrast (4.5:1) in the %s scheme, badges and failures included", async (scheme) => {
    await eventually(() => page.locator("#feed > li.bad").count(), (v) => expect(v).toBeGreaterThan(0));
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(1700); // let the arrival highlight fade
    expect(await lowContrast(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: "light" });
  }, 10_000);

  test("the job panel shows the description, keyword arguments, next runs and recent runs with output for the admin", async () => {
    await row("newsletter").getByRole("button", { name: "newsletter", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "newsletter" });
    await eventually(() => dialog.locator(".description").textContent(), (v) => expect(v).toBe("Sends the weekly newsletter to every subscriber."), 5000);
    expect(await dialog.locator(".kwargs").innerText()).toMatch(/audience\s+subscribers\s+batch\s+500/);
    expect(await dialog.locator(".next-runs li").count()).toBe(5);
    const runs = dialog.locator("table.runs tbody tr");
    const recorded = await graphql<{ job: { runs: { edges: unknown[] } } }>(tickd.url, `{ job(label: "newsletter") { runs(first: 20) { edges { cursor } } } }`);
    expect(recorded.job.runs.edges.length).toBeGreaterThanOrEqual(2);
    // The recent runs are the panel's second read: they may come a moment after its description.
    await eventually(() => runs.count(), (n) => expect(n).toBe(recorded.job.runs.edges.length), 5000);
    expect(await runs.first().locator(".num").textContent()).toMatch(/^\d+ ms$/);
    await runs.first().getByText("Output").click();
    expect(await runs.first().locator("pre").textContent()).toBe("412 mails queued");

    // The panel's switch works from the keyboard and keeps the focus when the panel re-renders.
    const toggle = dialog.getByRole("switch", { name: "Active: newsletter" });
    await toggle.focus();
    await page.keyboard.press("Space");
    await eventually(() => dialog.getByRole("switch", { name: "Active: newsletter" }).getAttribute("aria-checked"), (v) => expect(v).toBe("false"));
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Active: newsletter");
    await page.keyboard.press("Space");
    await eventually(() => dialog.getByRole("switch", { name: "Active: newsletter" }).getAttribute("aria-checked"), (v) => expect(v).toBe("true"));
    expect((await graphql<{ job: { active: boolean } }>(tickd.url, `{ job(label: "newsletter") { active } }`)).job.active).toBe(true);
    await page.keyboard.press("Escape");
    await eventually(() => dialog.isVisible(), (v) => expect(v).toBe(false));
  }, 15_000);

  test("an error's exception is in the panel for the admin", async () => {
    await page.getByRole("button", { name: "Run nightly backup now" }).click();
    await eventually(() => feedItems().first().locator(".badge").textContent(), (v) => expect(v).toBe("error"), 10_000);
    await row("nightly backup").getByRole("button", { name: "nightly backup", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "nightly backup" });
    await eventually(() => dialog.locator("pre.error").first().textContent(), (v) => expect(v).toContain("backup target unreachable"), 5000);
    await dialog.getByRole("button", { name: "Close" }).click();
  }, 15_000);

  test("export shows the job file preview for the admin", async () => {
    await page.getByRole("button", { name: "Export INI" }).click();
    const text = page.getByRole("textbox", { name: "Exported job file" });
    await eventually(() => text.inputValue(), (v) => expect(v).toContain("[newsletter]"), 5000);
    expect(await text.inputValue()).toContain("call = app.jobs.newsletter");
    expect(await text.inputValue()).not.toContain("[nightly backup]");
    await page.keyboard.press("Escape");
  }, 10_000);

  test("discover on an instance without --apps says what to do instead of failing silently", async () => {
    await page.getByRole("button", { name: "Discover jobs" }).click();
    await eventually(() => page.locator("#toast").textContent(), (v) => expect(v).toContain("start tickd with --apps"));
    expect(await page.locator("#toast").getAttribute("data-kind")).toBe("error");
  }, 10_000);

  test("is keyboard operable: a skip link first, then the controls in reading order, each with a visible focus ring", async () => {
    await page.reload(); // start from the top of the page
    await eventually(() => page.locator("#jobs-body tr").count(), (v) => expect(v).toBe(3));
    await eventually(() => page.getByRole("button", { name: "Export INI" }).isVisible(), (v) => expect(v).toBe(true));
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to the jobs");
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        const name = el.getAttribute("aria-label") ?? ((el as HTMLInputElement).labels?.[0]?.textContent || el.textContent) ?? "";
        return { name: name.trim(), outline: `${style.outlineStyle} ${parseFloat(style.outlineWidth) >= 2}` };
      });
      expect(focused.outline).toBe("solid true");
      seen.push(focused.name);
    }
    expect(seen).toEqual(["Discover jobs", "Export INI", "Reload job file", "Token", "Filter", "disk check", "Active: disk check", "Run disk check now"]);
  }, 10_000);

  test("fits a 375 px wide phone without sideways scrolling", async () => {
    const phone = await openPage(browser, `${tickd.url}/`, { width: 375, height: 800 });
    await eventually(() => phone.page.locator("#conn-text").textContent(), (v) => expect(v).toBe("Live"), 10_000);
    await eventually(() => phone.page.locator("#jobs-body tr").count(), (v) => expect(v).toBe(3));
    const widths = await phone.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    expect(await phone.page.getByRole("button", { name: "Run newsletter now" }).isVisible()).toBe(true);
    expect(phone.problems).toEqual([]);
    await phone.page.close();
  }, 20_000);

  test("reloading the job file from the page applies an added job and says so", async () => {
    appendFileSync(proj.config, "\n[cache warmup]\ncall = app.jobs.newsletter\nevery = 5 minutes\naudience = cache\n");
    await page.getByRole("button", { name: "Reload job file" }).click();
    await eventually(() => page.locator("#toast").textContent(), (v) => expect(v).toBe("Job file reloaded: added cache warmup"));
    await eventually(() => row("cache warmup").locator(".schedule").textContent(), (v) => expect(v).toBe("every 5 minutes"));
    const api = await graphql<{ job: { active: boolean } | null }>(tickd.url, `{ job(label: "cache warmup") { active } }`);
    expect(api.job).toEqual({ active: true });
  }, 15_000);
});
