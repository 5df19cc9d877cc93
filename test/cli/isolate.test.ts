/**
 * Issue 12, item 3, on the compiled binary: a TypeScript callback that
 * busy-loops is ended at its `timeout = 2 seconds` while a 1-second job keeps
 * within 5 ms of its time, /healthz answers during the loop, and SIGTERM with
 * --grace 3s exits within the grace. Before, the loop froze the scheduler's
 * thread: the run was recorded `success` after 10 s, /healthz took 9 s, most
 * occurrences of the 1-second job left no row, and SIGTERM took 13 s.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BINARY, tempDir, tickd } from "../helpers/binary.ts";

/** Loops 10 s without yielding, as in the issue (bounded, so a regression ends instead of hanging the test). */
const SPIN_TS = `
export function spin(_kwargs, ctx) {
  ctx.log("looping");
  const end = Date.now() + 10_000;
  while (Date.now() < end) {}
  return "finished the loop";
}
`;

/** Records its own start lateness, read on the wall clock the engine schedules by. */
const TICK_TS = `
import { appendFileSync } from "node:fs";
export function tick(kwargs, ctx) {
  appendFileSync(kwargs.file, (Date.now() - ctx.scheduledFor.getTime()) + "\\n");
}
`;

const JOBS_TS = `
import { isMainThread } from "node:worker_threads";
import { Result, STATUS } from "tickd";
export function where(kwargs, ctx) {
  ctx.log("hello", kwargs.who);
  return Result(STATUS.success, { message: isMainThread ? "main thread" : "worker", output: "done" });
}
`;

interface Project {
  readonly dir: string;
  readonly cleanup: () => void;
}

