/**
 * Issue 12.4, first item: another process (the sqlite3 CLI) holds the
 * database's write lock with `BEGIN EXCLUSIVE` for 15 s while tickd runs
 * one-second jobs with its API on. Store waits must not block the event loop:
 * /healthz keeps answering, and says 503 with a reason while writes cannot
 * be made; once the lock is released every occurrence of the window has a
 * row (ran, or recorded missed with a reason) and nothing executed is lost.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  analyse,
  crashSigns,
  faultProject,
  holdWriteLock,
  Instance,
  jobsOf,
  killAllSpawned,
  NOT_RUN,
  pollHealth,
  readActivity,
  readEffects,
  summarise,
  wholeLines,
  type Analysis,
  type FaultProject,
  type HealthSample,
} from "./harness.ts";

/** How long sqlite3 holds the lock (tickd's busy timeout is 10 s: longer than that). */
const LOCK_MS = 15_000;
/** Every /healthz must answer within this, lock or not. */
const HEALTH_TIMEOUT_MS = 500;
const HEALTH_EVERY_MS = 200;
/** After the release, /healthz is 200 again within this. */
const RECOVER_MS = 8_000;
/**
 * A run that could start is not later than this: it waits at most 1 s
 * (START_RECORD_WAIT_MS) for its row, plus the write that answered.
 */
const LATE_BOUND_MS = 1_250;

const JOBS = [...jobsOf("every1s-", 10, "every = 1 second", 1000), ...jobsOf("cron1s-", 2, "cron = * * * * * *", 1000)];

let project: FaultProject;
let a: Analysis;
let summary = "";
let samples: HealthSample[] = [];
let lockedAt = 0;
let releasedAt = 0;
let exit: { code: number | null; signal: string | null } = { code: null, signal: null };
let logLines: string[] = [];
let rowsNotRun: Array<{ label: string; status: string; message: string }> = [];

const during = (s: HealthSample) => s.at >= lockedAt && s.at + s.ms <= releasedAt;

describe(`a write lock held by another process for ${LOCK_MS / 1000} s`, () => {
  beforeAll(async () => {
    project = faultProject({ jobs: JOBS });
    const instance = new Instance(project, { name: "lock", api: true });
    await instance.start();
    const poll = pollHealth(instance.url!, HEALTH_EVERY_MS, HEALTH_TIMEOUT_MS);
    await Bun.sleep(3_000);
    const lock = await holdWriteLock(project.dbPath);
    lockedAt = Date.now();
    await Bun.sleep(LOCK_MS);
    releasedAt = Date.now();
    const sqliteExit = await lock.release();
    await Bun.sleep(RECOVER_MS);
    await poll.stop();
    samples = poll.samples;
    const stopAt = Date.now();
    exit = await instance.stop();
    logLines = wholeLines(instance.current!.logPath);

    const rows = readActivity(project.dbPath);
    rowsNotRun = rows.filter((r) => NOT_RUN.has(r.status)).map((r) => ({ label: r.label, status: r.status, message: r.message }));
    a = analyse({ jobs: JOBS, effects: readEffects(project.effectsPath), rows, window: { from: instance.current!.startedAt + 2_000, to: stopAt - 1_000 }, lateBoundMs: LATE_BOUND_MS });
    const unanswered = samples.filter((s) => s.status === null);
    const slowest = Math.max(...samples.map((s) => s.ms));
    const codes = (list: HealthSample[]) => [...new Set(list.map((s) => `${s.status ?? "none"}${s.body?.reason ? `(${String(s.body.reason)})` : ""}`))].join(",");
    summary = [
      summarise(a, { lockMs: LOCK_MS, sqliteExit, exit }),
      `  /healthz: ${samples.length} probes, ${unanswered.length} unanswered within ${HEALTH_TIMEOUT_MS} ms, slowest ${slowest} ms; during the lock: ${codes(samples.filter(during))}; after: ${codes(samples.filter((s) => s.at > releasedAt))}`,
      `  crash signs in the log: ${crashSigns(logLines).length}${crashSigns(logLines).length ? ` (${crashSigns(logLines)[0]!.slice(0, 200)})` : ""}`,
    ].join("\n");
    console.error(`[faults/store-lock]\n${summary}`);
  }, 90_000);

  afterAll(async () => {
    await killAllSpawned();
    project?.cleanup();
  });

  test(`/healthz answers within ${HEALTH_TIMEOUT_MS} ms throughout`, () => {
    expect(samples.length, summary).toBeGreaterThan(LOCK_MS / HEALTH_EVERY_MS / 2);
    expect(
      samples.filter((s) => s.status === null).slice(0, 3).map((s) => ({ at: new Date(s.at).toISOString(), error: s.error })),
      summary,
    ).toEqual([]);
  });

  test("/healthz is 503 with a reason while the store cannot be written, and 200 again after the release", () => {
    const degraded = samples.filter((s) => during(s) && s.status === 503);
    expect(degraded.length, summary).toBeGreaterThan(0);
    for (const s of degraded) expect(typeof s.body?.reason === "string" && s.body.reason !== "", summary).toBe(true);
    expect(samples.at(-1)?.status, summary).toBe(200);
  });

  test("every occurrence of the window has a row once the store answers: ran, or recorded as missed with a reason", () => {
    expect(a.missing.slice(0, 5), summary).toEqual([]);
    expect(rowsNotRun.filter((r) => r.message === "").slice(0, 5), summary).toEqual([]);
  });

  test("nothing executed is lost or doubled, nothing left running, no false status", () => {
    expect(a.executedUnrecorded.slice(0, 5), summary).toEqual([]);
    expect(a.executedTwice.slice(0, 5), summary).toEqual([]);
    expect(a.executedRecordedNotRun.slice(0, 5), summary).toEqual([]);
    expect(a.duplicateRows.slice(0, 5), summary).toEqual([]);
    expect(a.leftRunning.slice(0, 5), summary).toEqual([]);
    expect(a.falseOverlapSkips.slice(0, 5), summary).toEqual([]);
  });

  test(`runs that could start started within ${LATE_BOUND_MS} ms of their time (the lock does not hold the loop)`, () => {
    expect(a.lateStarts.slice(0, 5).map((r) => `${r.label}@${r.scheduled_for} +${r.lateMs}ms`), summary).toEqual([]);
  });

  test("no stack trace or crash in the log, and SIGTERM exits 0", () => {
    expect(crashSigns(logLines).slice(0, 3), summary).toEqual([]);
    expect(exit, summary).toMatchObject({ code: 0, signal: null });
  });
});
