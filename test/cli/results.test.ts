/**
 * Issue 14, items 1-5, on the compiled binary: results are recorded as the
 * callback meant them, in a callback's worker (the default) and in-process
 * (`isolate = none`) alike. Before: `STATUS.SUCCESS` was undefined (an
 * `error` run), a returned `{ status: "failure", … }` object and `42` were
 * successes, `Result(STATUS.FAILURE, "quota exceeded")` dropped its message,
 * a misuse showed tickd's frames and not the user's line, and there was no
 * `ctx.jobId` nor `Activity.log`.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir, tickd } from "../helpers/binary.ts";

const JOBS_TS = `import { Result, STATUS } from "tickd";

export function ported() { return Result(STATUS.SUCCESS, { message: "for users", output: "for admins" }); }
export function quota() { return Result(STATUS.FAILURE, "quota exceeded"); }
export function upper() { return Result("SKIPPED", "nothing to do"); }
export function fullDisk() { return { status: "failure", message: "disk 97% full" }; }
export async function fullDiskLater() { await null; return { status: "FAILURE", message: "disk 97% full", output: "/var" }; }
export function badObject() { return { status: "finished", message: "done" }; }
export function hello() { return "hello"; }
export function nothing() {}
export function number() { return 42; }
export function no() { return false; }
export function list() { return [1, 2]; }
export function instance() { return new Map(); }
export async function misspelt() {
  await null;
  return Result(STATUS.SUCCES, "x"); // MISSPELT
}
export async function badArgs() {
  await null;
  return Result(STATUS.FAILURE, 42); // BAD ARGS
}
export function tail() { return Result("finished"); }
export async function throws() {
  await null;
  throw new Error("boom"); // THROWS
}
`;

/** Apart, so the callbacks above load where the SDK has no Activity (and their tests fail for their own reason there). */
const ACTIVITY_TS = `import { Activity, Result, STATUS } from "tickd";

export function jobId(_kwargs, ctx) { return ctx.jobId; }
export function logs(_kwargs, ctx) { Activity.log(ctx.jobId, Result(STATUS.FAILURE, "logged")); }
export async function logsLater(_kwargs, ctx) {
  await new Promise((resolve) => setTimeout(resolve, 5));
  Activity.log(ctx.jobId, { status: STATUS.SKIPPED, message: "logged later" });
}
export function logsAndReturns(_kwargs, ctx) {
  Activity.log(ctx.jobId, Result(STATUS.FAILURE, "logged"));
  return Result(STATUS.SUCCESS, "returned");
}
export async function logsOther() {
  await null;
  Activity.log("another job", Result(STATUS.SUCCESS)); // LOGS OTHER
}
`;

/** The 1-based line of the line marked // MARK in a module's text. */
const lineOf = (mark: string, text = JOBS_TS) => text.split("\n").findIndex((l) => l.includes(`// ${mark}`)) + 1;

const CALLBACKS: Record<string, readonly string[]> = {
  jobs: ["ported", "quota", "upper", "fullDisk", "fullDiskLater", "badObject", "hello", "nothing", "number", "no", "list", "instance", "misspelt", "badArgs", "tail", "throws"],
  activity: ["jobId", "logs", "logsLater", "logsAndReturns", "logsOther"],
};

/** Each callback as two jobs: "NAME" in its module's worker, "NAME here" in-process. */
const INI = Object.entries(CALLBACKS)
  .flatMap(([module, names]) =>
    names.flatMap((name) => [
      `[${name}]\ncall = app.${module}.${name}\nevery = 1 day\n`,
      `[${name} here]\ncall = app.${module}.${name}\nevery = 1 day\nisolate = none\n`,
    ]),
  )
  .join("\n");

let dir: string;
let cleanup: () => void;