function project(ini: string, files: Record<string, string>): Project {
  const t = tempDir("tickd-isolate-cli-");
  mkdirSync(path.join(t.dir, "config"));
  mkdirSync(path.join(t.dir, "app"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(t.dir, "app", name), text);
  writeFileSync(path.join(t.dir, "config", "scheduler.ini"), ini);
  return t;
}

/** `tickd run` with its stderr (the JSON log) collected. */
function run(dir: string, args: string[]) {
  const proc = Bun.spawn([BINARY, "run", "--log-format", "json", ...args], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  let text = "";
  const decoder = new TextDecoder();
  void (async () => {
    for await (const chunk of proc.stderr) text += decoder.decode(chunk);
  })();
  const events = () =>
    text
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  /** The first log event matching, waited for up to `ms`. */
  const waitFor = async (match: (e: Record<string, unknown>) => boolean, ms = 10_000) => {
    for (const until = Date.now() + ms; Date.now() < until; await Bun.sleep(20)) {
      const found = events().find(match);
      if (found) return found;
    }
    throw new Error(`no such log event within ${ms} ms:\n${text}`);
  };
  return { proc, events, waitFor, log: () => text };
}

async function history(dir: string, label: string): Promise<Array<{ status: string; durationMs: number; scheduledFor: string; message: string; output: string }>> {
  const r = await tickd(["history", label, "--json", "--limit", "100"], { cwd: dir });
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe("a callback that busy-loops, in its worker", () => {
  let p: Project;
  let spins: Awaited<ReturnType<typeof history>>;
  let ticks: Awaited<ReturnType<typeof history>>;
  let late: number[];
  let healthMs: number;
  let healthStatus: number;
  let code: number;

  beforeAll(async () => {
    p = project(
      "[spin]\ncall = app.spin.spin\nevery = 5 seconds\ntimeout = 2 seconds\n\n[tick]\ncall = app.tick.tick\nevery = 1 second\nfile = late.txt\n",
      { "spin.ts": SPIN_TS, "tick.ts": TICK_TS },
    );
    const service = run(p.dir, ["--listen", "127.0.0.1:0", "--grace", "3s"]);
    try {
      const url = String((await service.waitFor((e) => e.event === "api.listening")).url);
      await service.waitFor((e) => e.event === "run.started" && e.label === "spin");
      // Half a second into the loop.
      await Bun.sleep(500);
      const asked = performance.now();
      const health = await fetch(`${url}/healthz`);
      healthMs = performance.now() - asked;
      healthStatus = health.status;
      await service.waitFor((e) => e.event === "run.finished" && e.label === "spin");
      // Past the end of its worker (ABORT_GRACE_MS later), before the next loop is due.
      await Bun.sleep(1_200);
      service.proc.kill("SIGTERM");
      code = await service.proc.exited;
    } finally {
      service.proc.kill("SIGKILL");
    }
    spins = await history(p.dir, "spin");
    ticks = (await history(p.dir, "tick")).reverse();
    late = readFileSync(path.join(p.dir, "late.txt"), "utf8").trim().split("\n").map(Number);
  }, 30_000);
  afterAll(() => p.cleanup());

  test("the loop is recorded timeout at its 2 s timeout, with what it logged", () => {
    expect(spins.length).toBe(1);
    expect(spins[0]).toMatchObject({ status: "timeout", message: "timed out after 2 s", output: "looping" });
    expect(spins[0]!.durationMs).toBeGreaterThanOrEqual(2_000);
    expect(spins[0]!.durationMs).toBeLessThan(2_300);
  });

  test("the 1-second job ran at every second, each start within 5 ms of its time", () => {
    expect(ticks.length).toBeGreaterThanOrEqual(6);
    for (const [i, r] of ticks.entries()) {
      expect(r.status).toBe("success");
      if (i > 0) expect(Date.parse(r.scheduledFor) - Date.parse(ticks[i - 1]!.scheduledFor)).toBe(1_000);
    }
    expect(late.length).toBe(ticks.length);
    // Whole milliseconds (Date.now() in the worker). One start may be caught
    // by a stall of the machine itself, which the benchmark sees without any
    // loop too (bench/README.md: late wakes of the virtual CPU); in-process,
    // every start during the loop came seconds late or never.
    expect(late.filter((ms) => ms > 5).length).toBeLessThanOrEqual(1);
    expect(Math.max(...late)).toBeLessThan(100);
  });

  test("/healthz answers at once while the loop runs", () => {
    expect(healthStatus).toBe(200);
    expect(healthMs).toBeLessThan(500);
  });

  test("SIGTERM after the loop was ended exits 0", () => {
    expect(code).toBe(0);
  });
});

describe("SIGTERM while a callback without a timeout loops", () => {
  test("--grace 3s: the run is aborted when the grace is over, its worker ended, and tickd exits within the grace and a second", async () => {
    const p = project("[forever]\ncall = app.spin.spin\nevery = 1 second\n", { "spin.ts": SPIN_TS });
    try {
      const service = run(p.dir, ["--no-api", "--grace", "3s"]);
      try {
        await service.waitFor((e) => e.event === "run.started" && e.label === "forever");
        await Bun.sleep(300);
        const sent = performance.now();
        service.proc.kill("SIGTERM");
        const code = await service.proc.exited;
        const took = performance.now() - sent;
        expect(code).toBe(0);
        expect(took).toBeGreaterThanOrEqual(3_000);
        expect(took).toBeLessThan(4_500);
      } finally {
        service.proc.kill("SIGKILL");
      }
      const runs = (await history(p.dir, "forever")).filter((r) => r.status !== "skipped");
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: "error", message: "aborted at shutdown", output: "looping" });
    } finally {
      p.cleanup();
    }
  }, 20_000);
});

describe("isolate = none", () => {
  test("keeps a callback in the scheduler's thread, with the same record as in a worker", async () => {
    const p = project("[here]\ncall = app.jobs.where\nevery = 1 day\nisolate = none\nwho = Ada\n\n[there]\ncall = app.jobs.where\nevery = 1 day\nwho = Ada\n", { "jobs.ts": JOBS_TS });
    try {
      const here = await tickd(["run-job", "here"], { cwd: p.dir });
      expect(here.code).toBe(0);
      expect(here.stdout).toContain("message: main thread");
      // The ctx.log line shown as it came; the summary shows the rest of the output.
      expect(here.stdout).toStartWith("hello Ada\n");
      expect(here.stdout).toContain("output:\n  done\n");
      const there = await tickd(["run-job", "there"], { cwd: p.dir });
      expect(there.code).toBe(0);
      expect(there.stdout).toContain("message: worker");
      expect(there.stdout).toStartWith("hello Ada\n");
      expect(there.stdout).toContain("output:\n  done\n");
      const check = await tickd(["check"], { cwd: p.dir });
      expect(check.code).toBe(0);
      const exported = await tickd(["export-ini", "--preview"], { cwd: p.dir });
      expect(exported.stdout).toContain("[here]\ncall = app.jobs.where\nevery = 1 day\nisolate = none\n");
      expect(exported.stdout).not.toMatch(/\[there\][^[]*isolate/);
    } finally {
      p.cleanup();
    }
  });

  test("an isolate value other than worker or none is a problem at its line", async () => {
    const p = project("[bad]\ncall = app.jobs.where\nevery = 1 day\nisolate = thread\n", { "jobs.ts": JOBS_TS });
    try {
      const check = await tickd(["check"], { cwd: p.dir });
      expect(check.code).toBe(2);
      expect(check.stderr).toContain(':4 [bad] isolate: "thread" is not one of worker, none; write one of them (default worker)');
    } finally {
      p.cleanup();
    }
  });
});
