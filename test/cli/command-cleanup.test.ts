/**
 * Issue 12, item 5: every process a command job starts is ended with its run,
 * even one that leaves the process group (setsid) and ignores TERM, and
 * neither `tickd run-job` nor `tickd run` is kept alive by it. The compiled
 * binary on a temp project; each test's processes are told apart by a unique
 * sleep argument (`sleep 604.<random>`), found in /proc.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import { BINARY } from "../helpers/binary.ts";
import { writeProject, type Project } from "../helpers/service.ts";

const projects: Project[] = [];
const markers: string[] = [];
afterAll(() => {
  // A failing test must not leave its sleeps behind.
  for (const marker of markers) for (const pid of sleepsWith(marker)) killQuietly(pid);
  for (const p of projects) p.cleanup();
});

/** A sleep argument no other test (or run of this file) uses. */
function newMarker(): string {
  const marker = `604.${process.pid}${Math.floor(Math.random() * 1e6)}`;
  markers.push(marker);
  return marker;
}

/** Live (not zombie) processes whose command line is `sleep MARKER`. */
function sleepsWith(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "latin1") !== `sleep\0${marker}\0`) continue;
      const stat = readFileSync(`/proc/${name}/stat`, "latin1");
      if (stat.charAt(stat.lastIndexOf(")") + 2) !== "Z") pids.push(Number(name));
    } catch {
      // Gone while looking.
    }
  }
  return pids;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone.
  }
}

/** A command that starts `sleep MARKER` in a session of its own, ignoring TERM, and waits until it has left. */
function escapingSleep(dir: string, marker: string): string {
  const ready = path.join(dir, `ready-${marker}`);
  // The ready file is made by the shell itself (a redirection, no child): a `touch` could still be exiting when
  // the job's shell sees the file and exits, and then counted as a second leftover (a fresh clone under load saw 2).
  return `setsid sh -c 'trap "" TERM; : > ${ready}; exec sleep ${marker}' & until [ -e ${ready} ]; do sleep 0.01; done`;
}

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(20);
  }
  return true;
}

/** Run the binary; a run that outlives `ms` is killed and reported with code null. */
async function tickdWithin(args: readonly string[], cwd: string, ms: number): Promise<{ code: number | null; stdout: string; ms: number }> {
  const began = performance.now();
  const proc = Bun.spawn([BINARY, ...args], { cwd, stdout: "pipe", stderr: "inherit" });
  const stdout = new Response(proc.stdout).text();
  const timer = setTimeout(() => proc.kill("SIGKILL"), ms);
  const code = await proc.exited;
  clearTimeout(timer);
  const took = performance.now() - began;
  return { code: proc.signalCode === "SIGKILL" ? null : code, stdout: await stdout, ms: took };
}

async function rows(p: Project, label: string): Promise<Array<Record<string, unknown>>> {
  const client = createClient({ url: `file:${path.join(p.dir, "config", "scheduler.db")}` });
  try {
    const result = await client.execute({ sql: "SELECT status, message, output FROM activity WHERE label = ? ORDER BY started_at", args: [label] });
    return result.rows.map((r) => ({ ...r }));
  } finally {
    client.close();
  }
}

function project(ini: (dir: string) => string): Project {
  const p = writeProject("");
  writeFileSync(p.configPath, ini(p.dir));
  projects.push(p);
  return p;
}

describe("processes of command jobs end with their run (issue 12, item 5)", () => {
  test("tickd run-job returns soon after the shell exits, records the run and ends the sleep that escaped with setsid and ignores TERM", async () => {
    const marker = newMarker();
    const p = project((dir) => `[escape]\ncommand = ${escapingSleep(dir, marker)}; echo started\nevery = 1 day\n`);
    const r = await tickdWithin(["run-job", "escape"], p.dir, 10_000);
    expect(r.code).toBe(0);
    // The shell exits at once; its leftover gets TERM (ignored), then KILL after the 2 s grace.
    expect(r.ms).toBeLessThan(6_000);
    expect(r.stdout).toContain("escape: success");
    // "started" streamed as it came; the summary adds what the record has beyond it: tickd's note.
    expect(r.stdout).toStartWith("started\n");
    expect(r.stdout).toContain("output:\n  [tickd: ended 1 leftover process of this run]");
    expect(sleepsWith(marker)).toEqual([]);
    expect(await rows(p, "escape")).toMatchObject([{ status: "success", output: "started\n[tickd: ended 1 leftover process of this run]" }]);
  }, 15_000);

  test("tickd run --grace 3s exits within its grace after SIGTERM, with nothing of a running or a finished command job left", async () => {
    const held = newMarker();
    const left = newMarker();
    const p = project(
      (dir) =>
        // "held": its shell is still running at shutdown; "left": its shell exits at once, its sleep lives on.
        `[held]\ncommand = ${escapingSleep(dir, held)}; sleep 30\nevery = 1 second\n\n` + `[left]\ncommand = ${escapingSleep(dir, left)}; echo started\nevery = 1 second\n`,
    );
    const proc = Bun.spawn([BINARY, "run", "--no-api", "--grace", "3s"], { cwd: p.dir, stdout: "ignore", stderr: "pipe" });
    const log = new Response(proc.stderr).text();
    try {
      expect(await until(() => sleepsWith(held).length > 0 && sleepsWith(left).length > 0, 10_000)).toBe(true);
      const signalled = performance.now();
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
      const took = performance.now() - signalled;
      expect(exited).toBe(true);
      // The grace, then TERM and half a second later KILL (SHUTDOWN_KILL_GRACE_MS), plus a margin for a loaded machine.
      expect(took).toBeLessThan(3_000 + 500 + 1_500);
      expect(proc.exitCode).toBe(0);
      expect(sleepsWith(held)).toEqual([]);
      expect(sleepsWith(left)).toEqual([]);
      expect(await log).toContain("stopped");
      expect(await rows(p, "held")).toContainEqual(expect.objectContaining({ status: "error", message: "aborted at shutdown" }));
    } finally {
      proc.kill("SIGKILL");
    }
  }, 20_000);

  test("a command whose child left the group and ignores TERM past its timeout is recorded timeout and killed after the grace", async () => {
    const marker = newMarker();
    const p = project(() => `[stuck]\ncommand = setsid sh -c 'trap "" TERM; exec sleep ${marker}'\nevery = 1 day\ntimeout = 300 ms\n`);
    const r = await tickdWithin(["run-job", "stuck"], p.dir, 10_000);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("stuck: timeout");
    // Recorded at its timeout; the process exits once the child is gone: TERM at 300 ms, KILL 2 s later.
    expect(r.ms).toBeGreaterThan(2_000);
    expect(r.ms).toBeLessThan(6_000);
    expect(sleepsWith(marker)).toEqual([]);
    expect(await rows(p, "stuck")).toMatchObject([{ status: "timeout", message: "timed out after 300 ms" }]);
  }, 15_000);
});
