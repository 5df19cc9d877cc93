/**
 * Runs the runtime-neutral core — job file loader, schedule calculator, the
 * engine on a fake clock, and the libSQL store — and prints what it computed
 * as one JSON line. test/portability/deno.test.ts runs it under Bun and under
 * Deno 2 and expects the same answer, which keeps Bun-only calls in src/runtime/.
 */
import os from "node:os";
import path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { parseJobFile } from "../../src/config/index.ts";
import { compileSchedule, nextRuns } from "../../src/schedule/index.ts";
import { openStore } from "../../src/store/index.ts";

const text = `
[every ten minutes]
call = app.jobs.tick
every = 10 minutes
retries = 2
limit = 5

[sunday cleanup]
callback = app.jobs.cleanup
frequency = sunday
at = 23:30
timezone = Europe/Berlin

[nightly]
call = app.jobs.nightly
cron = 30 2 * * *

[broken]
call = app.jobs.broken
every = 10 minuets
`;

const file = parseJobFile(text, "/virtual/scheduler.ini", "America/New_York");
const registeredAt = Date.parse("2026-03-07T14:15:30Z");
const runs: Record<string, string[]> = {};
for (const job of file.jobs) {
  const schedule = compileSchedule(job, "America/New_York");
  runs[job.label] = nextRuns(schedule, registeredAt, 3).map((t) => new Date(t).toISOString());
}

const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-portability-"));
let stored: unknown;
try {
  const store = await openStore(`file:${path.join(dir, "probe.db")}`, { instance: "probe:1" });
  const claimed = await store.claim("every ten minutes", registeredAt);
  const again = await store.claim("every ten minutes", registeredAt);
  await store.flush();
  await store.close();
  stored = { claimed, again };
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  JSON.stringify({
    jobs: file.jobs.map((j) => ({ label: j.label, kwargs: j.kwargs, retries: j.retries })),
    diagnostics: file.diagnostics.map((d) => `${d.line} ${d.code}`),
    runs,
    stored,
  }),
);
