/**
 * The original's operator workflow end to end, against the compiled binary
 * (issue 14, items 6, 7, 8 and 11): one catalog of jobs answers "is this job
 * on, and who said so" for `tickd run`'s API, `list`, `next` and `export-ini`.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { BINARY, tickd } from "../helpers/binary.ts";
import { startService, writeProject, type Project, type Service } from "../helpers/service.ts";

const TASKS = `
import { Result, STATUS } from "tickd";
export function report() { return Result(STATUS.success, { message: "sent" }); }
export function backup() { return Result(STATUS.success, { message: "saved" }); }
`;

const JOB_FILE = `
[nightly report]
every = 1 day
at = 02:00
call = jobs.tasks.report

[weekly backup]
every = sunday
call = jobs.tasks.backup
active = no

[broken]
every = 10 minuets
call = jobs.tasks.report
`;

let project: Project | undefined;
let service: Service | undefined;
afterEach(async () => {
  if (service) expect(await service.stop()).toBe(0);
  service = undefined;
  project?.cleanup();
  project = undefined;
});

const ENV = { TICKD_TIMEZONE: "UTC" };
const cli = (args: string[]) => tickd(args, { cwd: project!.dir, env: ENV });

describe("issue 14 item 7: an operator's switch in the API is the one truth everywhere", () => {
  test("deactivate and activate in the API, then list, next, export-ini and the exportIni mutation agree, naming the operator", async () => {
    project = writeProject(JOB_FILE, { "jobs/tasks.ts": TASKS });
    service = await startService(project.dir, ["--timezone", "UTC"]);
    const off = await service.gql(`mutation { deactivateJob(label: "nightly report") { active activeBy activeAt } }`);
    expect(off.data?.deactivateJob).toMatchObject({ active: false, activeBy: "OPERATOR" });
    expect(typeof off.data?.deactivateJob.activeAt).toBe("string");
    const on = await service.gql(`mutation { activateJob(label: "weekly backup") { active activeBy nextRunAt } }`);
    expect(on.data?.activateJob).toMatchObject({ active: true, activeBy: "OPERATOR" });
    expect(on.data?.activateJob.nextRunAt).not.toBeNull();

    // The service's own export keeps the UI's decisions.
    const exported = await service.gql(`mutation { exportIni(preview: true) { text } }`);
    const text: string = exported.data?.exportIni.text;
    expect(text).toContain("[weekly backup]");
    expect(text).not.toContain("[nightly report]");

    // The CLI reads the same store (--db defaults to the one beside the job file).
    const list = await cli(["list", "--json"]);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as Record<string, unknown>[];
    expect(rows.find((r) => r.label === "nightly report")).toMatchObject({ active: false, activeBy: "operator" });
    expect(rows.find((r) => r.label === "weekly backup")).toMatchObject({ active: true, activeBy: "operator" });
    const text2 = await cli(["list"]);
    expect(text2.stdout).toMatch(/nightly report\n {2}active {4}no \(switched by an operator at \d{4}-/);

    const next = await cli(["next", "--json", "--from", "2026-11-28T12:00"]);
    const runs = JSON.parse(next.stdout) as { label: string; active?: boolean; runs?: string[] }[];
    expect(runs.find((r) => r.label === "nightly report")).toMatchObject({ active: false, runs: [] });
    expect(runs.find((r) => r.label === "weekly backup")?.runs?.[0]).toBe("2026-11-29T12:00:00+00:00");

    const preview = await cli(["export-ini", "-p"]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain("[weekly backup]");
    expect(preview.stdout).not.toContain("[nightly report]");
  }, 30_000);
});

describe("issue 14 item 8: exporting into the job file being read", () => {
  test("-p redirected into the job file is refused with a message naming -o; the file stays as the shell left it", async () => {
    project = writeProject(JOB_FILE, { "jobs/tasks.ts": TASKS });
    const proc = Bun.spawn(["sh", "-c", `"${BINARY}" export-ini -p > config/scheduler.ini`], { cwd: project.dir, env: { ...process.env, ...ENV }, stderr: "pipe" });
    const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(2);
    expect(stderr).toContain("standard output is the job file being exported (config/scheduler.ini)");
    expect(stderr).toContain("-o config/scheduler.ini");
    expect(statSync(project.configPath).size).toBe(0);
  });

  test("a discovered job exported into the job file runs as the file's copy: no duplicate warning, nothing 'not exported'", async () => {
    project = writeProject("", {
      "jobs/tasks.ts": TASKS,
      "apps/billing/scheduler.ts": `import { schedule } from "tickd";\nexport function invoices() {}\nschedule.register("billing", invoices, { every: "1 hour", active: true });\n`,
    });
    expect((await cli(["discover", "--apps", "apps/billing"])).code).toBe(0);
    const written = await cli(["export-ini", "-o", "config/scheduler.ini"]);
    expect(written.code).toBe(0);
    expect(readFileSync(project.configPath, "utf8")).toContain("[billing.invoices]");

    service = await startService(project.dir, ["--timezone", "UTC", "--apps", "apps/billing"]);
    expect(service.log()).not.toContain("job.duplicate");
    const job = await service.gql(`{ job(label: "billing.invoices") { source active } jobs { totalCount } }`);
    expect(job.data).toMatchObject({ job: { source: "INI", active: true }, jobs: { totalCount: 1 } });

    const again = await cli(["export-ini", "-p"]);
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(again.stdout.match(/\[billing\.invoices\]/g)).toHaveLength(1);
  }, 30_000);
});

describe("issue 14 item 6, issue 16: a job registered without options", () => {
  test("is stored inactive and manual, said so by discover and list, runs by hand once active, and on a schedule once an operator gives it one", async () => {
    project = writeProject("", {
      "apps/myapp/scheduler.ts": `import { Result, STATUS, schedule } from "tickd";\nexport function cleanup() { return Result(STATUS.success, { message: "clean" }); }\nschedule.register("myapp", cleanup);\n`,
    });
    const found = await cli(["discover", "--apps", "apps/myapp"]);
    expect(found.stderr).toBe("");
    expect(found.code).toBe(0);
    expect(found.stdout).toContain("added     myapp.cleanup (inactive, manual: runs only by hand until given a schedule)\n");
    expect(found.stdout).toContain("1 job registered without a schedule is manual (every = manual): never scheduled, run only by hand once active");

    const list = await cli(["list"]);
    expect(list.stdout).toContain("myapp.cleanup\n  active    no (as registered)\n  schedule  manual (runs only by hand)\n");

    service = await startService(project.dir, ["--timezone", "UTC", "--apps", "apps/myapp"]);
    const before = await service.gql(`{ job(label: "myapp.cleanup") { active nextRunAt schedule { kind text every } } }`);
    expect(before.data?.job).toEqual({ active: false, nextRunAt: null, schedule: { kind: "MANUAL", text: "manual (runs only by hand)", every: "manual" } });
    const refused = (await service.gql(`mutation { runJobNow(label: "myapp.cleanup") { status } }`)) as { errors?: { message: string }[] };
    expect(refused.errors?.[0]?.message).toContain("is an inactive discovered job; activate it first");
    // On, a manual job is still never scheduled; it runs by hand.
    const manualOn = await service.gql(`mutation { activateJob(label: "myapp.cleanup") { active nextRunAt } }`);
    expect(manualOn.data?.activateJob).toEqual({ active: true, nextRunAt: null });
    const byHand = await service.gql(`mutation { runJobNow(label: "myapp.cleanup") { status message trigger } }`);
    expect(byHand.data?.runJobNow).toEqual({ status: "SUCCESS", message: "clean", trigger: "MANUAL" });

    const given = await service.gql(`mutation { updateJobSchedule(label: "myapp.cleanup", every: "1 hour") { schedule { kind text } } }`);
    expect(given.data?.updateJobSchedule.schedule).toEqual({ kind: "EVERY", text: "every hour" });
    const on = await service.gql(`mutation { activateJob(label: "myapp.cleanup") { active nextRunAt } }`);
    expect(on.data?.activateJob.active).toBe(true);
    expect(on.data?.activateJob.nextRunAt).not.toBeNull();
  }, 30_000);
});

describe("issue 14 item 11: operators see which jobs are left out, and why", () => {
  test("the problems query, activateJob on a left-out job, and discoverJobs returning the CLI's problems", async () => {
    project = writeProject(JOB_FILE, {
      "jobs/tasks.ts": TASKS,
      "apps/broken/scheduler.ts": `throw new Error("cannot import me");\n`,
    });
    service = await startService(project.dir, ["--timezone", "UTC", "--apps", "apps/broken"]);
    const problems = await service.gql(`{ problems { file line label code message } }`);
    expect(problems.data?.problems).toEqual([
      {
        file: project.configPath,
        line: 13,
        label: "broken",
        code: "bad-unit",
        message: expect.stringContaining('every: "10 minuets" is not a unit'),
      },
    ]);

    const activate = (await service.gql(`mutation { activateJob(label: "broken") { active } }`)) as { errors?: { message: string }[] };
    expect(activate.errors?.[0]?.message).toContain(`job "broken" is left out of the schedule: ${project.configPath}:13 [broken] every: "10 minuets" is not a unit`);

    const discovered = await service.gql(`mutation { discoverJobs { added problems { file code message } } }`);
    expect(discovered.data?.discoverJobs.added).toEqual([]);
    expect(discovered.data?.discoverJobs.problems).toEqual([
      { file: path.join(project.dir, "apps", "broken", "scheduler.ts"), code: "import-failed", message: expect.stringContaining("cannot import me") },
    ]);
  }, 30_000);
});
