/**
 * The SDK job modules import as "tickd" (issue 14, items 1-5): the
 * original's STATUS names, Result's forms and its messages, what counts as
 * a result, Activity.log outside a run, and stacks without tickd's frames.
 */
import { describe, expect, test } from "bun:test";
import path from "node:path";
import { MisuseError } from "../../src/errors.ts";
import { callInRun, endRun } from "../../src/sdk/activity.ts";
import { Activity, Result, STATUS, STATUSES, type JobContext } from "../../src/sdk/index.ts";
import { readResult } from "../../src/sdk/result.ts";
import { callerLocation, trimStack } from "../../src/sdk/stack.ts";
import { toStatus } from "../../src/sdk/status.ts";

const SRC = path.resolve(import.meta.dir, "../../src");

describe("STATUS", () => {
  test("every status has the original's upper-case name beside its stored lowercase one, with the stored value", () => {
    for (const s of STATUSES) {
      expect(STATUS[s]).toBe(s);
      expect((STATUS as Record<string, string>)[s.toUpperCase()]).toBe(s);
    }
    expect(STATUS.SUCCESS).toBe("success");
    expect(STATUS.FAILURE).toBe("failure");
    expect(STATUS.ERROR).toBe("error");
    // One spelling is stored and listed.
    expect([...STATUSES]).toEqual(["success", "failure", "error", "timeout", "skipped", "abandoned", "missed", "running", "cancelled"]);
  });

  test.each([
    ["success", "success"],
    ["SUCCESS", "success"],
    ["Failure", "failure"],
    ["succes", undefined],
    ["", undefined],
    [undefined, undefined],
    [1, undefined],
    ["constructor", undefined],
  ])("toStatus(%p) is %p", (given, expected) => {
    expect(toStatus(given)).toBe(expected as never);
  });
});

describe("Result", () => {
  test("takes the message as a string, or { message, output }, or (message, output); with or without new", () => {
    expect(Result(STATUS.FAILURE, "quota exceeded")).toMatchObject({ status: "failure", message: "quota exceeded", output: "" });
    expect(Result(STATUS.success, { message: "m", output: "o" })).toMatchObject({ status: "success", message: "m", output: "o" });
    expect(new Result(STATUS.SUCCESS, "m", "o")).toMatchObject({ status: "success", message: "m", output: "o" });
    expect(Result("SKIPPED")).toMatchObject({ status: "skipped", message: "", output: "" });
    expect(Result.is(Result(STATUS.SUCCESS))).toBe(true);
    expect(Result.is({ status: "success", message: "", output: "" })).toBe(false);
  });

  test.each([
    [() => Result(undefined as never), "Result: undefined is not a status (a misspelt STATUS name?); use STATUS.SUCCESS, STATUS.FAILURE, STATUS.ERROR, STATUS.TIMEOUT, STATUS.SKIPPED (or their lowercase names)"],
    [() => Result(STATUS.running as never), 'Result: "running" is recorded by tickd itself, never by a callback; use STATUS.SUCCESS, STATUS.FAILURE, STATUS.ERROR, STATUS.TIMEOUT, STATUS.SKIPPED (or their lowercase names)'],
    [() => Result(STATUS.SUCCESS, 42 as never), "Result: the second argument must be the message (a string) or { message, output }, got 42 (a number)"],
    [() => Result(STATUS.SUCCESS, { mesage: "x" } as never), 'Result: {"mesage":"x"} has "mesage", which is not a field of a result (message, output)'],
    [() => Result(STATUS.SUCCESS, { message: "m" }, "o"), "Result: with { message, output } as the second argument, give output there, not as a third argument"],
    [() => Result(STATUS.SUCCESS, { output: { rows: 3 } } as never), 'Result: output must be a string, got {"rows":3}'],
  ])("a misuse throws a MisuseError that starts with the caller's file and line (%#)", (call, message) => {
    let thrown: unknown;
    try {
      call();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MisuseError);
    expect((thrown as MisuseError).code).toBe("misuse");
    expect((thrown as Error).message).toMatch(new RegExp(`^test/sdk/sdk\\.test\\.ts:\\d+:\\d+: ${RegExp.escape(message)}$`));
  });
});

