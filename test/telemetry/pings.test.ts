/** Which address each engine event pings (pingFor), as a table: the Healthchecks.io convention, occurrences by their outcome. */
import { expect, test } from "bun:test";
import type { EngineEvent, RunRecord } from "../../src/engine/types.ts";
import type { Status } from "../../src/sdk/index.ts";
import { pingFor } from "../../src/telemetry/index.ts";

const BASE = "https://hc-ping.com/uuid";
const run = (status: Status, attempt = 1): RunRecord => ({
  runId: `web-1:sync:0:${attempt}`,
  label: "sync",
  scheduledFor: 0,
  startedAt: 0,
  endedAt: 1,
  status,
  message: "",
  output: "",
  error: "",
  attempt,
  trigger: attempt === 1 ? "schedule" : "retry",
  instance: "web-1",
});

const cases: Array<[string, EngineEvent, string | null]> = [
  ["a run's start pings /start", { type: "run.started", run: run("running") }, `${BASE}/start`],
  ["a success pings the address itself", { type: "run.finished", run: run("success") }, BASE],
  ["a failure pings /fail", { type: "run.finished", run: run("failure") }, `${BASE}/fail`],
  ["an error pings /fail", { type: "run.finished", run: run("error") }, `${BASE}/fail`],
  ["a timeout pings /fail", { type: "run.finished", run: run("timeout") }, `${BASE}/fail`],
  ["a run found abandoned at the next start pings /fail", { type: "run.finished", run: run("abandoned") }, `${BASE}/fail`],
  ["a retry's failure, the occurrence's last attempt, pings /fail", { type: "run.finished", run: run("error", 2) }, `${BASE}/fail`],
  ["a failed attempt that is retried pings nothing: its retry's start and end follow", { type: "run.finished", run: run("error"), retrying: true }, null],
  ["a skipped occurrence pings nothing", { type: "run.finished", run: run("skipped") }, null],
  ["a missed occurrence pings nothing (the monitor hears the silence)", { type: "run.finished", run: run("missed") }, null],
  ["a job change pings nothing", { type: "job.changed", label: "sync", change: "updated" }, null],
];

for (const [name, event, expected] of cases) {
  test(name, () => expect(pingFor(BASE, event)).toBe(expected));
}
