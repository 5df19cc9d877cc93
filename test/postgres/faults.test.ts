/**
 * The fault suite on one PostgreSQL (the issue "Many servers, one PostgreSQL"):
 * three `tickd run` on one job file of 20 jobs every second. One is killed with
 * -9 and started again, another is stopped (SIGSTOP) past the time other
 * instances may take what it holds and then continued, and PostgreSQL itself
 * is restarted once. Every occurrence of the window has exactly one record,
 * none runs twice, and none is missing or started later than the bound.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { analyse, threeInstances, faultProject, jobsOf, killAllSpawned, readEffects, summarise, type ActivityRow, type Analysis, type FaultProject } from "../faults/harness.ts";
import { TAKEOVER_BOUND_MS } from "../../src/store/index.ts";
import { pgQuery, startPostgres, type PgCluster } from "../helpers/postgres.ts";

/** How long PostgreSQL is down while it restarts. */
const OUTAGE_MS = 4_000;
/** How long the stopped instance stays stopped: past the time the others take it over (store/lifecycle.ts). */
const STOP_MS = TAKEOVER_BOUND_MS + 2_000;
/**
 * A run starts at most this late after its instant (an occurrence a killed or
 * stopped instance claimed is taken over within TAKEOVER_BOUND_MS), or its
 * occurrence is recorded missed; the slack is for a loaded 2-core machine.
 */
const LATE_BOUND_MS = TAKEOVER_BOUND_MS + 4_000;

/** With `catchup = once`, a run whose start waited out the outage runs when PostgreSQL is back, as the catch-up. */
const CATCHUP = jobsOf("catchup1s-", 2, "every = 1 second", 1000, { catchup: "once" });
const JOBS = [...jobsOf("every1s-", 20, "every = 1 second", 1000), ...CATCHUP];

let pg: PgCluster;
let project: FaultProject;
let a: Analysis;
let summary = "";
let killedAt = 0;
let outage = { from: 0, to: 0 };
let rowsSeen: ActivityRow[] = [];
let exits: Record<string, unknown> = {};
let logs = "";

describe("three instances on one PostgreSQL: kill -9 and restart, SIGSTOP past the lease, PostgreSQL restarted", () => {
  beforeAll(async () => {
    pg = await startPostgres();
    project = faultProject({ jobs: JOBS, dbUrl: pg.url });
    const scenario = await threeInstances(project, {
      stopMs: STOP_MS,
      // Then PostgreSQL goes away for OUTAGE_MS (a restart that takes a while).
      then: async () => {
        const from = Date.now();
        pg.stopServer();
        await Bun.sleep(OUTAGE_MS);
        pg.startServer();
        outage = { from, to: Date.now() };
        // A minute of faults in all (5 + 3 + 3 + 18 + 5 + 4 + 22 s).
        await Bun.sleep(22_000);
      },
    });
    ({ killedAt, exits } = scenario);
    const effects = readEffects(project.effectsPath);
    const rows = await pgQuery<ActivityRow>(
      pg.url,
      "SELECT run_id, label, scheduled_for, started_at, ended_at, status, message, attempt, trigger, instance FROM activity ORDER BY label, scheduled_for, attempt",
    );
    rowsSeen = rows;
    a = analyse({ jobs: JOBS, effects, rows, window: { from: scenario.allStarted + 2_000, to: scenario.stopAt - 1_000 }, lateBoundMs: LATE_BOUND_MS });
    summary = summarise(a, {
      killedAt: new Date(killedAt).toISOString(),
      pausedAt: new Date(scenario.pausedAt).toISOString(),
      stopMs: STOP_MS,
      pgRestart: `${new Date(outage.from).toISOString()} .. ${new Date(outage.to).toISOString()}`,
      exits,
    });
    logs = scenario.instances.map((i) => i.allLogs()).join("\n");
    console.error(`[postgres/faults]\n${summary}`);
  }, 150_000);

  afterAll(async () => {
    await killAllSpawned();
    project?.cleanup();
    pg?.stop();
  }, 30_000);

  test("no occurrence executes twice", () => {
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

  test(`every occurrence of the window has a row: run within ${LATE_BOUND_MS} ms, or recorded as missed`, () => {
    expect(a.missing.slice(0, 5), summary).toEqual([]);
    expect(a.lateStarts.slice(0, 5), summary).toEqual([]);
  });

  test("what a dead or stopped instance claimed ahead is taken over: only occurrences due at the kill are abandoned without running", () => {
    expect(a.abandonedNotRun.filter((r) => Math.abs(r.scheduled_for - killedAt) > 1_500).slice(0, 5), summary).toEqual([]);
  });

  test("catchup = once: each such job runs for the outage when PostgreSQL is back (once, or once per instance waiting); its other occurrences in it are missed", () => {
    for (const job of CATCHUP) {
      const inOutage = rowsSeen.filter((r) => r.label === job.label && r.scheduled_for >= outage.from - 1_000 && r.scheduled_for <= outage.to);
      const caughtUp = inOutage.filter((r) => r.trigger === "catchup");
      expect(caughtUp.length, summary).toBeGreaterThanOrEqual(1);
      expect(caughtUp.length, summary).toBeLessThanOrEqual(3);
      for (const r of caughtUp) {
        expect(r.status, summary).toBe("success");
        expect(r.started_at, summary).toBeGreaterThanOrEqual(outage.to - 1_000);
      }
      expect(inOutage.filter((r) => r.trigger !== "catchup" && r.status !== "success").every((r) => r.status === "missed"), summary).toBe(true);
    }
  });

  test("the outage is logged, and the password is not", () => {
    expect(/"event":"store\.error"/.test(logs), "no store.error logged during the outage").toBe(true);
    expect(logs.includes(pg.password), "the password is in a log").toBe(false);
  });

  test("each instance exits 0 on SIGTERM", () => {
    for (const [name, exit] of Object.entries(exits)) expect({ name, ...(exit as object), ms: 0 }, summary).toMatchObject({ name, code: 0, signal: null });
  });
});