describe("what counts as a result", () => {
  test.each([
    [{ status: "failure", message: "disk 97% full" }, { status: "failure", message: "disk 97% full", output: "" }],
    [{ status: "SKIPPED", output: "0 rows" }, { status: "skipped", message: "", output: "0 rows" }],
    ["hello", { status: "success", message: "hello", output: "" }],
    [Result(STATUS.TIMEOUT, "upstream timed out"), { status: "timeout", message: "upstream timed out", output: "" }],
  ])("%p is read as a result", (value, expected) => {
    expect(readResult(value)).toEqual({ result: expect.objectContaining(expected) });
  });

  test.each([
    [42, "42 (a number), which is not a result"],
    [false, "false (a boolean), which is not a result"],
    [[1], "an array [1], which is not a result"],
    [new Date(0), "an instance of Date, which is not a result"],
    [{ message: "x" }, '{"message":"x"}, which has no status'],
    [{ status: "done" }, '{"status":"done"}: "done" is not a status; use STATUS.SUCCESS, STATUS.FAILURE, STATUS.ERROR, STATUS.TIMEOUT, STATUS.SKIPPED (or their lowercase names)'],
    [{ status: "success", rows: 3 }, '{"status":"success","rows":3} has "rows", which is not a field of a result (status, message, output)'],
  ])("%p is not: the problem names it", (value, problem) => {
    expect(readResult(value)).toEqual({ problem });
  });
});

describe("Activity.log", () => {
  test("outside a run it throws, saying so, at the caller's line", () => {
    expect(() => {
      Activity.log("nightly", Result(STATUS.SUCCESS));
    }).toThrow(
      /^test\/sdk\/sdk\.test\.ts:\d+:\d+: Activity\.log: called outside a run of a job; call it from a job's callback while it runs/,
    );
  });
});

describe("Activity.log in a run", () => {
  const context = (label: string) => ({ label, jobId: label, scheduledFor: new Date(0), attempt: 1, signal: new AbortController().signal, log: () => {} }) satisfies JobContext;

  test("sets the result the engine reads at the run's end, also after an await", async () => {
    const ctx = context("nightly");
    await callInRun(ctx, async () => {
      await null;
      Activity.log("nightly", { status: "FAILURE", message: "disk 97% full" });
    });
    expect(endRun(ctx)).toMatchObject({ status: "failure", message: "disk 97% full" });
  });

  test("after its run ended, a call (a stray timer's) changes nothing and says so on stderr", () => {
    const ctx = context("nightly");
    expect(endRun(ctx)).toBeUndefined();
    const said: string[] = [];
    const original = console.error;
    console.error = (...parts: unknown[]) => void said.push(parts.join(" "));
    try {
      callInRun(ctx, () => {
        Activity.log("nightly", Result(STATUS.FAILURE, "late"));
      });
    } finally {
      console.error = original;
    }
    expect(said).toEqual([expect.stringMatching(/^tickd: test\/sdk\/sdk\.test\.ts:\d+:\d+: Activity\.log: the run of "nightly" had already ended, and was recorded without this result/)]);
    expect(endRun(ctx)).toBeUndefined();
  });
});

describe("stacks", () => {
  const stack = [
    "MisuseError: app/jobs.ts:5:10: Result: bad",
    `    at misuse (${SRC}/sdk/result.ts:146:14)`,
    `    at <anonymous> (${SRC}/sdk/result.ts:166:34)`,
    "    at bad (/srv/app/jobs.ts:5:10)",
    "    at map (native)",
    "    at helper (/srv/src/app/util.ts:2:3)",
    "    at run (node:async_hooks:144:29)",
    `    at startAll (${SRC}/engine/worker/entry.ts:140:21)`,
    "    at processTicksAndRejections (native:7:39)",
  ].join("\n");

  test("trimStack drops tickd's frames and the runtime's below the job's last, and keeps the job's own (a user's src/ folder included)", () => {
    expect(trimStack(stack)).toBe(["MisuseError: app/jobs.ts:5:10: Result: bad", "    at bad (/srv/app/jobs.ts:5:10)", "    at map (native)", "    at helper (/srv/src/app/util.ts:2:3)"].join("\n"));
  });

  test("callerLocation is the job's first frame", () => {
    expect(callerLocation(stack)).toBe("/srv/app/jobs.ts:5:10");
    expect(callerLocation(`Error: x\n    at f (${SRC}/engine/execute.ts:1:1)`)).toBeUndefined();
  });
});
