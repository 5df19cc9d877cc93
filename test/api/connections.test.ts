/**
 * The GraphQL shapes dashboard authors expect, against the compiled binary:
 * connections page both ways with opaque cursors in a chosen order, `nodes`
 * beside `edges`; mutations take a label or a global id; a fixable error
 * names its argument in extensions.field; closed sets are enums.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { codes, startBinaryApi, type ApiClient, type GqlBody } from "./harness.ts";

let api: ApiClient;
beforeAll(async () => {
  api = await startBinaryApi();
  for (let i = 0; i < 3; i++) await api.gql(`mutation { runJobNow(label: "nightly report") { runId } }`);
  await api.gql(`mutation { runJobNow(label: "failing") { runId } }`);
  await api.gql(`mutation { runJobNow(label: "shell") { runId } }`);
});
afterAll(async () => {
  await api?.close();
});

const errorOf = (body: GqlBody) => ({ code: body.errors?.[0]?.extensions?.code, field: body.errors?.[0]?.extensions?.field });

interface RunRow {
  runId: string;
  scheduledFor: string;
  startedAt: string;
  duration: number | null;
}

/** Every run of the three jobs run by hand (the ticker's own runs come and go). */
const MANUAL = `{ triggers: [MANUAL] }`;

describe("runs", () => {
  test("ordered by duration, startedAt or scheduledFor, either way", async () => {
    const read = async (field: string, direction: string) =>
      (await api.gql(`{ runs(filter: ${MANUAL}, orderBy: { field: ${field}, direction: ${direction} }) { nodes { runId scheduledFor startedAt duration } } }`)).body.data!.runs.nodes as RunRow[];
    const byDuration = await read("DURATION", "ASC");
    expect(byDuration).toHaveLength(5);
    const durations = byDuration.map((r) => r.duration!);
    expect(durations).toEqual([...durations].sort((a, b) => a - b));
    expect((await read("DURATION", "DESC")).map((r) => r.runId)).toEqual([...byDuration].reverse().map((r) => r.runId));
    const started = (await read("STARTED_AT", "ASC")).map((r) => Date.parse(r.startedAt));
    expect(started).toEqual([...started].sort((a, b) => a - b));
    const due = (await read("SCHEDULED_FOR", "DESC")).map((r) => Date.parse(r.scheduledFor));
    expect(due).toEqual([...due].sort((a, b) => b - a));
  });

  test("pages backwards with last/before to the same runs as forwards with first/after", async () => {
    const order = `orderBy: { field: STARTED_AT, direction: ASC }`;
    const forward: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await api.gql(`query ($after: String) { runs(filter: ${MANUAL}, ${order}, first: 2, after: $after) { nodes { runId } pageInfo { hasNextPage hasPreviousPage endCursor } } }`, { after })).body.data!.runs;
      forward.push(...page.nodes.map((n: { runId: string }) => n.runId));
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const backward: string[] = [];
    let before: string | null = null;
    for (;;) {
      const page: any = (await api.gql(`query ($before: String) { runs(filter: ${MANUAL}, ${order}, last: 2, before: $before) { nodes { runId } pageInfo { hasPreviousPage hasNextPage startCursor } } }`, { before })).body.data!.runs;
      backward.unshift(...page.nodes.map((n: { runId: string }) => n.runId));
      expect(page.pageInfo.hasNextPage).toBe(before !== null);
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(forward).toHaveLength(5);
    expect(backward).toEqual(forward);
  });

  test("a job's runs take the same order and paging", async () => {
    const { body } = await api.gql(`{ job(label: "nightly report") { runs(orderBy: { field: STARTED_AT, direction: ASC }, last: 1) { totalCount nodes { runId } edges { node { runId } } } } }`);
    const runs = body.data!.job.runs;
    expect(runs.totalCount).toBe(3);
    expect(runs.nodes).toEqual(runs.edges.map((e: { node: unknown }) => e.node));
    expect(runs.nodes).toHaveLength(1);
  });

  test("forged cursors, and cursors of another order or connection, are refused naming the argument", async () => {
    const first = (await api.gql(`{ runs(first: 1) { pageInfo { endCursor } } jobs(first: 1) { pageInfo { endCursor } } }`)).body.data!;
    const runCursor = first.runs.pageInfo.endCursor as string;
    const jobCursor = first.jobs.pageInfo.endCursor as string;
    const forged = Buffer.from(JSON.stringify(["run1", "startedAt.desc", "1e400", "x"])).toString("base64url");
    for (const [query, vars, field, says] of [
      [`query ($c: String) { runs(after: $c) { nodes { runId } } }`, { c: "not a cursor" }, "after", "is not a cursor of this API"],
      [`query ($c: String) { runs(before: $c, last: 1) { nodes { runId } } }`, { c: forged }, "before", "not a cursor of this API"],
      [`query ($c: String) { runs(after: $c, orderBy: { field: DURATION, direction: ASC }) { nodes { runId } } }`, { c: runCursor }, "after", "belongs to another order (startedAt.desc), not duration.asc"],
      [`query ($c: String) { runs(after: $c) { nodes { runId } } }`, { c: jobCursor }, "after", "is not a cursor of this connection (run)"],
      [`query ($c: String) { jobs(after: $c) { nodes { label } } }`, { c: runCursor }, "after", "is not a cursor of this connection (job)"],
    ] as const) {
      const { body } = await api.gql(query, vars);
      expect(errorOf(body)).toEqual({ code: "BAD_USER_INPUT", field });
      expect(body.errors![0]!.message).toContain(says);
    }
    const both = await api.gql(`{ runs(first: 1, last: 1) { nodes { runId } } }`);
    expect(errorOf(both.body)).toEqual({ code: "BAD_USER_INPUT", field: "last" });
  });

  test("run by runId or by global id, exactly one", async () => {
    const { runId, id } = (await api.gql(`{ runs(first: 1) { nodes { runId id } } }`)).body.data!.runs.nodes[0];
    expect((await api.gql(`query ($id: ID) { run(id: $id) { runId } }`, { id })).body.data!.run).toEqual({ runId });
    expect((await api.gql(`query ($r: String) { run(runId: $r) { runId } }`, { r: runId })).body.data!.run).toEqual({ runId });
    expect(errorOf((await api.gql(`{ run { runId } }`)).body)).toEqual({ code: "BAD_USER_INPUT", field: "runId" });
    const jobId = (await api.gql(`{ job(label: "shell") { id } }`)).body.data!.job.id;
    expect(errorOf((await api.gql(`query ($id: ID) { run(id: $id) { runId } }`, { id: jobId })).body)).toEqual({ code: "BAD_USER_INPUT", field: "id" });
  });
});

