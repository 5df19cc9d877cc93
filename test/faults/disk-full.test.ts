/**
 * Issue 12.4, second item: the database on a 3 MB tmpfs that a filler file
 * fills while tickd runs one-second jobs. While writes fail /healthz must say
 * 503 with the reason; once the filler is removed writes recover, the WAL is
 * checkpointed and truncated (it must not keep the space), the occurrences
 * that could not run are recorded as missed, no false status is written, and
 * SIGTERM exits 0. Needs root (mount); skipped with the reason otherwise.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync, rmdirSync, unlinkSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  analyse,
  crashSigns,
  faultProject,
  fileSize,
  Instance,
  jobsOf,
  killAllSpawned,
  NOT_RUN,
  pollHealth,
  readActivity,
  readEffects,
  summarise,
  walCheckpointSeq,
  wholeLines,
  type Analysis,
  type FaultProject,
  type HealthSample,
} from "./harness.ts";

const DISK = "3m";
/** How long the disk stays full. */
const FULL_MS = 15_000;
/**
 * Writes fail once they need space the files do not already hold: the WAL
 * is rewound at each checkpoint and its old frames are written over, so the
 * first failure comes some seconds after the fill (5.9–6.3 s in five runs; fewer
 * pages a batch make it later). It must come this long before the free, so
 * that /healthz is seen while writes fail.
 */
const FAILING_FOR_MS = 3_000;
/** /healthz says 503 within this after the first write that fails (the reason names it). */
const DEGRADED_WITHIN_MS = 1_000;
/** After the filler is removed: writes and /healthz recover and the WAL is truncated within this. */
const RECOVER_MS = 10_000;
/**
 * The WAL must not keep the disk's space: once space returns it is
 * checkpointed (its header's checkpoint sequence changes, or the file is
 * truncated), and from RECOVER_MS / 2 after the free it stays below this.
 * (SQLite's default autocheckpoint lets it reach 4 MB, more than this disk,
 * and only rewinds it: the file never shrinks.)
 */
const WAL_AFTER_BYTES = 1024 * 1024;
const HEALTH_TIMEOUT_MS = 1_000;
/**
 * A run that could not be claimed in time is a misfire, recorded as missed;
 * none starts later than this after its instant (today the claims held back
 * by the full disk are granted together once it frees, 8 s late).
 */
const LATE_BOUND_MS = 2_000;

const JOBS = [...jobsOf("every1s-", 10, "every = 1 second", 1000), ...jobsOf("cron1s-", 2, "cron = * * * * * *", 1000)];

function mount(dir: string): string | null {
  const r = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", `size=${DISK}`, "tmpfs", dir], { stderr: "pipe" });
  return r.exitCode === 0 ? null : `mount -t tmpfs failed: ${r.stderr.toString().trim()}`;
}
function unmount(dir: string): void {
  Bun.spawnSync(["umount", "-l", dir]);
}

/** Why this machine cannot run the test, or null: root, and a tmpfs can be mounted. */
function cannotRun(): string | null {
  if (process.getuid?.() !== 0) return "needs root to mount a tmpfs";
  const probe = mkdtempSync(path.join(os.tmpdir(), "tickd-faults-mount-"));
  const failed = mount(probe);
  if (!failed) unmount(probe);
  rmdirSync(probe);
  return failed;
}

const skip = cannotRun();
if (skip) console.warn(`[faults/disk-full] skipped: ${skip}`);

let project: FaultProject;
let diskDir = "";
let mounted = false;
let a: Analysis;
let summary = "";
let samples: HealthSample[] = [];
let fullAt = 0;
/** When the instance logged the first batch of writes that failed for want of space; null: none did. */
let firstFailureAt: number | null = null;
let freedAt = 0;
let fillerBytes = 0;
let walMax = 0;
let walAtFree = 0;
/** Largest WAL size seen from RECOVER_MS / 2 after the free to the end. */
let walLateMax = 0;
/** ms after the free when the WAL was first seen checkpointed (its sequence changed or it was truncated); null: never. */
let walCheckpointedAfterMs: number | null = null;
let walSeqs: Array<number | null> = [];
let walAtEnd = 0;
let rowsAfterFree = 0;
let exit: { code: number | null; signal: string | null } = { code: null, signal: null };
let logLines: string[] = [];
let rowsNotRun: Array<{ label: string; status: string; message: string }> = [];

