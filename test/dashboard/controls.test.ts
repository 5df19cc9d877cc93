/**
 * Operator controls in the dashboard (issue 16): pause with a note and an end
 * and resume from the job panel, the pause shown in the table and the panel;
 * cancel a run going on from its row; a backfill started from the panel and
 * its progress; and each control offered only to the roles that may use it.
 */
import { describe, expect, test } from "bun:test";
import path from "node:path";
import type { Page } from "playwright-core";
import { eventually, graphql, dashboardSuite, project } from "./harness.ts";

const ADMIN = "admin-token-1c9e2b7a4f";
const OPERATOR = "operator-token-6b1e5c8d3a";
const VIEWER = "viewer-token-2b7a4f1c9e";

const suite = dashboardSuite(() => {
  const proj = project(
    { "tokens.txt": `${ADMIN} admin\n${OPERATOR} operator\n${VIEWER} viewer\n` },
    "\n[report]\ncall = app.jobs.slow\nevery = 6 hours\n\n[hourly]\ncommand = sleep 0.2\nevery = 1 hour\n\n[long]\ncommand = sleep 60\nevery = 6 hours\n\n[reindex]\ncommand = echo reindexed\nevery = manual\n",
  );
  return { proj, args: ["--tokens", path.join(proj.dir, "tokens.txt")] };
});

/** The page with this token in the tab's storage (as the token dialog leaves it). */
async function pageAs(token: string): Promise<{ page: Page; problems: string[] }> {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((t) => sessionStorage.setItem("tickd.token", t), token);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.setDefaultTimeout(5000);
  await page.goto(`${suite.tickd.url}/`);
  await eventually(() => page.locator("#conn-text").textContent(), (v) => expect(v).toBe("Live"), 10_000);
  return { page, problems };
}

const api = <T>(query: string, variables: Record<string, unknown> = {}) => graphql<T>(suite.tickd.url, query, variables, ADMIN);

