/**
 * discoverJobs against a real libSQL file: the rules of SPEC 4 as an operator
 * sees them in the jobs table.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { activity, jobs } from "../../schema/db.ts";
import type { JobSpec } from "../../src/config/types.ts";
import { discoverJobs, openJobsDb, type OpenedDb } from "../../src/discovery/index.ts";
import { discoveredSpecs, JobCatalog, readCatalog } from "../../src/jobs/index.ts";
import { tempDir } from "../helpers/binary.ts";

const NOW = Date.UTC(2026, 10, 2, 9, 0, 0); // Monday 2026-11-02 09:00 UTC

let dir: string;
let cleanup: () => void;
let store: OpenedDb;

function writeApp(name: string, source: string): string {
  const folder = path.join(dir, "apps", name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, "scheduler.ts"), `import { Result, STATUS, schedule } from "tickd";\n${source}\n`);
  return folder;
}

const discover = (apps: string[]) => discoverJobs(store.store, { apps: apps.map((a) => path.join(dir, "apps", a)), root: dir, zone: "UTC", now: NOW });

/** The discovered jobs that are on, as the catalog says (what the engine is given). */
const activeLabels = async () => discoveredSpecs(await readCatalog(store.store, [], "UTC")).map((s) => s.label);

const row = async (label: string) => (await store.db.select().from(jobs).where(eq(jobs.label, label)))[0];

beforeEach(async () => {
  ({ dir, cleanup } = tempDir("tickd-discover-"));
  store = await openJobsDb(`file:${path.join(dir, "scheduler.db")}`);
});
afterEach(async () => {
  await store.close();
  cleanup();
});