beforeAll(() => {
  ({ dir, cleanup } = tempDir("tickd-results-"));
  mkdirSync(path.join(dir, "config"));
  mkdirSync(path.join(dir, "app"));
  writeFileSync(path.join(dir, "config", "scheduler.ini"), INI);
  writeFileSync(path.join(dir, "app", "jobs.ts"), JOBS_TS);
  writeFileSync(path.join(dir, "app", "activity.ts"), ACTIVITY_TS);
});
afterAll(() => cleanup());

interface Recorded {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly status: string;
  readonly message: string;
  readonly output: string;
  readonly error: string;
}

/** `tickd run-job LABEL`, and the run as the store recorded it (what history and the API show). */
async function runJob(label: string): Promise<Recorded> {
  const r = await tickd(["run-job", label], { cwd: dir });
  const h = await tickd(["history", label, "--json", "--limit", "1"], { cwd: dir });
  expect(h.code).toBe(0);
  const [row] = JSON.parse(h.stdout) as Array<{ status: string; message: string; output: string; error: string }>;
  expect(row).toBeDefined();
  return { ...r, status: row!.status, message: row!.message, output: row!.output, error: row!.error };
}

const WHAT_TO_RETURN = 'return Result(STATUS.SUCCESS, "message"), a { status, message, output } object or a string (the message of a success), or nothing';

