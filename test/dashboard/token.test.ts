/**
 * An instance started with --tokens: the page asks for a token when the API
 * answers UNAUTHENTICATED, refuses a wrong one, keeps the right one for the
 * tab (sessionStorage), and offers the admin tools only to admins.
 */
import { describe, expect, test } from "bun:test";
import path from "node:path";
import { eventually, dashboardSuite, openPage, project } from "./harness.ts";

const ADMIN = "admin-token-4f1c9e2b7a";
const VIEWER = "viewer-token-8d3a6b1e5c";

const suite = dashboardSuite(() => {
  const proj = project({ "tokens.txt": `${ADMIN} admin\n${VIEWER} viewer\n` });
  return { proj, args: ["--tokens", path.join(proj.dir, "tokens.txt")] };
});

describe("the dashboard of an instance with API tokens", () => {
  test("asks for a token, refuses a wrong one, and with the admin token shows the jobs and the admin tools", async () => {
    const { page, problems } = await openPage(suite.browser, `${suite.tickd.url}/`);
    const prompt = page.getByRole("dialog", { name: "API token" });
    await eventually(() => prompt.isVisible(), (v) => expect(v).toBe(true), 10_000);
    expect(await page.locator("#jobs-body tr").count()).toBe(0);

    const field = prompt.getByLabel("Token", { exact: true });
    await field.fill("not-a-real-token-at-all");
    await field.press("Enter");
    await eventually(() => prompt.getByRole("alert").textContent(), (v) => expect(v).toBe("That token was not accepted."));
    expect(await prompt.isVisible()).toBe(true);

    await field.fill(ADMIN);
    await prompt.getByRole("button", { name: "Use token" }).click();
    await eventually(() => prompt.isVisible(), (v) => expect(v).toBe(false));
    await eventually(() => page.locator("#conn-text").textContent(), (v) => expect(v).toBe("Live"), 10_000);
    await eventually(() => page.locator("#jobs-body tr").count(), (v) => expect(v).toBe(3));
    await eventually(() => page.getByRole("button", { name: "Export INI" }).isVisible(), (v) => expect(v).toBe(true));
    expect(await page.evaluate(() => sessionStorage.getItem("tickd.token"))).toBe(ADMIN);

    // A reload in the same tab keeps the token: no prompt.
    await page.reload();
    await eventually(() => page.locator("#conn-text").textContent(), (v) => expect(v).toBe("Live"), 10_000);
    expect(await prompt.isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);

  test("a viewer sees jobs and runs but neither the admin tools nor the keyword argument values", async () => {
    const { page } = await openPage(suite.browser, `${suite.tickd.url}/`);
    const prompt = page.getByRole("dialog", { name: "API token" });
    await eventually(() => prompt.isVisible(), (v) => expect(v).toBe(true), 10_000);
    await prompt.getByLabel("Token", { exact: true }).fill(VIEWER);
    await prompt.getByLabel("Token", { exact: true }).press("Enter");
    await eventually(() => page.locator("#jobs-body tr").count(), (v) => expect(v).toBe(3), 10_000);
    await eventually(() => page.locator("#conn-text").textContent(), (v) => expect(v).toBe("Live"), 10_000);
    expect(await page.getByRole("button", { name: "Export INI" }).isVisible()).toBe(false);

    // Run now needs an operator: the page says why it did not happen.
    await page.getByRole("button", { name: "Run newsletter now" }).click();
    await eventually(() => page.locator("#toast").textContent(), (v) => expect(v).toContain("not allowed"));

    await page.getByRole("button", { name: "newsletter", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "newsletter" });
    await eventually(() => dialog.locator(".kwargs").innerText(), (v) => expect(v).toMatch(/audience\s+hidden \(admins only\)/));
    await page.close();
  }, 30_000);
});