describe("discoverJobs", () => {
  test("a new job is stored inactive unless registered with active: true", async () => {
    writeApp(
      "billing",
      `export function invoices() {}\nexport function reminders() {}\n` +
        `schedule.register("billing", invoices, { every: "10 minutes", active: true, kwargs: { batch: 50 } });\n` +
        `schedule.register("billing", reminders, { every: "monday", at: "09:00" });`,
    );
    const result = await discover(["billing"]);
    expect(result.problems).toEqual([]);
    expect(result.added).toEqual(["billing.invoices", "billing.reminders"]);
    const invoices = await row("billing.invoices");
    expect(invoices).toMatchObject({ source: "discovered", app: "billing", callback: "apps.billing.scheduler.invoices", every: "10 minutes", active: true, missing: false, kwargs: { batch: 50 } });
    expect((await row("billing.reminders"))?.active).toBe(false);
    expect(await activeLabels()).toEqual(["billing.invoices"]);
  });

  test("an operator's active flag and schedule edit survive re-discovery; other fields follow the code", async () => {
    writeApp("billing", `export function invoices() {}\nschedule.register("billing", invoices, { every: "10 minutes", description: "v1" });`);
    await discover(["billing"]);
    await store.db.update(jobs).set({ active: true, every: "2 hours", operatorEdited: { active: true, schedule: true } }).where(eq(jobs.label, "billing.invoices"));

    writeApp("billing", `export function invoices() {}\nschedule.register("billing", invoices, { every: "5 minutes", description: "v2" });`);
    const result = await discover(["billing"]);
    expect(result.updated).toEqual(["billing.invoices"]);
    expect(await row("billing.invoices")).toMatchObject({ active: true, every: "2 hours", description: "v2" });
    const on = discoveredSpecs(await readCatalog(store.store, [], "UTC"));
    expect(on).toHaveLength(1);
    expect(on[0]!.schedule).toMatchObject({ kind: "every", interval: 2, unit: "hour" });
  });

  test("discovering twice without changes reports the job unchanged", async () => {
    writeApp("billing", `export function invoices() {}\nschedule.register("billing", invoices, { every: "10 minutes" });`);
    await discover(["billing"]);
    const again = await discover(["billing"]);
    expect(again).toMatchObject({ added: [], updated: [], missing: [], unchanged: ["billing.invoices"] });
  });

  test("a vanished registration is marked missing, keeps its history, and comes back with its flags", async () => {
    writeApp("billing", `export function invoices() {}\nexport function old() {}\nschedule.register("billing", invoices, { every: "1 hour" });\nschedule.register("billing", old, { every: "1 day", active: true });`);
    await discover(["billing"]);
    await store.db.insert(activity).values({ runId: "r1", label: "billing.old", scheduledFor: NOW, startedAt: NOW, endedAt: NOW + 5, status: "success", instance: "test" });

    writeApp("billing", `export function invoices() {}\nexport function old() {}\nschedule.register("billing", invoices, { every: "1 hour" });`);
    const gone = await discover(["billing"]);
    expect(gone.missing).toEqual(["billing.old"]);
    expect(await row("billing.old")).toMatchObject({ missing: true, active: true });
    expect(await store.db.select().from(activity).where(eq(activity.label, "billing.old"))).toHaveLength(1);
    expect(await activeLabels()).toEqual([]);

    writeApp("billing", `export function invoices() {}\nexport function old() {}\nschedule.register("billing", invoices, { every: "1 hour" });\nschedule.register("billing", old, { every: "1 day" });`);
    const back = await discover(["billing"]);
    expect(back.updated).toEqual(["billing.old"]);
    expect(await row("billing.old")).toMatchObject({ missing: false, active: true });
  });

  test("a module that throws on import is reported by file; other apps still count and its jobs are left alone", async () => {
    writeApp("billing", `export function invoices() {}\nschedule.register("billing", invoices, { every: "1 hour" });`);
    writeApp("reports", `export function nightly() {}\nschedule.register("reports", nightly, { cron: "30 2 * * *" });`);
    await discover(["billing", "reports"]);

    const broken = writeApp("billing", `throw new Error("database settings missing");`);
    writeApp("reports", `export function nightly() {}\nexport function weekly() {}\nschedule.register("reports", nightly, { cron: "30 2 * * *" });\nschedule.register("reports", weekly, { every: "sunday" });`);
    const result = await discover(["billing", "reports"]);
    expect(result.problems).toEqual([
      {
        kind: "import-failed",
        file: path.join(broken, "scheduler.ts"),
        message: "importing the module failed (Error: database settings missing); fix the module and run discover again",
      },
    ]);
    expect(result.added).toEqual(["reports.weekly"]);
    expect(result.missing).toEqual([]);
    expect((await row("billing.invoices"))?.missing).toBe(false);
  });

  test("a registered non-function, an unexported function and a bad option are reported; valid ones still count", async () => {
    const folder = writeApp(
      "billing",
      `export function ok() {}\nfunction hidden() {}\n` +
        `schedule.register("billing", "not a function" as any);\n` +
        `schedule.register("billing", hidden, { every: "1 hour" });\n` +
        `export function typo() {}\nschedule.register("billing", typo, { every: "10 minuets" });\n` +
        `schedule.register("billing", ok, { every: "1 hour" });`,
    );
    const result = await discover(["billing"]);
    const file = path.join(folder, "scheduler.ts");
    expect(result.problems.map((p) => [p.kind, p.file, p.label, p.message])).toEqual([
      ["invalid-registration", file, "billing.?", `schedule.register("billing", …) was given string, not a function; pass the exported callback itself`],
      ["invalid-registration", file, "billing.hidden", "the function hidden is not exported from this module under that name; write `export function hidden`"],
      ["invalid-registration", file, "billing.typo", expect.stringContaining('every: "10 minuets"')],
    ]);
    expect(result.added).toEqual(["billing.ok"]);
  });

  test("an unknown app folder is bad usage and nothing is written", async () => {
    writeApp("billing", `export function invoices() {}\nschedule.register("billing", invoices, { every: "1 hour" });`);
    const result = await discover(["billing", "biling"]);
    expect(result.applied).toBe(false);
    expect(result.problems).toEqual([{ kind: "unknown-app", file: path.join(dir, "apps", "biling"), message: `no such app folder; check --apps (given "${path.join(dir, "apps", "biling")}")` }]);
    expect(await store.db.select().from(jobs)).toEqual([]);
  });

  test("the running engine receives the active discovered jobs", async () => {
    writeApp("billing", `export function invoices() {}\nexport function reminders() {}\nschedule.register("billing", invoices, { every: "1 hour", active: true });\nschedule.register("billing", reminders, { every: "1 day" });`);
    const given: string[][] = [];
    const control = {
      async setDiscoveredJobs(specs: readonly JobSpec[]) {
        given.push(specs.map((s) => `${s.label} ${s.origin.source} ${s.target.kind === "call" ? s.target.callback : ""}`));
        return { added: specs.map((s) => s.label), removed: [], updated: [], unchanged: 0, diagnostics: [] } as never;
      },
    };
    const catalog = new JobCatalog({ store: store.store, zone: "UTC", configPath: path.join(dir, "scheduler.ini"), discovery: { apps: [path.join(dir, "apps", "billing")], root: dir } });
    catalog.attach(control as never);
    const result = await catalog.discover();
    expect(given).toEqual([["billing.invoices discovered apps.billing.scheduler.invoices"]]);
    expect(result.added).toEqual(["billing.invoices", "billing.reminders"]);
  });

  test("a label already taken by another job is reported and not stored twice", async () => {
    writeApp("billing", `export function a() {}\nschedule.register("billing", a, { every: "1 hour", label: "shared" });`);
    writeApp("reports", `export function b() {}\nschedule.register("reports", b, { every: "1 hour", label: "shared" });`);
    await discover(["billing"]);
    const twice = await discover(["billing", "reports"]);
    expect(twice.problems.map((p) => p.message)).toEqual(["the label is registered twice; give one of them a distinct label option"]);
    const result = await discover(["reports"]);
    expect(result.problems.map((p) => p.message)).toEqual([
      "the label is already used by apps.billing.scheduler.a (app billing); give this registration a distinct label option",
    ]);
    expect(await store.db.select().from(jobs)).toHaveLength(1);
  });
});
