/**
 * Issue 12.1 (and the takeover part of 12.2): three `tickd run` processes on
 * one job file and one file store. One is killed with -9 and started again,
 * another is stopped (SIGSTOP) for longer than the lease and then continued.
 * Every occurrence must execute once, in one instance, and leave a record.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TAKEOVER_BOUND_MS } from "../../src/store/index.ts";
import { analyse, threeInstances, faultProject, jobsOf, killAllSpawned, readActivity, readEffects, summarise, type Analysis, type FaultProject } from "./harness.ts";

/**
 * The stopped instance stays stopped this long: past the time the others
 * take it over (store/lifecycle.ts: its lease, the clock margin and one
 * heartbeat after its last heartbeat).
 */
const STOP_MS = TAKEOVER_BOUND_MS + 2_000;
/**
 * An occurrence whose claim a killed or stopped instance held is run by
 * another live instance at most this late, or recorded as missed. Every other
 * run starts within it too (the slack is for a loaded 2-core machine).
 */
const LATE_BOUND_MS = TAKEOVER_BOUND_MS + 4_000;

const JOBS = [
  ...jobsOf("every1s-", 20, "every = 1 second", 1000),
  ...jobsOf("every2s-", 3, "every = 2 seconds", 2000),
  ...jobsOf("cron1s-", 3, "cron = * * * * * *", 1000),
];

let project: FaultProject;
let a: Analysis;
let summary = "";
let killedAt = 0;
let exits: Record<string, unknown> = {};

describe("three instances on one file store, one killed and restarted, one stopped past its lease", () => {
  beforeAll(async () => {
    project = faultProject({ jobs: JOBS });
    const scenario = await threeInstances(project, { stopMs: STOP_MS });
    ({ killedAt, exits } = scenario);
    const effects = readEffects(project.effectsPath);
    const rows = readActivity(project.dbPath);
    a = analyse({ jobs: JOBS, effects, rows, window: { from: scenario.allStarted + 2_000, to: scenario.stopAt - 1_000 }, lateBoundMs: LATE_BOUND_MS });
    summary = summarise(a, { killedAt: new Date(killedAt).toISOString(), pausedAt: new Date(scenario.pausedAt).toISOString(), stopMs: STOP_MS, exits });
    console.error(`[faults/instances]\n${summary}`);
    if (a.executions === 0) console.error(scenario.instances[0]!.allLogs().slice(-3000));
  }, 90_000);

  afterAll(async () => {
    await killAllSpawned();
    project?.cleanup();
  });

  test("no occurrence executes twice (per grid slot, across instances)", () => {
    expect(a.executions, summary).toBeGreaterThan(0);
    expect(a.executedTwice.slice(0, 5), summary).toEqual([]);
    expect(a.slotDuplicates, summary).toBe(0);
  });

  test("every instance puts a job's occurrences on the same grid", () => {
    expect(a.gridsDisagree.slice(0, 5), summary).toEqual([]);
  });

  test("no executed occurrence is without its row, none recorded as not run", () => {
    expect(a.executedUnrecorded.slice(0, 5), summary).toEqual([]);
    expect(a.executedRecordedNotRun.slice(0, 5), summary).toEqual([]);
  });

  test("one row per occurrence and attempt, none left running after the clean stop", () => {
    expect(a.duplicateRows.slice(0, 5), summary).toEqual([]);
    expect(a.leftRunning.slice(0, 5), summary).toEqual([]);
  });

  test(`every occurrence of the window has a row: run by a live instance within ${LATE_BOUND_MS} ms, or recorded as missed`, () => {
    expect(a.missing.slice(0, 5), summary).toEqual([]);
    expect(a.lateStarts.slice(0, 5), summary).toEqual([]);
  });

  test("what a dead or stopped instance claimed ahead is taken over: only occurrences due at the kill are abandoned without running", () => {
    expect(a.abandonedNotRun.filter((r) => Math.abs(r.scheduled_for - killedAt) > 1_500).slice(0, 5), summary).toEqual([]);
  });

  test("each instance exits 0 on SIGTERM", () => {
    for (const [name, exit] of Object.entries(exits)) expect({ name, ...(exit as object), ms: 0 }, summary).toMatchObject({ name, code: 0, signal: null });
  });
});