describe("jobs", () => {
  test("cursors are opaque, not labels", async () => {
    const { body } = await api.gql(`{ jobs(first: 4) { edges { cursor node { label } } } }`);
    for (const edge of body.data!.jobs.edges) {
      expect(edge.cursor).not.toContain(edge.node.label);
      expect(edge.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  test("ordered by next run: the every-second ticker first, the inactive job last; nodes beside edges", async () => {
    const { body } = await api.gql(`{ jobs(orderBy: { field: NEXT_RUN, direction: ASC }) { nodes { label nextRunAt } } }`);
    const labels = body.data!.jobs.nodes.map((j: { label: string }) => j.label);
    expect(labels[0]).toBe("ticker");
    expect(labels.at(-1)).toBe("failing");
    const desc = await api.gql(`{ jobs(orderBy: { field: LABEL, direction: DESC }, last: 2) { nodes { label } pageInfo { hasPreviousPage hasNextPage } } }`);
    expect(desc.body.data!.jobs).toEqual({ nodes: [{ label: "nightly report" }, { label: "failing" }], pageInfo: { hasPreviousPage: true, hasNextPage: false } });
  });
});

describe("mutations", () => {
  test("a job mutation takes the job's global id as well as its label, exactly one", async () => {
    const id = (await api.gql(`{ job(label: "shell") { id } }`)).body.data!.job.id;
    const off = await api.gql(`mutation ($id: ID) { deactivateJob(id: $id) { label active } }`, { id });
    expect(off.body.data!.deactivateJob).toEqual({ label: "shell", active: false });
    const on = await api.gql(`mutation ($id: ID) { activateJob(id: $id) { label active } }`, { id });
    expect(on.body.data!.activateJob).toEqual({ label: "shell", active: true });
    const paused = await api.gql(`mutation ($id: ID) { pauseJob(id: $id, note: "deploy") { pause { note } } resumeJob(id: $id) { active } }`, { id });
    expect(paused.body.data).toEqual({ pauseJob: { pause: { note: "deploy" } }, resumeJob: { active: true } });
    const ran = await api.gql(`mutation ($id: ID) { runJobNow(id: $id) { label status } }`, { id });
    expect(ran.body.data!.runJobNow).toEqual({ label: "shell", status: "SUCCESS" });

    expect(errorOf((await api.gql(`mutation ($id: ID) { activateJob(label: "shell", id: $id) { label } }`, { id })).body)).toEqual({ code: "BAD_USER_INPUT", field: "id" });
    expect(errorOf((await api.gql(`mutation { activateJob { label } }`)).body)).toEqual({ code: "BAD_USER_INPUT", field: "label" });
    const runId = (await api.gql(`{ runs(first: 1) { nodes { id } } }`)).body.data!.runs.nodes[0].id;
    expect(errorOf((await api.gql(`mutation ($id: ID) { activateJob(id: $id) { label } }`, { id: runId })).body)).toEqual({ code: "BAD_USER_INPUT", field: "id" });
  });

  test("cancelRun takes the run's global id as well as its runId", async () => {
    const { runId, id } = (await api.gql(`{ runs(first: 1, filter: { statuses: [SUCCESS] }) { nodes { runId id } } }`)).body.data!.runs.nodes[0];
    const byRunId = await api.gql(`mutation ($r: String) { cancelRun(runId: $r) { status } }`, { r: runId });
    const byId = await api.gql(`mutation ($id: ID) { cancelRun(id: $id) { status } }`, { id });
    // The run has ended: the same NOT_FOUND either way, naming the argument given.
    expect(errorOf(byRunId.body)).toEqual({ code: "NOT_FOUND", field: "runId" });
    expect(errorOf(byId.body)).toEqual({ code: "NOT_FOUND", field: "id" });
    expect(byId.body.errors![0]!.message).toBe(byRunId.body.errors![0]!.message);
  });

  test("an error the user can fix names the argument: an unknown label, a bad schedule, an until in the past", async () => {
    const unknown = await api.gql(`mutation { activateJob(label: "nope") { label } }`);
    expect(errorOf(unknown.body)).toEqual({ code: "NOT_FOUND", field: "label" });
    await api.gql(`mutation { discoverJobs { added } }`);
    const every = await api.gql(`mutation { updateJobSchedule(label: "billing invoices", every: "10 minuets") { label } }`);
    expect(errorOf(every.body)).toEqual({ code: "BAD_USER_INPUT", field: "every" });
    const cron = await api.gql(`mutation { updateJobSchedule(label: "billing invoices", cron: "61 * * * *") { label } }`);
    expect(errorOf(cron.body)).toEqual({ code: "BAD_USER_INPUT", field: "cron" });
    const zone = await api.gql(`mutation { updateJobSchedule(label: "billing invoices", every: "1 hour", timezone: "Mars/Olympus") { label } }`);
    expect(errorOf(zone.body)).toEqual({ code: "BAD_USER_INPUT", field: "timezone" });
    const past = await api.gql(`mutation { pauseJob(label: "ticker", note: "x", until: "2020-01-01T00:00:00Z") { label } }`);
    expect(errorOf(past.body)).toEqual({ code: "BAD_USER_INPUT", field: "until" });
    const count = await api.gql(`{ job(label: "ticker") { nextRuns(count: 0) } }`);
    expect(errorOf(count.body)).toEqual({ code: "BAD_USER_INPUT", field: "count" });
  });
});

describe("enums", () => {
  test("overlap, catchup, the schedule's unit and a URL job's method are enums", async () => {
    const { body } = await api.gql(`{ job(label: "nightly report") { overlapPolicy catchupPolicy httpMethod schedule { intervalUnit } } }`);
    expect(body.data!.job).toEqual({ overlapPolicy: "SKIP", catchupPolicy: "SKIP", httpMethod: null, schedule: { intervalUnit: "WEEK" } });
  });

  test("the enums hold the key table's words, not a copy", async () => {
    const { JOB_KEYS } = await import("../../src/config/keys.ts");
    const { body } = await api.gql(`{ overlap: __type(name: "Overlap") { enumValues { name } } catchup: __type(name: "Catchup") { enumValues { name } } method: __type(name: "HttpMethod") { enumValues { name } } }`);
    const names = (t: { enumValues: { name: string }[] }) => t.enumValues.map((v) => v.name).sort();
    const words = (key: string) => (JOB_KEYS.find((r) => r.key === key) as { choices: readonly string[] }).choices.map((w) => w.toUpperCase()).sort();
    expect(names(body.data!.overlap)).toEqual(words("overlap"));
    expect(names(body.data!.catchup)).toEqual(words("catchup"));
    expect(names(body.data!.method)).toContain("PATCH");
  });
});

test("problems list with their code as an enum beside the string", async () => {
  const { body } = await api.gql(`{ problems { code kind } }`);
  expect(body.errors).toBeUndefined();
  expect(codes(body)).toEqual([]);
});