for (const [where, suffix] of [["in its worker", ""], ["in-process (isolate = none)", " here"]] as const) {
  describe(`a callback run ${where}`, () => {
    test("the original's STATUS.SUCCESS and STATUS.FAILURE work, are stored in one spelling, and history --status takes either case (item 1)", async () => {
      expect(await runJob(`ported${suffix}`)).toMatchObject({ code: 0, status: "success", message: "for users", output: "for admins" });
      expect(await runJob(`upper${suffix}`)).toMatchObject({ code: 0, status: "skipped", message: "nothing to do" });
      for (const spelling of ["SUCCESS", "success", "Success"]) {
        const h = await tickd(["history", `ported${suffix}`, "--json", "--status", spelling], { cwd: dir });
        expect(h.code).toBe(0);
        expect((JSON.parse(h.stdout) as Array<{ status: string }>).map((r) => r.status)).toEqual(["success"]);
      }
    });

    test("Result(STATUS.FAILURE, \"quota exceeded\") keeps the message (item 3)", async () => {
      const run = await runJob(`quota${suffix}`);
      expect(run).toMatchObject({ code: 1, status: "failure", message: "quota exceeded", output: "", error: "" });
      expect(run.stdout).toContain("message: quota exceeded");
    });

    test("a returned or resolved { status, message } object is read as a result, its status checked (item 2)", async () => {
      expect(await runJob(`fullDisk${suffix}`)).toMatchObject({ code: 1, status: "failure", message: "disk 97% full" });
      expect(await runJob(`fullDiskLater${suffix}`)).toMatchObject({ code: 1, status: "failure", message: "disk 97% full", output: "/var" });
      expect(await runJob(`badObject${suffix}`)).toMatchObject({
        code: 1,
        status: "error",
        message: `the callback returned {"status":"finished","message":"done"}: "finished" is not a status; use STATUS.SUCCESS, STATUS.FAILURE, STATUS.ERROR, STATUS.TIMEOUT, STATUS.SKIPPED (or their lowercase names); ${WHAT_TO_RETURN}`,
      });
    });

    test("a string is the message of a success, nothing a success with no message (item 2)", async () => {
      expect(await runJob(`hello${suffix}`)).toMatchObject({ code: 0, status: "success", message: "hello", output: "" });
      expect(await runJob(`nothing${suffix}`)).toMatchObject({ code: 0, status: "success", message: "", output: "" });
    });

    test.each([
      ["number", "42 (a number)"],
      ["no", "false (a boolean)"],
      ["list", "an array [1,2]"],
      ["instance", "an instance of Map"],
    ])("returning %p is an error saying what was returned and what to return (item 2)", async (name, shown) => {
      expect(await runJob(`${name}${suffix}`)).toMatchObject({ code: 1, status: "error", message: `the callback returned ${shown}, which is not a result; ${WHAT_TO_RETURN}` });
    });

    test("a misuse names the user's file and line, and the stack a user sees has none of tickd's frames (item 4)", async () => {
      const misspelt = await runJob(`misspelt${suffix}`);
      expect(misspelt.status).toBe("error");
      expect(misspelt.message).toStartWith(`MisuseError: app/jobs.ts:${lineOf("MISSPELT")}:`);
      expect(misspelt.message).toContain("Result: undefined is not a status (a misspelt STATUS name?); use STATUS.SUCCESS, STATUS.FAILURE");
      expect(misspelt.error).toContain(`at misspelt (${path.join(dir, "app", "jobs.ts")}:${lineOf("MISSPELT")}:`);
      const badArgs = await runJob(`badArgs${suffix}`);
      expect(badArgs.message).toBe(`MisuseError: app/jobs.ts:${lineOf("BAD ARGS")}:10: Result: the second argument must be the message (a string) or { message, output }, got 42 (a number)`);
      const thrown = await runJob(`throws${suffix}`);
      expect(thrown.message).toBe("Error: boom");
      expect(thrown.error).toContain(`at throws (${path.join(dir, "app", "jobs.ts")}:${lineOf("THROWS")}:`);
      for (const run of [misspelt, badArgs, thrown]) {
        // What run-job prints and what the store keeps (history, the API): no frame of tickd's sources.
        expect(run.stdout).not.toMatch(/src\/(sdk|engine|callbacks)\//);
        expect(run.error).not.toMatch(/src\/(sdk|engine|callbacks)\//);
        expect(run.error.split("\n").filter((l) => l.trim().startsWith("at "))).toHaveLength(1);
      }
    });

    test("a misuse in a `return Result(…)` (a tail call, whose frame JavaScriptCore drops) names the callback (item 4)", async () => {
      const run = await runJob(`tail${suffix}`);
      expect(run.status).toBe("error");
      expect(run.message).toBe('MisuseError: in callback app.jobs.tail: Result: "finished" is not a status; use STATUS.SUCCESS, STATUS.FAILURE, STATUS.ERROR, STATUS.TIMEOUT, STATUS.SKIPPED (or their lowercase names)');
      expect(run.error).not.toMatch(/src\/(sdk|engine|callbacks)\//);
    });

    test("ctx.jobId is the job's label, the same at every run (item 5)", async () => {
      expect(await runJob(`jobId${suffix}`)).toMatchObject({ status: "success", message: `jobId${suffix}` });
      expect(await runJob(`jobId${suffix}`)).toMatchObject({ status: "success", message: `jobId${suffix}` });
    });

    test("Activity.log(ctx.jobId, result) sets the run's result, also after an await; a returned result wins (item 5)", async () => {
      expect(await runJob(`logs${suffix}`)).toMatchObject({ code: 1, status: "failure", message: "logged" });
      expect(await runJob(`logsLater${suffix}`)).toMatchObject({ code: 0, status: "skipped", message: "logged later" });
      expect(await runJob(`logsAndReturns${suffix}`)).toMatchObject({ code: 0, status: "success", message: "returned" });
    });

    test("Activity.log for another job is an error saying so, at the user's line (item 5)", async () => {
      const run = await runJob(`logsOther${suffix}`);
      expect(run).toMatchObject({
        code: 1,
        status: "error",
        message: `MisuseError: app/activity.ts:${lineOf("LOGS OTHER", ACTIVITY_TS)}:12: Activity.log: "another job" is not the job of this run ("logsOther${suffix}"); pass ctx.jobId`,
      });
    });
  });
}

test("history --status with an unknown status names the statuses and exits 2 (item 1)", async () => {
  const r = await tickd(["history", "--status", "SUCCES"], { cwd: dir });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--status: "SUCCES" is not a status; expected one of success, failure, error, timeout, skipped, abandoned, missed, running, cancelled (either case)');
});
