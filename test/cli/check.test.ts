import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BINARY, tempDir, tickd } from "../helpers/binary.ts";

const EXAMPLES = path.join(import.meta.dir, "../../examples");
const { dir, cleanup } = tempDir("tickd-check-");
afterAll(cleanup);

/** A project folder under the temp dir: config/scheduler.ini plus job modules. */
function project(name: string, ini: string, modules: Record<string, string> = {}): string {
  const root = path.join(dir, name);
  mkdirSync(path.join(root, "config"), { recursive: true });
  writeFileSync(path.join(root, "config/scheduler.ini"), ini);
  for (const [rel, text] of Object.entries(modules)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const JOBS = {
  "app/scheduler.ts": 'import { Result, STATUS } from "tickd";\n/** Does the work. */\nexport function work() { return Result(STATUS.success); }\nexport const limit = 3;\n',
  "app/broken.ts": 'throw new Error("missing DATABASE_URL");\n',
};

describe("tickd check", () => {
  test("a valid job file: prints how many jobs are OK and exits 0", async () => {
    const root = project("valid", "[one]\ncall = app.scheduler.work\nevery = 5 minutes\n\n[two]\ncommand = date\ncron = 0 7 * * 1-5\n", JOBS);
    const r = await tickd(["check"], { cwd: root });
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 0, stdout: "2 jobs OK\n", stderr: "" });
  });

  test("every problem is printed as file:line [label] message and the exit code is 2", async () => {
    const root = project(
      "problems",
      `[fine]
call = app.scheduler.work
every = 1 minute

[nightly backup]
call = app.scheduler.work
every = 10 minuets

[gone]
call = app.scheduler.nonexistent_job
every = 1 day

[not a function]
call = app.scheduler.limit
every = 1 day

[import fails]
call = app.broken.work
every = 1 day

[nowhere]
every = 1 day
call = other.jobs.work

[fine]
command = date
every = 1 day
`,
      JOBS,
    );
    const r = await tickd(["check"], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.replaceAll(root, "<root>")).toMatchInlineSnapshot(`
      "config/scheduler.ini:7 [nightly backup] every: "10 minuets" is not a unit; expected one of second(s), minute(s), hour(s), day(s), week(s), monday … sunday
      config/scheduler.ini:10 [gone] call: app.scheduler.nonexistent_job: app/scheduler.ts has no export named nonexistent_job; its exported functions are work
      config/scheduler.ini:14 [not a function] call: app.scheduler.limit: limit in app/scheduler.ts is a number, not a function; export a function (kwargs, ctx) => Result
      config/scheduler.ini:18 [import fails] call: app.broken.work: importing <root>/app/broken.ts failed: missing DATABASE_URL; fix the module so it loads
      config/scheduler.ini:23 [nowhere] call: other.jobs.work: no module found under <root> (tried other/jobs.ts, other/jobs.js, other/jobs.mjs, other/jobs/index.ts, other/jobs/index.js, other/jobs/index.mjs); create the module or fix the dotted path (--root sets where paths resolve)
      config/scheduler.ini:25 [fine] this label is already used by the job on line 1; labels must be unique, so rename this job (it is left out)
      6 problems in config/scheduler.ini; 1 job OK, the jobs named above are left out of the schedule
      "
    `);
  });

  test("--config and TICKD_CONFIG point at another file; paths outside the working folder stay absolute", async () => {
    const root = project("elsewhere", "[one]\ncall = app.scheduler.work\nevery = 1 day\n", JOBS);
    expect((await tickd(["check", "--config", path.join(root, "config/scheduler.ini")], { cwd: dir })).stdout).toBe("1 job OK\n");
    expect((await tickd(["check"], { cwd: dir, env: { TICKD_CONFIG: path.join(root, "config/scheduler.ini") } })).stdout).toBe("1 job OK\n");
    const bad = project("elsewhere-bad", "[one]\ncall = app.scheduler.work\nevery = never\n", JOBS);
    const r = await tickd(["check", "--config", path.join(bad, "config/scheduler.ini")], { cwd: path.join(dir, "valid") });
    expect(r.stderr.split("\n")[0]).toBe(`${bad}/config/scheduler.ini:3 [one] every: "never" is not a unit; expected one of second(s), minute(s), hour(s), day(s), week(s), monday … sunday`);
  });

  test("--root changes where dotted paths resolve", async () => {
    const root = project("rooted", "[one]\ncall = scheduler.work\nevery = 1 day\n", { "code/scheduler.ts": "export function work() {}\n" });
    expect((await tickd(["check"], { cwd: root })).code).toBe(2);
    expect((await tickd(["check", "--root", "code"], { cwd: root })).stdout).toBe("1 job OK\n");
  });

  test("a missing job file is a startup error: exit 2", async () => {
    const r = await tickd(["check", "--config", "nope/scheduler.ini"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.replaceAll(dir, "<dir>")).toMatchInlineSnapshot(`
      "nope/scheduler.ini: job file not found; create it (write one [label] section per job with key = value lines, e.g. [cleanup] then call = myapp.scheduler.cleanup and every = 10 minutes) or point --config (-P) at your job file
      "
    `);
  });

  test("a file that is not INI at all is a startup error: exit 2", async () => {
    const root = project("yaml", "jobs:\n  - name: backup\n    every: 1 day\n");
    const r = await tickd(["check"], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr.replaceAll(root, "<root>")).toMatchInlineSnapshot(`
      "config/scheduler.ini:1 is not an INI job file; write one [label] section per job with key = value lines, e.g. [cleanup] then call = myapp.scheduler.cleanup and every = 10 minutes
      "
    `);
  });

  test("an unknown flag prints the usage and exits 2", async () => {
    const r = await tickd(["check", "--verbose"], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toStartWith("tickd check: unknown flag --verbose\n\nUsage: tickd check");
  });

  test("the example job file: only the job the original meant to fail is left out", async () => {
    const r = await tickd(["check", "--config", "config/scheduler.ini"], { cwd: EXAMPLES });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatchInlineSnapshot(`
      "config/scheduler.ini:12 [this job should never make it to the scheduler] call: example.scheduler.nonexistent_job: example/scheduler.ts has no export named nonexistent_job; its exported functions are sunday_cleanup, test_job
      1 problem in config/scheduler.ini; 7 jobs OK, the jobs named above are left out of the schedule
      "
    `);
  });

  test("the binary alone in an empty folder serves the SDK to job modules (no node_modules)", async () => {
    const lonely = path.join(dir, "lonely");
    mkdirSync(lonely);
    copyFileSync(BINARY, path.join(lonely, "tickd"));
    cpSync(path.join(EXAMPLES, "config/scheduler.ini"), path.join(lonely, "config/scheduler.ini"));
    cpSync(path.join(EXAMPLES, "example"), path.join(lonely, "example"), { recursive: true });
    const proc = Bun.spawn([path.join(lonely, "tickd"), "check"], { cwd: lonely, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin" } });
    const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(2);
    // Seven jobs import modules that import "tickd"; only the nonexistent callback fails.
    expect(stderr.trim().split("\n")).toEqual([
      "config/scheduler.ini:12 [this job should never make it to the scheduler] call: example.scheduler.nonexistent_job: example/scheduler.ts has no export named nonexistent_job; its exported functions are sunday_cleanup, test_job",
      "1 problem in config/scheduler.ini; 7 jobs OK, the jobs named above are left out of the schedule",
    ]);
  });
});
