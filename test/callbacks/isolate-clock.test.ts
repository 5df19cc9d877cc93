/**
 * Issue 13, one clock for the process: a worker callback called directly —
 * not through the engine, as the service's lazily resolved discovered jobs
 * are — waits its abort grace on the clock it was resolved with (the
 * service's), not on the system clock. On a fake clock, a callback that
 * ignores its abort is ended when the test moves the clock past the grace.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { resolveInWorker } from "../../src/callbacks/index.ts";
import { ABORT_GRACE_MS } from "../../src/engine/worker/constants.ts";
import type { JobContext } from "../../src/sdk/index.ts";
import { within } from "../api/harness.ts";
import { tempDir } from "../helpers/binary.ts";
import { FakeClock } from "../helpers/fake-clock.ts";

const { dir, cleanup } = tempDir("tickd-isolate-clock-");
afterAll(cleanup);

test("a directly called worker callback that ignores its abort is ended after the grace on its resolver's clock", async () => {
  mkdirSync(path.join(dir, "app"));
  // Loops without yielding for 20 s: only ending its worker stops it.
  writeFileSync(path.join(dir, "app", "spin.ts"), "export function spin() { const end = Date.now() + 20_000; while (Date.now() < end) {} }\n");
  const clock = new FakeClock({ start: Date.UTC(2026, 2, 2, 10) });
  const callback = await resolveInWorker("app.spin.spin", dir, { fresh: true, clock });
  const abort = new AbortController();
  const ctx: JobContext = { label: "spin", jobId: "spin", scheduledFor: new Date(clock.now()), attempt: 1, signal: abort.signal, log: () => {} };
  let settled = false;
  const run = Promise.resolve(callback({}, ctx)).then(
    () => "returned",
    (error: Error) => error.message,
  ).finally(() => (settled = true));
  abort.abort(new Error("stop now"));
  await clock.settle();
  expect(clock.requestedDelays).toContain(ABORT_GRACE_MS);
  await clock.advance(ABORT_GRACE_MS - 1);
  expect(settled).toBe(false);
  await clock.advance(1);
  expect(await within(5_000, run, "the run's end")).toContain(`did not stop within ${ABORT_GRACE_MS} ms of being aborted`);
});
