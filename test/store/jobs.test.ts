import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseJobFile } from "../../src/config/load.ts";
import { discoverJobs } from "../../src/discovery/index.ts";
import { getJob, listJobs, setActive, syncIniJobs, updateSchedule, type Store } from "../../src/store/index.ts";
import { T0, open, tempDb } from "./fixtures.ts";

let store: Store | undefined;
let cleanup = () => {};
let dir = "";
afterEach(async () => {
  await store?.close();
  store = undefined;
  cleanup();
});

async function fresh(): Promise<Store> {
  const db = tempDb();
  cleanup = db.cleanup;
  dir = db.dir;
  store = await open(db.url);
  return store;
}

function specs(text: string) {
  const file = parseJobFile(text, "/srv/app/config/scheduler.ini", "UTC");
  expect(file.diagnostics).toEqual([]);
  return file.jobs;
}

const FILE_V1 = `
[nightly backup]
call = jobs.backup.run
every = day
at = 02:30
retries = 2
target = s3

[morning report]
call = jobs.reports.morning
cron = 0 7 * * 1-5
timezone = Europe/Berlin
`;

describe("jobs from the job file", () => {
  test("syncing stores every section with its schedule, options and kwargs", async () => {
    const s = await fresh();
    expect(await syncIniJobs(s, specs(FILE_V1), T0)).toEqual({ added: ["nightly backup", "morning report"], updated: [], removed: [] });
    const backup = await getJob(s, "nightly backup");
    expect(backup).toMatchObject({
      source: "ini",
      callback: "jobs.backup.run",
      targetKind: "call",
      every: "day",
      at: "02:30",
      cron: null,
      active: true,
      kwargs: { target: "s3" },
      options: { retries: 2, overlap: "skip", catchup: "skip", retryDelayMs: 1000, jitterMs: 0 },
      createdAt: T0,
    });
    expect((await getJob(s, "morning report"))).toMatchObject({ cron: "0 7 * * 1-5", timezone: "Europe/Berlin", every: null });
  });

  test("syncing an edited file updates changed jobs, removes vanished ones and leaves the rest", async () => {
    const s = await fresh();
    await syncIniJobs(s, specs(FILE_V1), T0);
    const v2 = `
[nightly backup]
call = jobs.backup.run
every = day
at = 03:00
retries = 2
target = s3

[weekly cleanup]
call = jobs.cleanup.run
every = sunday
`;
    expect(await syncIniJobs(s, specs(v2), T0 + 1000)).toEqual({ added: ["weekly cleanup"], updated: ["nightly backup"], removed: ["morning report"] });
    expect((await listJobs(s)).map((j) => [j.label, j.at, j.every])).toEqual([
      ["nightly backup", "03:00", "day"],
      ["weekly cleanup", null, "sunday"],
    ]);
    expect(await syncIniJobs(s, specs(v2), T0 + 2000)).toEqual({ added: [], updated: [], removed: [] });
  });
});

describe("discovered jobs, as discovery writes them", () => {
  /** The app `crm` registering `sync crm` with `options` (JS object text); discovered at `now`. */
  async function discover(s: Store, options: string | null, now: number) {
    const folder = path.join(dir, "apps", "crm");
    mkdirSync(folder, { recursive: true });
    const register = options === null ? "" : `schedule.register("crm", sync, ${options});`;
    writeFileSync(path.join(folder, "scheduler.ts"), `import { schedule } from "tickd";\nexport function sync() {}\n${register}\n`);
    return discoverJobs(s, { apps: [folder], root: dir, zone: "UTC", now });
  }
  const SYNC = `{ label: "sync crm", every: "10 minutes" }`;

  test("a new registration is stored with the given active flag; re-registering the same is unchanged", async () => {
    const s = await fresh();
    expect((await discover(s, SYNC, T0)).added).toEqual(["sync crm"]);
    expect((await discover(s, `{ label: "sync crm", every: "10 minutes", active: true }`, T0 + 1)).unchanged).toEqual(["sync crm"]);
    expect(await getJob(s, "sync crm")).toMatchObject({ source: "discovered", app: "crm", active: false, every: "10 minutes", createdAt: T0, updatedAt: T0 });
  });

  test("an operator's activation and schedule edit survive re-discovery", async () => {
    const s = await fresh();
    await discover(s, SYNC, T0);
    await setActive(s, "sync crm", true, T0 + 1);
    await updateSchedule(s, "sync crm", { every: "hour", at: ":15" }, T0 + 2);
    expect((await discover(s, `{ label: "sync crm", every: "10 minutes", description: "now documented" }`, T0 + 3)).updated).toEqual(["sync crm"]);
    expect(await getJob(s, "sync crm")).toMatchObject({
      active: true,
      every: "hour",
      at: ":15",
      description: "now documented",
      operatorEdited: { active: true, schedule: true },
      updatedAt: T0 + 3,
    });
  });

  test("a vanished registration is marked missing and comes back when registered again", async () => {
    const s = await fresh();
    await discover(s, SYNC, T0);
    expect((await discover(s, null, T0 + 1)).missing).toEqual(["sync crm"]);
    expect(await getJob(s, "sync crm")).toMatchObject({ missing: true, updatedAt: T0 + 1 });
    expect((await listJobs(s, { includeMissing: false })).length).toBe(0);
    expect((await discover(s, SYNC, T0 + 2)).updated).toEqual(["sync crm"]);
    expect((await getJob(s, "sync crm"))?.missing).toBe(false);
  });

  test("a registration may not take the label of a job-file job; editing an unknown label is not-found", async () => {
    const s = await fresh();
    await syncIniJobs(s, specs("[sync crm]\ncall = jobs.x.y\nevery = hour\n"), T0);
    const taken = await discover(s, SYNC, T0);
    expect(taken.problems).toMatchObject([{ kind: "invalid-registration", label: "sync crm", message: "the label is already used by a job of the job file; give this registration a distinct label option" }]);
    expect(await getJob(s, "sync crm")).toMatchObject({ source: "ini", callback: "jobs.x.y" });
    await expect(setActive(s, "nobody", true)).rejects.toMatchObject({ code: "not-found" });
    // an empty job file removes the ini row and leaves discovered rows alone
    await discover(s, `{ label: "sync crm (app)", every: "10 minutes" }`, T0);
    expect((await syncIniJobs(s, [], T0 + 1)).removed).toEqual(["sync crm"]);
    expect((await listJobs(s)).map((j) => j.label)).toEqual(["sync crm (app)"]);
  });
});