/** A datetime-local value (the browser's zone, which is this process's). */
function local(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

describe("operator controls in the dashboard", () => {
  test("an operator pauses a job with a note and an end from its panel, sees who, when and why in the panel and the table, and resumes it", async () => {
    const { page, problems } = await pageAs(OPERATOR);
    const row = page.locator('tr[data-label="newsletter"]');
    await row.getByRole("button", { name: "newsletter", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "newsletter" });
    await dialog.getByText("Pause with a note").click();
    await dialog.getByLabel("Note").fill("deploy 4.2");
    const until = Date.now() + 3 * 3_600_000;
    await dialog.getByLabel("Until (optional)").fill(local(until));
    await dialog.getByRole("button", { name: "Pause", exact: true }).click();

    await eventually(() => dialog.locator(".pause-box").innerText(), (v) => expect(v).toMatch(/^PAUSED\s+paused by operator at \S+ until .+: deploy 4\.2\s+Resume$/));
    const { job } = await api<{ job: { active: boolean; pause: { note: string; by: string; until: string } } }>(`{ job(label: "newsletter") { active pause { note by until } } }`);
    expect(job.active).toBe(false);
    expect(job.pause.note).toBe("deploy 4.2");
    expect(job.pause.by).toBe("operator");
    expect(Math.abs(Date.parse(job.pause.until) - until)).toBeLessThan(60_000);

    await eventually(() => row.locator(".tag-paused").textContent(), (v) => expect(v).toBe("paused: deploy 4.2"));
    expect(await row.locator(".tag-paused").getAttribute("title")).toMatch(/^paused by operator at .+ until .+: deploy 4\.2$/);
    expect(await row.locator(".c-next").innerText()).toMatch(/^paused until /);
    expect(await row.getByRole("switch").textContent()).toBe("Off");

    await dialog.getByRole("button", { name: "Resume" }).click();
    await eventually(() => dialog.locator(".pause-box").count(), (v) => expect(v).toBe(0));
    await eventually(() => row.locator(".tag-paused").count(), (v) => expect(v).toBe(0));
    expect(await row.getByRole("switch").textContent()).toBe("On");
    const after = await api<{ job: { active: boolean; pause: null } }>(`{ job(label: "newsletter") { active pause { note } } }`);
    expect(after.job).toEqual({ active: true, pause: null });
    expect(problems).toEqual([]);
    await page.context().close();
  }, 30_000);

  test("an operator cancels a run going on from its row in the job panel; it is recorded cancelled", async () => {
    const { page, problems } = await pageAs(OPERATOR);
    await page.locator('tr[data-label="report"]').getByRole("button", { name: "report", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "report" });
    await eventually(() => dialog.locator(".run-count").textContent(), (v) => expect(v).not.toBe(""));
    const started = await api<{ runJobNow: { runId: string; status: string } }>(`mutation { runJobNow(label: "report", wait: false) { runId status } }`);
    expect(started.runJobNow.status).toBe("RUNNING");

    const runRow = dialog.locator(`tr[data-run="${started.runJobNow.runId}"]`);
    await eventually(() => runRow.locator(".badge").textContent(), (v) => expect(v).toBe("running"), 3000);
    await runRow.getByRole("button", { name: /^Cancel the run of report/ }).click();
    await eventually(() => runRow.locator(".badge").textContent(), (v) => expect(v).toBe("cancelled"), 3000);
    expect(await runRow.getByRole("button", { name: /^Cancel/ }).count()).toBe(0);
    expect(await runRow.locator(".msg-cell").textContent()).toContain("operator");
    const { activity } = await api<{ activity: { status: string } }>(`query ($id: String!) { activity(runId: $id) { status } }`, { id: started.runJobNow.runId });
    expect(activity.status).toBe("CANCELLED");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 30_000);

  test("an admin backfills a range from the job panel and watches its progress to the end", async () => {
    const { page, problems } = await pageAs(ADMIN);
    await page.locator('tr[data-label="hourly"]').getByRole("button", { name: "hourly", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "hourly" });
    await dialog.getByText("Backfill a range").click();
    // Five whole hours in the past: five occurrences of "every 1 hour" on its grid at most, at least four.
    const to = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
    const form = dialog.getByRole("form", { name: "Backfill a range" });
    await form.getByLabel("From").fill(local(to - 4 * 3_600_000));
    await form.getByLabel("To").fill(local(to));
    await form.getByRole("button", { name: "Backfill", exact: true }).click();

    const text = dialog.locator(".backfill-text");
    await eventually(() => text.textContent(), (v) => expect(v).toMatch(/: [0-4] of [45] run\(s\) done \(running\)$/), 3000);
    await eventually(() => text.textContent(), (v) => expect(v).toMatch(/: ([45]) of \1 run\(s\) done \(done\)$/), 10_000);
    const bar = dialog.locator(".backfill-progress progress");
    expect(await bar.getAttribute("value")).toBe(await bar.getAttribute("max"));
    const { job } = await api<{ job: { backfill: { state: string; done: number; count: number } } }>(`{ job(label: "hourly") { backfill { state done count } } }`);
    expect(job.backfill.state).toBe("done");
    expect(job.backfill.done).toBe(job.backfill.count);
    // The panel lists each run as its event arrives: the last may come a moment after the progress.
    await eventually(() => dialog.locator(`tr[data-status="SUCCESS"]`).filter({ hasText: "backfill" }).count(), (n) => expect(n).toBe(job.backfill.count), 5000);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 30_000);

  test("a manual job (every = manual) says so in the table and its panel, and runs from its Run button", async () => {
    const { page, problems } = await pageAs(OPERATOR);
    const row = page.locator('tr[data-label="reindex"]');
    expect(await row.locator(".schedule").textContent()).toBe("manual (runs only by hand)");
    expect(await row.locator(".c-next").innerText()).toBe("by hand");
    await row.getByRole("button", { name: "Run reindex now" }).click();
    await eventually(() => row.locator(".badge").textContent(), (v) => expect(v).toBe("success"), 5000);
    expect(await row.locator(".c-next").innerText()).toBe("by hand");
    await row.getByRole("button", { name: "reindex", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "reindex" });
    await eventually(() => dialog.getByText("Manual (every = manual): never scheduled; it runs when someone runs it.").count(), (v) => expect(v).toBe(1));
    const { job } = await api<{ job: { nextRunAt: null; activities: { edges: { node: { trigger: string } }[] } } }>(`{ job(label: "reindex") { nextRunAt activities { edges { node { trigger } } } } }`);
    expect(job).toEqual({ nextRunAt: null, activities: { edges: [{ node: { trigger: "MANUAL" } }] } });
    expect(problems).toEqual([]);
    await page.context().close();
  }, 30_000);

  test("each role is offered only its controls: a viewer none, an operator pause and cancel, an admin backfill and parameters too", async () => {
    const running = api<{ runJobNow: { runId: string } }>(`mutation { runJobNow(label: "long", wait: false) { runId } }`);
    const seen: Record<string, string[]> = {};
    for (const [role, token] of [["viewer", VIEWER], ["operator", OPERATOR], ["admin", ADMIN]] as const) {
      const { page } = await pageAs(token);
      await eventually(() => page.evaluate(() => document.body.dataset.role), (v) => expect(v).toBe(role));
      await page.locator('tr[data-label="long"]').getByRole("button", { name: "long", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: "long" });
      await eventually(() => dialog.locator('tr[data-status="RUNNING"]').count(), (v) => expect(v).toBeGreaterThan(0), 3000);
      const offered: string[] = [];
      for (const [name, locator] of [
        ["pause", dialog.getByText("Pause with a note")],
        ["cancel", dialog.getByRole("button", { name: /^Cancel the run/ })],
        ["backfill", dialog.getByText("Backfill a range")],
        ["parameters", dialog.getByText("Run with parameters")],
      ] as const) {
        if ((await locator.count()) > 0) offered.push(name);
      }
      seen[role] = offered;
      await page.context().close();
    }
    expect(seen).toEqual({ viewer: [], operator: ["pause", "cancel"], admin: ["pause", "cancel", "backfill", "parameters"] });
    await api(`mutation ($id: String!) { cancelRun(runId: $id) { status } }`, { id: (await running).runJobNow.runId });
  }, 40_000);
});

