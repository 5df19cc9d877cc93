/**
 * Issue 16: `every = manual` — a job with no schedule that runs only by hand.
 * Against the compiled binary: check accepts it (and refuses an `at` with
 * it), list and next say manual, run-job runs it, export-ini writes it back,
 * and the running service never schedules it while runJobNow runs it.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { tickd } from "../helpers/binary.ts";
import { startService, writeProject, type Project, type Service } from "../helpers/service.ts";

const JOB_FILE = `
[rebuild search index]
command = echo rebuilt
every = manual
description = Run after a schema change

[heartbeat]
command = true
every = 1 second
`;

let project: Project | undefined;
let service: Service | undefined;
afterEach(async () => {
  if (service) expect(await service.stop()).toBe(0);
  service = undefined;
  project?.cleanup();
  project = undefined;
});

const cli = (args: string[]) => tickd(args, { cwd: project!.dir, env: { TICKD_TIMEZONE: "UTC" } });

describe("every = manual", () => {
  test("check accepts it; list and next say it is manual and give it no runs; run-job runs it; export-ini writes it back", async () => {
    project = writeProject(JOB_FILE);
    const check = await cli(["check", "--strict"]);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);

    const list = await cli(["list"]);
    expect(list.stdout).toContain("rebuild search index\n  active    yes\n  schedule  manual (runs only by hand)\n");
    const listed = JSON.parse((await cli(["list", "--json"])).stdout) as { label: string; schedule: string; rule: unknown }[];
    expect(listed.find((j) => j.label === "rebuild search index")).toMatchObject({ schedule: "manual (runs only by hand)", rule: { kind: "manual" } });

    const next = await cli(["next", "--from", "2026-03-02T10:00:00Z", "--count", "2"]);
    expect(next.stdout).toContain(
      "rebuild search index — manual (runs only by hand)\n  manual: never scheduled; runs only by hand (tickd run-job, runJobNow, the dashboard's Run button)\n",
    );
    expect(next.stdout).toContain("heartbeat — every second\n  Mon 2026-03-02 10:00:01 +00:00\n");
    const nextJson = JSON.parse((await cli(["next", "--json", "--from", "2026-03-02T10:00:00Z", "--count", "2"])).stdout) as { label: string; manual?: boolean; runs: string[] }[];
    expect(nextJson.find((j) => j.label === "rebuild search index")).toEqual({ label: "rebuild search index", manual: true, runs: [] });

    const run = await cli(["run-job", "rebuild search index"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("rebuild search index: success");
    expect(run.stdout).toContain("rebuilt");

    const exported = await cli(["export-ini", "-p"]);
    expect(exported.stdout).toContain("[rebuild search index]\ncommand = echo rebuilt\ndescription = Run after a schema change\nevery = manual\n");
  }, 30_000);

  test("an at beside every = manual leaves the job out with a message naming the line and the fix", async () => {
    project = writeProject("[report]\ncommand = true\nevery = manual\nat = 10:00\n");
    const check = await cli(["check"]);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain(
      "config/scheduler.ini:4 [report] at: every = manual has no schedule, so no time of day; remove at, or give every a unit (every = day) to run at 10:00",
    );
  });

  test("the service never schedules a manual job, shows it as MANUAL with no next run, and runs it when asked", async () => {
    project = writeProject(JOB_FILE);
    service = await startService(project.dir, ["--timezone", "UTC"]);
    const job = await service.gql(`{ job(label: "rebuild search index") { active nextRunAt nextRuns(count: 3) schedule { kind text every } } }`);
    expect(job.data?.job).toEqual({ active: true, nextRunAt: null, nextRuns: [], schedule: { kind: "MANUAL", text: "manual (runs only by hand)", every: "manual" } });

    // While the one-second job runs a few times, the manual one runs never.
    await Bun.sleep(3500);
    const runs = await service.gql(`{ heartbeat: job(label: "heartbeat") { activities { edges { node { trigger } } } } manual: job(label: "rebuild search index") { activities { edges { node { trigger } } } } }`);
    expect(runs.data?.heartbeat.activities.edges.length).toBeGreaterThanOrEqual(2);
    expect(runs.data?.manual.activities.edges).toEqual([]);

    const now = await service.gql(`mutation { runJobNow(label: "rebuild search index") { status trigger } }`);
    expect(now.data?.runJobNow).toEqual({ status: "SUCCESS", trigger: "MANUAL" });
    const after = await service.gql(`{ job(label: "rebuild search index") { nextRunAt activities { edges { node { trigger } } } } }`);
    expect(after.data?.job).toEqual({ nextRunAt: null, activities: { edges: [{ node: { trigger: "MANUAL" } }] } });
  }, 30_000);
});
