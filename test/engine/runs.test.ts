import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Result, STATUS } from "../../src/sdk/index.ts";
import { pidAlive } from "../../src/store/index.ts";
import { at, harness, type Harness } from "./harness.ts";

const T0 = at("2026-03-02T10:00:00.000Z");
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("runs and their records", () => {
  test("a job every 10 seconds registered at 10:00:00 runs at 10:00:10, :20 and :30, each recorded once with start and end", async () => {
    const seen: string[] = [];
    h = await harness("[tick]\ncall = app.tick\nevery = 10 seconds\n", {
      start: T0,
      callbacks: { tick: (_kw, ctx) => void seen.push(ctx.scheduledFor.toISOString()) },
    });
    await h.clock.advance(35_000);
    expect(seen).toEqual(["2026-03-02T10:00:10.000Z", "2026-03-02T10:00:20.000Z", "2026-03-02T10:00:30.000Z"]);
    const rows = await h.rows("tick");
    expect(rows.map((r) => [r.scheduledFor - T0, r.startedAt - T0, r.endedAt! - T0, r.status, r.attempt, r.trigger])).toEqual([
      [10_000, 10_000, 10_000, "success", 1, "schedule"],
      [20_000, 20_000, 20_000, "success", 1, "schedule"],
      [30_000, 30_000, 30_000, "success", 1, "schedule"],
    ]);
  });

  test("a Result becomes the status, message and output; ctx.log lines come first in the output", async () => {
    h = await harness("[report]\ncall = app.report\nevery = 1 minute\nlimit = 5\n", {
      start: T0,
      callbacks: {
        report: (kwargs, ctx) => {
          ctx.log("checked", kwargs.limit, "items");
          return Result(STATUS.failure, { message: "3 of 5 mailboxes full", output: "a, b, c" });
        },
      },
    });
    await h.clock.advance(60_000);
    const [row] = await h.rows("report");
    expect(row).toMatchObject({ status: "failure", message: "3 of 5 mailboxes full", output: "checked 5 items\na, b, c", error: "" });
  });

  test("a run that changes its kwargs does not change the next run's: each gets its own copy", async () => {
    const seen: unknown[] = [];
    h = await harness("[report]\ncall = app.report\nevery = 1 minute\nlimit = 5\n", {
      start: T0,
      callbacks: {
        report: (kwargs) => {
          seen.push({ ...kwargs });
          (kwargs as Record<string, unknown>).limit = 99;
        },
      },
    });
    await h.clock.advance(120_000);
    expect(seen).toEqual([{ limit: 5 }, { limit: 5 }]);
    // Its own copy is writable: the change itself is no error.
    expect((await h.rows("report")).map((r) => r.status)).toEqual(["success", "success"]);
  });

  test("a callback that throws is recorded as error with the exception text and its stack", async () => {
    h = await harness("[boom]\ncall = app.boom\nevery = 1 minute\n", {
      start: T0,
      callbacks: {
        boom: async () => {
          throw new RangeError("disk quota exceeded");
        },
      },
    });
    await h.clock.advance(60_000);
    const [row] = await h.rows("boom");
    expect(row!.status).toBe("error");
    expect(row!.message).toBe("RangeError: disk quota exceeded");
    expect(row!.error).toContain("RangeError: disk quota exceeded");
    expect(row!.error).toContain("runs.test.ts");
  });

  test("a command job captures stdout and stderr; a non-zero exit is a failure naming the code", async () => {
    h = await harness("[ok]\ncommand = echo out; echo err >&2\nevery = 1 minute\n\n[bad]\ncommand = echo nope; exit 3\nevery = 1 minute\n", { start: T0 });
    await h.clock.advance(60_000);
    // The shell runs in real time; wait for it without moving the fake clock.
    for (let i = 0; i < 100 && (await h.rows()).some((r) => r.status === "running"); i++) await Bun.sleep(20);
    const rows = await h.rows();
    expect(rows.find((r) => r.label === "ok")).toMatchObject({ status: "success", output: "out\nerr\n" });
    expect(rows.find((r) => r.label === "bad")).toMatchObject({ status: "failure", message: "command exited with code 3", output: "nope\n" });
  });

  test("a url job succeeds on 2xx, fails otherwise, and keeps the body", async () => {
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => (new URL(req.url).pathname === "/ok" ? new Response("pong") : new Response("gone", { status: 410 })) });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      h = await harness(`[ping]\nurl = ${base}/ok\nevery = 1 minute\n\n[gone]\nurl = ${base}/gone\nevery = 1 minute\n`, { start: T0 });
      await h.clock.advance(60_000);
      for (let i = 0; i < 100 && (await h.rows()).some((r) => r.status === "running"); i++) await Bun.sleep(20);
      const rows = await h.rows();
      expect(rows.find((r) => r.label === "ping")).toMatchObject({ status: "success", message: "HTTP 200 OK", output: "pong" });
      expect(rows.find((r) => r.label === "gone")).toMatchObject({ status: "failure", message: "HTTP 410 Gone", output: "gone" });
    } finally {
      server.stop(true);
    }
  });

  test("every run emits run.started then run.finished with the same runId", async () => {
    h = await harness("[tick]\ncall = app.tick\nevery = 1 minute\n", { start: T0, callbacks: { tick: () => {} } });
    await h.clock.advance(60_000);
    const runEvents = h.events.filter((e) => e.type !== "job.changed") as Array<{ type: string; run: { runId: string; status: string } }>;
    expect(runEvents.map((e) => [e.type, e.run.status])).toEqual([
      ["run.started", "running"],
      ["run.finished", "success"],
    ]);
    expect(runEvents[0]!.run.runId).toBe(runEvents[1]!.run.runId);
  });
});

describe("command jobs and timeouts", () => {
  test("a command past its timeout is recorded as timeout and its whole process group is killed", async () => {
    h = await harness("[slow]\ncommand = sleep 30 & echo $! > pid; wait; echo done > finished\nevery = 1 minute\ntimeout = 1 second\n", { start: T0 });
    // `pid` holds the pid of the shell's child `sleep`: killing only the shell would leave it running.
    // Commands run in the engine's work folder (the project root; here the temp folder).
    const pidFile = join(h.dir, "pid");
    await h.clock.advance(60_000);
    // The shell creates the file before `echo` writes to it: wait for a whole line, not for the file.
    const writtenPid = () => (existsSync(pidFile) ? /^(\d+)\n$/.exec(readFileSync(pidFile, "utf8"))?.[1] : undefined);
    for (let i = 0; i < 200 && !writtenPid(); i++) await Bun.sleep(10);
    const pid = Number(writtenPid());
    expect(pid).toBeGreaterThan(1);
    await h.clock.advance(1_000);
    for (let i = 0; i < 500 && (await h.rows("slow"))[0]?.status === "running"; i++) await Bun.sleep(10);
    expect((await h.rows("slow"))[0]).toMatchObject({ status: "timeout", message: "timed out after 1 s" });
    // The kill is asynchronous (the process group is found, then signalled): give `sleep` up to 5 s to die.
    for (let i = 0; i < 500 && processAlive(pid); i++) await Bun.sleep(10);
    expect(processAlive(pid)).toBe(false);
    expect(existsSync(join(h.dir, "finished"))).toBe(false);
  });
});

/** Whether `pid` is still running: alive to the store's check, and not a zombie (killed, not yet reaped by init). */
function processAlive(pid: number): boolean {
  if (!pidAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
