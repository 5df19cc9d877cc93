/**
 * `tickd discover` from the compiled binary: what an operator sees, and what
 * ends up in the database beside the config.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import { tempDir, tickd } from "../helpers/binary.ts";

let dir: string;
let cleanup: () => void;

function writeApp(name: string, source: string): void {
  mkdirSync(path.join(dir, "apps", name), { recursive: true });
  writeFileSync(path.join(dir, "apps", name, "scheduler.ts"), `import { Result, STATUS, schedule } from "tickd";\n${source}\n`);
}

async function storedJobs(): Promise<Record<string, unknown>[]> {
  const client = createClient({ url: `file:${path.join(dir, "config", "scheduler.db")}` });
  try {
    const rs = await client.execute("SELECT label, source, app, callback, every, active, missing FROM jobs ORDER BY label");
    return rs.rows.map((r) => ({ ...r, active: Boolean(r.active), missing: Boolean(r.missing) }));
  } finally {
    client.close();
  }
}

const discover = (...args: string[]) => tickd(["discover", ...args], { cwd: dir, env: { TICKD_APPS: "", TICKD_TIMEZONE: "UTC" } });

beforeEach(() => {
  ({ dir, cleanup } = tempDir("tickd-cli-discover-"));
  mkdirSync(path.join(dir, "config"));
  writeApp(
    "billing",
    `/** Send the invoices that fell due. */\nexport function invoices() { return Result(STATUS.success); }\nexport function reminders() {}\n` +
      `schedule.register("billing", invoices, { every: "10 minutes", active: true });\n` +
      `schedule.register("billing", reminders, { every: "monday", at: "09:00" });`,
  );
  writeApp("reports", `export function nightly() {}\nschedule.register("reports", nightly, { cron: "30 2 * * *" });`);
});
afterEach(() => cleanup());

describe("tickd discover", () => {
  test("the example apps (examples/apps) discover cleanly beside the example job file", async () => {
    const examples = path.resolve(import.meta.dir, "../../examples");
    cpSync(path.join(examples, "apps"), path.join(dir, "examples", "apps"), { recursive: true });
    cpSync(path.join(examples, "config", "scheduler.ini"), path.join(dir, "examples", "config", "scheduler.ini"));
    const r = await tickd(["discover", "--config", "examples/config/scheduler.ini", "--apps", "examples/apps/billing,examples/apps/reports"], { cwd: dir, env: { TICKD_TIMEZONE: "UTC" } });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toStartWith(
      "added     billing.send_invoices (active)\nadded     billing: payment reminders (inactive)\nadded     reports.nightly_summary (inactive)\n",
    );
  });

  test("a discovered job's callback runs in its module's worker, or in the scheduler's thread with isolate: \"none\"", async () => {
    writeApp(
      "where",
      `import { isMainThread } from "node:worker_threads";\n` +
        `export function there() { return Result(STATUS.success, { message: isMainThread ? "main thread" : "worker" }); }\n` +
        `export function here() { return Result(STATUS.success, { message: isMainThread ? "main thread" : "worker" }); }\n` +
        `schedule.register("where", there, { every: "1 day", active: true });\n` +
        `schedule.register("where", here, { every: "1 day", active: true, isolate: "none" });`,
    );
    expect((await discover("--apps", "apps/where")).code).toBe(0);
    writeFileSync(path.join(dir, "config", "scheduler.ini"), "[file job]\ncommand = true\nevery = 1 day\n");
    const there = await tickd(["run-job", "where.there"], { cwd: dir, env: { TICKD_TIMEZONE: "UTC" } });
    expect(there.stdout).toContain("message: worker");
    const here = await tickd(["run-job", "where.here"], { cwd: dir, env: { TICKD_TIMEZONE: "UTC" } });
    expect(here.stdout).toContain("message: main thread");
  });

  test("stores the registered jobs, new ones inactive unless registered active, and says so", async () => {
    const r = await discover("--apps", "apps/billing,apps/reports");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      [
        "added     billing.invoices (active)",
        "added     billing.reminders (inactive)",
        "added     reports.nightly (inactive)",
        "3 jobs added, 0 updated, 0 missing, 0 unchanged; 1 discovered job is active",
        "New jobs start inactive: activate them in the dashboard or with the activateJob mutation.",
        "",
      ].join("\n"),
    );
    expect(r.code).toBe(0);
    expect(await storedJobs()).toEqual([
      { label: "billing.invoices", source: "discovered", app: "billing", callback: "apps.billing.scheduler.invoices", every: "10 minutes", active: true, missing: false },
      { label: "billing.reminders", source: "discovered", app: "billing", callback: "apps.billing.scheduler.reminders", every: "monday", active: false, missing: false },
      { label: "reports.nightly", source: "discovered", app: "reports", callback: "apps.reports.scheduler.nightly", every: null, active: false, missing: false },
    ]);
  });

  test("reads TICKD_APPS, and a vanished registration is reported missing with --json", async () => {
    await discover("--apps", "apps/billing,apps/reports");
    writeApp("reports", `export function nightly() {}`);
    const r = await tickd(["discover", "--json"], { cwd: dir, env: { TICKD_APPS: "apps/billing,apps/reports", TICKD_TIMEZONE: "UTC" } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      applied: true,
      added: [],
      updated: [],
      missing: ["reports.nightly"],
      unchanged: ["billing.invoices", "billing.reminders"],
      unscheduled: [],
      active: ["billing.invoices"],
      problems: [],
    });
    expect((await storedJobs()).find((j) => j.label === "reports.nightly")).toMatchObject({ missing: true });
  });

  test("an unknown app folder is bad usage (exit 2) and creates no database", async () => {
    const r = await discover("--apps", "apps/billing,apps/biling");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("apps/biling: no such app folder; check --apps\nnothing was changed; fix --apps and run discover again\n");
    expect(existsSync(path.join(dir, "config", "scheduler.db"))).toBe(false);
  });

  test("a module that throws on import fails the command (exit 1), naming the file; other apps still count", async () => {
    writeApp("billing", `throw new Error("BILLING_DSN is not set");`);
    const r = await discover("--apps", "apps/billing,apps/reports");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("apps/billing/scheduler.ts: importing the module failed (Error: BILLING_DSN is not set); fix the module and run discover again\n");
    expect(r.stdout).toContain("added     reports.nightly (inactive)\n");
    expect((await storedJobs()).map((j) => j.label)).toEqual(["reports.nightly"]);
  });

  test("a registered non-function fails the command with the file and what to do", async () => {
    writeApp("reports", `export const nightly = 42;\nschedule.register("reports", nightly as any, { every: "1 day" });`);
    const r = await discover("--apps", "apps/reports");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'apps/reports/scheduler.ts [reports.?] schedule.register("reports", …) was given number, not a function; pass the exported callback itself\n',
    );
  });

  test("without --apps or TICKD_APPS it is bad usage", async () => {
    const r = await discover();
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith("tickd discover: no app folders given; pass --apps DIR,... or set TICKD_APPS");
  });

  test("--module-name picks another module in each app folder", async () => {
    writeFileSync(path.join(dir, "apps", "reports", "jobs.ts"), `import { schedule } from "tickd";\nexport function weekly() {}\nschedule.register("reports", weekly, { every: "sunday" });\n`);
    const r = await discover("--apps", "apps/reports", "--module-name", "jobs");
    expect(r.code).toBe(0);
    expect((await storedJobs()).map((j) => [j.label, j.callback])).toEqual([["reports.weekly", "apps.reports.jobs.weekly"]]);
  });

  test("a registration whose schedule never fires is stored and warned about on stderr, as check warns (issue 13)", async () => {
    writeApp(
      "odd",
      `export function never() {}\nexport function over() {}\n` +
        `schedule.register("odd", never, { cron: "0 0 31 2 *" });\n` +
        `schedule.register("odd", over, { every: "1 hour", until: "2020-01-01" });`,
    );
    for (const args of [[], ["--json"]]) {
      const r = await discover("--apps", "apps/odd", ...args);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(
        'apps/odd/scheduler.ts:0 [odd.never] warning: cron: "0 0 31 2 *" matches no date in any year, so this job never runs; check the day and month fields (February has no 30th or 31st; April, June, September and November have no 31st)\n' +
          "apps/odd/scheduler.ts:0 [odd.over] warning: until: 2020-01-01 23:59:59 UTC has passed, so this job never runs again; move until later, or remove the job\n",
      );
    }
    expect((await storedJobs()).map((j) => j.label)).toEqual(["odd.never", "odd.over"]);
  });
});
