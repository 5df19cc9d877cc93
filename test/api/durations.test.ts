/**
 * Durations past GraphQL's Int (2^31-1 ms, 24.8 days), against the compiled
 * binary: the Duration fields hold them; the deprecated ...Ms Ints answer
 * null with OUT_OF_RANGE naming the field to read, never INTERNAL, and the
 * rest of the answer stays whole.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { JOB_FILE, startBinaryApi, type ApiClient } from "./harness.ts";
import { tempDir, tickd } from "../helpers/binary.ts";

const DAY = 86_400_000;

let api: ApiClient;
beforeAll(async () => {
  api = await startBinaryApi({
    jobFile: `${JOB_FILE}
[monthly]
every = 1 day
call = jobs.tasks.tick
realert = 30 days
keep_failures = 400 days
timeout = 7 days
`,
  });
});
afterAll(async () => {
  await api?.close();
});

test("timeout = 30 days is refused by tickd check as past the longest timeout (7 days), so no job holds one", async () => {
  const t = tempDir("tickd-duration-");
  try {
    const file = path.join(t.dir, "scheduler.ini");
    writeFileSync(file, "[long]\ncommand = sleep 1\nevery = 1 hour\ntimeout = 30 days\n");
    const r = await tickd(["check", "--config", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('timeout: "30 days" is longer than 7 days');
  } finally {
    t.cleanup();
  }
});

test("a job's durations are Durations in milliseconds, 30 days and more included", async () => {
  const { body } = await api.gql(`{ job(label: "monthly") { timeout realert keepFailures retryDelay jitter grace warnAfter timeoutMs retryDelayMs jitterMs } }`);
  expect(body.errors).toBeUndefined();
  expect(body.data!.job).toEqual({
    timeout: 7 * DAY,
    realert: 30 * DAY,
    keepFailures: 400 * DAY,
    retryDelay: 1000,
    jitter: 0,
    grace: null,
    warnAfter: null,
    timeoutMs: 7 * DAY,
    retryDelayMs: 1000,
    jitterMs: 0,
  });
});

test("the job list with every job's durations answers whole, as the dashboard's job dialog reads it", async () => {
  const { body } = await api.gql(`{ jobs { nodes { label timeout realert } } }`);
  expect(body.errors).toBeUndefined();
  expect(body.data!.jobs.nodes.find((j: { label: string }) => j.label === "monthly")).toEqual({ label: "monthly", timeout: 7 * DAY, realert: 30 * DAY });
});

test("a run backfilled 60 days late: lateness is a Duration; latenessMs is null with OUT_OF_RANGE, not INTERNAL", async () => {
  const from = Date.now() - 60 * DAY;
  const started = await api.gql(`mutation ($from: DateTime!, $to: DateTime!) { backfillJob(label: "ticker", from: $from, to: $to) { count } }`, {
    from: new Date(from).toISOString(),
    to: new Date(from + 1500).toISOString(),
  });
  expect(started.body.errors).toBeUndefined();
  expect(started.body.data!.backfillJob.count).toBeGreaterThan(0);
  let state = "";
  for (let i = 0; i < 100 && state !== "done"; i++) {
    await Bun.sleep(100);
    state = (await api.gql(`{ job(label: "ticker") { backfill { state } } }`)).body.data!.job.backfill.state;
  }
  expect(state).toBe("done");

  const { body } = await api.gql(`{ runs(filter: { label: "ticker", triggers: [BACKFILL] }, first: 1) { nodes { trigger lateness latenessMs status } } }`);
  const run = body.data!.runs.nodes[0];
  expect(run.trigger).toBe("BACKFILL");
  expect(run.status).toBe("SUCCESS");
  expect(run.lateness).toBeGreaterThan(59 * DAY);
  expect(run.latenessMs).toBeNull();
  expect(body.errors).toHaveLength(1);
  expect(body.errors![0]!.extensions!.code).toBe("OUT_OF_RANGE");
  expect(body.errors![0]!.message).toContain("read lateness (a Duration) instead");
  expect(body.errors![0]!.path).toEqual(["runs", "nodes", 0, "latenessMs"]);
}, 20_000);