/** Write zeros until the disk is full; returns the bytes written. */
function fill(file: string): number {
  const fd = openSync(file, "w");
  const chunk = Buffer.alloc(64 * 1024);
  let bytes = 0;
  try {
    for (;;) bytes += writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  return bytes;
}

describe.skipIf(skip !== null)(`a full disk (a ${DISK} tmpfs filled while tickd runs)${skip ? ` — skipped: ${skip}` : ""}`, () => {
  beforeAll(async () => {
    project = faultProject({ jobs: JOBS, dbSubdir: "disk" });
    diskDir = path.dirname(project.dbPath);
    const failed = mount(diskDir);
    if (failed) throw new Error(failed);
    mounted = true;
    const wal = `${project.dbPath}-wal`;
    const instance = new Instance(project, { name: "disk", api: true });
    await instance.start();
    const poll = pollHealth(instance.url!, 250, HEALTH_TIMEOUT_MS);
    const watchWal = setInterval(() => (walMax = Math.max(walMax, fileSize(wal))), 100);
    await Bun.sleep(3_000);
    const filler = path.join(diskDir, "filler");
    fillerBytes = fill(filler);
    fullAt = Date.now();
    await Bun.sleep(FULL_MS);
    walAtFree = fileSize(wal);
    const seqAtFree = walCheckpointSeq(wal);
    walSeqs = [seqAtFree];
    unlinkSync(filler);
    freedAt = Date.now();
    while (Date.now() - freedAt < RECOVER_MS) {
      const seq = walCheckpointSeq(wal);
      if (seq !== walSeqs.at(-1)) walSeqs.push(seq);
      if (walCheckpointedAfterMs === null && (seq === null || seq !== seqAtFree)) walCheckpointedAfterMs = Date.now() - freedAt;
      if (Date.now() - freedAt >= RECOVER_MS / 2) walLateMax = Math.max(walLateMax, fileSize(wal));
      await Bun.sleep(25);
    }
    clearInterval(watchWal);
    walAtEnd = fileSize(wal);
    await poll.stop();
    samples = poll.samples;
    const stopAt = Date.now();
    exit = await instance.stop();
    logLines = wholeLines(instance.current!.logPath);

    const rows = readActivity(project.dbPath);
    rowsAfterFree = rows.filter((r) => r.started_at > freedAt + 1_000 && !NOT_RUN.has(r.status)).length;
    rowsNotRun = rows.filter((r) => NOT_RUN.has(r.status)).map((r) => ({ label: r.label, status: r.status, message: r.message }));
    a = analyse({ jobs: JOBS, effects: readEffects(project.effectsPath), rows, window: { from: instance.current!.startedAt + 2_000, to: stopAt - 1_000 }, lateBoundMs: LATE_BOUND_MS });
    const codes = (list: HealthSample[]) => [...new Set(list.map((s) => `${s.status ?? "none"}${s.body?.reason ? `(${String(s.body.reason).slice(0, 80)})` : ""}`))].join(",");
    const full = logLines.filter((l) => l.includes("SQLITE_FULL"));
    const failures = full.length;
    // A batch of runs that could not be written (a checkpoint that fails for want of space fails no write).
    const times = full
      .filter((l) => l.startsWith("{") && /writing \d+ run\(s\) and \d+ claim\(s\) failed/.test(l))
      .map((l) => Date.parse((JSON.parse(l) as { time?: string }).time ?? ""))
      .filter((t) => !Number.isNaN(t));
    firstFailureAt = times.length === 0 ? null : Math.min(...times);
    const degradedFrom = (firstFailureAt ?? freedAt) + DEGRADED_WITHIN_MS;
    summary = [
      summarise(a, { fillerBytes, fullMs: FULL_MS, exit }),
      `  first write failure: ${firstFailureAt === null ? "none" : `${firstFailureAt - fullAt} ms after the fill, ${freedAt - firstFailureAt} ms before the free`}`,
      `  /healthz while failing: ${codes(samples.filter((s) => s.at > degradedFrom && s.at < freedAt))}; after: ${codes(samples.filter((s) => s.at > freedAt + RECOVER_MS / 2))}`,
      `  WAL: max ${walMax} B, at the free ${walAtFree} B, largest from ${RECOVER_MS / 2000} s after the free ${walLateMax} B, at the end ${walAtEnd} B;` +
        ` checkpointed after the free: ${walCheckpointedAfterMs === null ? "never" : `${walCheckpointedAfterMs} ms`} (checkpoint sequence ${walSeqs.map(String).join("→")})`,
      `  rows of runs started after the free: ${rowsAfterFree}; SQLITE_FULL log lines: ${failures}; crash signs: ${crashSigns(logLines).length}`,
      `  not-run rows: ${[...new Set(rowsNotRun.map((r) => `${r.status}: ${r.message}`))].slice(0, 4).join(" | ")}`,
    ].join("\n");
    console.error(`[faults/disk-full]\n${summary}`);
  }, 90_000);

  afterAll(async () => {
    await killAllSpawned();
    // FAULTS_KEEP=1 leaves the tmpfs mounted, the database on it (umount it after looking).
    if (mounted && !process.env.FAULTS_KEEP) unmount(diskDir);
    project?.cleanup();
  });

  test(`/healthz is 503 with the reason while writes fail (from ${DEGRADED_WITHIN_MS} ms after the first failure), 200 once they recover`, () => {
    expect(firstFailureAt, summary).not.toBeNull();
    expect(freedAt - firstFailureAt!, summary).toBeGreaterThanOrEqual(FAILING_FOR_MS);
    const whileFull = samples.filter((s) => s.at > firstFailureAt! + DEGRADED_WITHIN_MS && s.at + s.ms < freedAt);
    expect(whileFull.length, summary).toBeGreaterThan(0);
    expect(whileFull.filter((s) => s.status !== 503).slice(0, 3).map((s) => ({ at: new Date(s.at).toISOString(), status: s.status, body: s.body })), summary).toEqual([]);
    for (const s of whileFull) expect(typeof s.body?.reason === "string" && s.body.reason !== "", summary).toBe(true);
    expect(samples.at(-1)?.status, summary).toBe(200);
  });

  test(`writes recover once space returns, the WAL is checkpointed and stays below ${WAL_AFTER_BYTES / 1024 / 1024} MB`, () => {
    expect(rowsAfterFree, summary).toBeGreaterThan(0);
    expect(walCheckpointedAfterMs, summary).not.toBeNull();
    expect(walLateMax, summary).toBeLessThan(WAL_AFTER_BYTES);
  });

  test(`the occurrences that could not run are recorded as missed, with a reason; none runs more than ${LATE_BOUND_MS} ms late`, () => {
    expect(a.missing.slice(0, 5), summary).toEqual([]);
    expect(a.lateStarts.slice(0, 5).map((r) => `${r.label}@${r.scheduled_for} +${r.lateMs}ms`), summary).toEqual([]);
    expect(rowsNotRun.filter((r) => r.message === "").slice(0, 5), summary).toEqual([]);
  });

  test("no false status: no 'previous run was still running' skip without a running run, nothing executed lost, doubled or left running", () => {
    expect(a.falseOverlapSkips.slice(0, 5).map((r) => `${r.label}@${r.scheduled_for}: ${r.message}`), summary).toEqual([]);
    expect(a.executedUnrecorded.slice(0, 5), summary).toEqual([]);
    expect(a.executedRecordedNotRun.slice(0, 5), summary).toEqual([]);
    expect(a.executedTwice.slice(0, 5), summary).toEqual([]);
    expect(a.duplicateRows.slice(0, 5), summary).toEqual([]);
    expect(a.leftRunning.slice(0, 5), summary).toEqual([]);
  });

  test("no crash, and SIGTERM exits 0", () => {
    expect(crashSigns(logLines).slice(0, 3), summary).toEqual([]);
    expect(exit, summary).toMatchObject({ code: 0, signal: null });
  });
});
