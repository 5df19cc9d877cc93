/** Queries against a real engine and store: jobs, job, runs, run, scheduler, node. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { codes, startBinaryApi, type ApiClient } from "./harness.ts";

let api: ApiClient;
beforeAll(async () => {
  api = await startBinaryApi();
  // Three recorded runs of "nightly report" and one failing run, made through the API.
  for (let i = 0; i < 3; i++) await api.gql(`mutation { runJobNow(label: "nightly report") { runId } }`);
  await api.gql(`mutation { runJobNow(label: "failing") { runId } }`);
});
afterAll(async () => {
  await api?.close();
});

describe("jobs", () => {
  test("lists every job sorted by label with its schedule, kind and kwargs", async () => {
    const { body } = await api.gql(`{ jobs { totalCount edges { cursor node { label source kind callback command active missing schedule { kind every text timezone } kwargs { key value } description } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data!.jobs.totalCount).toBe(4);
    const nodes = body.data!.jobs.edges.map((e: { node: unknown }) => e.node);
    expect(nodes.map((n: { label: string }) => n.label)).toEqual(["failing", "nightly report", "shell", "ticker"]);
    expect(nodes[1]).toEqual({
      label: "nightly report",
      source: "INI",
      kind: "CALL",
      callback: "jobs.tasks.report",
      command: null,
      active: true,
      missing: false,
      schedule: { kind: "EVERY", every: "week", text: "every week (UTC)", timezone: "UTC" },
      kwargs: [
        { key: "recipients", value: "ops@example.com" },
        { key: "limit", value: 10 },
      ],
      description: "Sends the nightly report",
    });
    expect(nodes[2]).toMatchObject({ label: "shell", kind: "COMMAND", callback: null, command: "echo secret-command" });
  });

  test("pages forward with first/after and opaque cursors", async () => {
    const page1 = await api.gql(`{ jobs(first: 2) { edges { node { label } } pageInfo { hasNextPage endCursor } } }`);
    expect(page1.body.data!.jobs.edges.map((e: any) => e.node.label)).toEqual(["failing", "nightly report"]);
    expect(page1.body.data!.jobs.pageInfo.hasNextPage).toBe(true);
    const after = page1.body.data!.jobs.pageInfo.endCursor;
    const page2 = await api.gql(`query ($after: String) { jobs(first: 2, after: $after) { edges { node { label } } pageInfo { hasNextPage } } }`, { after });
    expect(page2.body.data!.jobs.edges.map((e: any) => e.node.label)).toEqual(["shell", "ticker"]);
    expect(page2.body.data!.jobs.pageInfo.hasNextPage).toBe(false);
  });

  test("filters by active flag, source, search text and the last run's status", async () => {
    const q = `query ($f: JobFilter) { jobs(filter: $f) { totalCount edges { node { label } } } }`;
    const labels = async (f: unknown) => (await api.gql(q, { f })).body.data!.jobs.edges.map((e: any) => e.node.label);
    expect(await labels({ active: false })).toEqual(["failing"]);
    expect(await labels({ source: "DISCOVERED" })).toEqual([]);
    expect(await labels({ search: "NIGHTLY" })).toEqual(["nightly report"]);
    expect(await labels({ search: "tasks.tick" })).toEqual(["ticker"]);
    expect(await labels({ lastStatus: ["ERROR"] })).toEqual(["failing"]);
  });

  test("a page larger than 1000 is refused with BAD_USER_INPUT", async () => {
    const { body } = await api.gql(`{ jobs(first: 5000) { totalCount } }`);
    expect(codes(body)).toEqual(["BAD_USER_INPUT"]);
  });
});

describe("job", () => {
  test("by label: next runs a second apart and the last run", async () => {
    const { body } = await api.gql(`{ job(label: "ticker") { label nextRunAt nextRuns(count: 3) lastRun { label status } } }`);
    const job = body.data!.job;
    expect(job.nextRuns).toHaveLength(3);
    const [a, b, c] = job.nextRuns.map((t: string) => Date.parse(t));
    expect([b - a, c - b]).toEqual([1000, 1000]);
    expect(job.nextRunAt).toBe(job.nextRuns[0]);
  });

  test("an inactive job has no next runs; its last run shows the error to admins", async () => {
    const { body } = await api.gql(`{ job(label: "failing") { active nextRunAt nextRuns lastRun { status trigger error message } } }`);
    expect(body.data!.job).toMatchObject({ active: false, nextRunAt: null, nextRuns: [] });
    expect(body.data!.job.lastRun).toMatchObject({ status: "ERROR", trigger: "MANUAL" });
    expect(body.data!.job.lastRun.error).toContain("boom in fail");
  });

  test("by global id, and through node(id)", async () => {
    const id = (await api.gql(`{ job(label: "shell") { id } }`)).body.data!.job.id;
    const byId = await api.gql(`query ($id: ID!) { job(id: $id) { label } node(id: $id) { ... on Job { label } } }`, { id });
    expect(byId.body.data).toEqual({ job: { label: "shell" }, node: { label: "shell" } });
  });

  test("an unknown label is null; label and id together are BAD_USER_INPUT", async () => {
    expect((await api.gql(`{ job(label: "nope") { label } }`)).body.data!.job).toBeNull();
    expect(codes((await api.gql(`{ job(label: "shell", id: "x") { label } }`)).body)).toEqual(["BAD_USER_INPUT"]);
  });

  test("a job's runs, newest first", async () => {
    const { body } = await api.gql(`{ job(label: "nightly report") { runs(first: 10) { edges { node { label trigger status attempt duration } } } } }`);
    const runs = body.data!.job.runs.edges.map((e: any) => e.node);
    expect(runs).toHaveLength(3);
    for (const r of runs) expect(r).toMatchObject({ label: "nightly report", trigger: "MANUAL", status: "SUCCESS", attempt: 1 });
  });
});

describe("runs", () => {
  test("filter by label and status, page with cursors, and fetch one by runId", async () => {
    const q = `query ($after: String) { runs(first: 2, after: $after, filter: { label: "nightly report", statuses: [SUCCESS] }) { edges { cursor node { runId startedAt } } pageInfo { hasNextPage endCursor } } }`;
    const p1 = (await api.gql(q)).body.data!.runs;
    expect(p1.edges).toHaveLength(2);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = (await api.gql(q, { after: p1.pageInfo.endCursor })).body.data!.runs;
    expect(p2.edges).toHaveLength(1);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    const all = [...p1.edges, ...p2.edges].map((e: any) => e.node);
    expect(new Set(all.map((r: any) => r.runId)).size).toBe(3);
    const times = all.map((r: any) => Date.parse(r.startedAt));
    expect([...times].sort((x, y) => y - x)).toEqual(times);

    const one = await api.gql(`query ($id: String!) { run(runId: $id) { runId label message } }`, { id: all[0].runId });
    expect(one.body.data!.run).toEqual({ runId: all[0].runId, label: "nightly report", message: "sent to ops@example.com" });
  });

  test("totalCount counts the matching runs on all pages", async () => {
    const { body } = await api.gql(`{ runs(first: 1, filter: { label: "nightly report" }) { totalCount edges { cursor } } }`);
    expect(body.data!.runs.totalCount).toBe(3);
    expect(body.data!.runs.edges).toHaveLength(1);
  });

  test("since/until bound the start time", async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const { body } = await api.gql(`query ($s: DateTime) { runs(filter: { since: $s }) { edges { node { runId } } } }`, { s: future });
    expect(body.data!.runs.edges).toEqual([]);
    const bad = await api.gql(`{ runs(filter: { since: "yesterday-ish" }) { edges { cursor } } }`);
    expect(codes(bad.body)).toEqual(["BAD_USER_INPUT"]);
  });

  test("a cursor that was not given out is BAD_USER_INPUT naming the argument", async () => {
    const { body } = await api.gql(`{ runs(after: "garbage") { edges { cursor } } }`);
    expect(codes(body)).toEqual(["BAD_USER_INPUT"]);
    expect(body.errors![0]!.extensions!.field).toBe("after");
  });

  test("the deprecated activities, Job.activities and activity still answer as before", async () => {
    const { body } = await api.gql(`{ activities(first: 2, filter: { label: "nightly report" }) { totalCount edges { cursor node { runId durationMs latenessMs } } pageInfo { hasNextPage endCursor } } job(label: "nightly report") { activities(first: 1) { edges { node { runId } } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data!.activities.totalCount).toBe(3);
    expect(body.data!.activities.pageInfo.hasNextPage).toBe(true);
    const next = await api.gql(`query ($after: String) { activities(first: 5, after: $after, filter: { label: "nightly report" }) { edges { node { runId } } } }`, { after: body.data!.activities.pageInfo.endCursor });
    expect(next.body.data!.activities.edges).toHaveLength(1);
    const runId = body.data!.activities.edges[0].node.runId;
    expect(body.data!.job.activities.edges[0].node.runId).toBe(runId);
    const one = await api.gql(`query ($id: String!) { activity(runId: $id) { runId } }`, { id: runId });
    expect(one.body.data!.activity).toEqual({ runId });
  });
});

test("scheduler: version, instance, zone, config path and counts", async () => {
  const { body } = await api.gql(`{ scheduler { version instance timezone configPath startedAt counts { jobs active missing running runs { status count } } } }`);
  const s = body.data!.scheduler;
  expect(s.timezone).toBe("UTC");
  expect(s.configPath).toEndWith("config/scheduler.ini");
  expect(s.counts).toMatchObject({ jobs: 4, active: 3, missing: 0 });
  const byStatus = Object.fromEntries(s.counts.runs.map((r: any) => [r.status, r.count]));
  expect(byStatus.ERROR).toBe(1);
  expect(byStatus.SUCCESS).toBeGreaterThanOrEqual(3);
});
