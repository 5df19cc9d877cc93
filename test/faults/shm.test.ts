/**
 * Issue 12.4, third item: the database's `-shm` file (SQLite's WAL index,
 * which every connection maps into memory with mmap MAP_SHARED) is truncated
 * under a running tickd: to 0 bytes (an operator, a cleanup script), or to 3
 * bytes, which is what SQLite itself does when it opens a database and sees no
 * other process's lock on the -shm (a second SQLite library in the same
 * process, whose POSIX locks are invisible to it; locks not shared, as on some
 * network filesystems). The next access to a mapped page past the end of the
 * file gets SIGBUS from the kernel; before the fix Bun's crash handler printed
 * `panic(main thread): Bus error` and the process died by signal 7, losing the
 * runs that had executed and whose records were still queued. A store fault
 * must be an error, never a crash.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { truncateSync } from "node:fs";
import { analyse, crashSigns, faultProject, fileSize, Instance, jobsOf, killAllSpawned, parseLog, readActivity, readEffects, summarise, wholeLines, type Analysis, type FaultProject } from "./harness.ts";

/** tickd runs this long after the fault before SIGTERM. */
const AFTER_FAULT_MS = 5_000;

const JOBS = jobsOf("every1s-", 10, "every = 1 second", 1000);

for (const bytes of [0, 3]) describe(`the -shm file truncated to ${bytes} bytes under a running tickd`, () => {
  let project: FaultProject;
  let a: Analysis;
  let summary = "";
  let truncatedAt = 0;
  let shmBefore = 0;
  let aliveBeforeStop = false;
  let exit: { code: number | null; signal: string | null } = { code: null, signal: null };
  let logLines: string[] = [];
  let errorsAfterFault: string[] = [];
  let rowsAfterFault = 0;

  beforeAll(async () => {
    project = faultProject({ jobs: JOBS });
    const instance = new Instance(project, { name: "shm" });
    await instance.start();
    await Bun.sleep(2_500);
    const shm = `${project.dbPath}-shm`;
    shmBefore = fileSize(shm);
    truncateSync(shm, bytes);
    truncatedAt = Date.now();
    await Bun.sleep(AFTER_FAULT_MS);
    aliveBeforeStop = instance.alive;
    exit = await instance.stop();
    logLines = wholeLines(instance.current!.logPath);
    errorsAfterFault = parseLog(logLines)
      .filter((l) => (l.level === "error" || l.event === "<raw>") && Date.parse(String(l.time ?? "")) >= truncatedAt - 50)
      .map((l) => JSON.stringify(l).slice(0, 300));
    const rows = readActivity(project.dbPath);
    rowsAfterFault = rows.filter((r) => r.started_at > truncatedAt + 1_500).length;
    a = analyse({ jobs: JOBS, effects: readEffects(project.effectsPath), rows });
    summary = [
      summarise(a, { truncatedTo: bytes, shmBytesBefore: shmBefore, aliveBeforeStop, exit }),
      `  rows of runs started after the fault: ${rowsAfterFault}; error lines after the fault: ${errorsAfterFault.length}${errorsAfterFault[0] ? ` (${errorsAfterFault[0]})` : ""}`,
      `  crash signs: ${crashSigns(logLines).filter((l) => l.includes("panic") || l.includes("Bus error")).join(" | ") || crashSigns(logLines).length}`,
    ].join("\n");
    console.error(`[faults/shm]\n${summary}`);
  }, 60_000);

  afterAll(async () => {
    await killAllSpawned();
    project?.cleanup();
  });

  test("tickd is still running, and SIGTERM exits 0 (no SIGBUS, no panic)", () => {
    expect(shmBefore, summary).toBeGreaterThan(0);
    expect(aliveBeforeStop, summary).toBe(true);
    expect(exit, summary).toMatchObject({ code: 0, signal: null });
    expect(logLines.filter((l) => l.includes("panic(") || l.includes("Bus error")).slice(0, 3), summary).toEqual([]);
  });

  test("the fault is reported as an error in the log", () => {
    expect(errorsAfterFault.length, summary).toBeGreaterThan(0);
  });

  test("no executed run is lost or doubled, none left running", () => {
    expect(a.executions, summary).toBeGreaterThan(0);
    expect(a.executedUnrecorded.slice(0, 5), summary).toEqual([]);
    expect(a.executedTwice.slice(0, 5), summary).toEqual([]);
    expect(a.leftRunning.slice(0, 5), summary).toEqual([]);
  });

  test("the scheduler goes on: runs after the fault are recorded", () => {
    expect(rowsAfterFault, summary).toBeGreaterThan(0);
  });
});
