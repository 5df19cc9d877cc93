/** schema/schema.graphql is the contract the dashboard builds against: it must match the code. */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { printSdl } from "../../src/api/index.ts";

test("schema/schema.graphql matches the Pothos schema (run `make schema` and commit when this fails)", () => {
  const committed = readFileSync(path.join(import.meta.dir, "../../schema/schema.graphql"), "utf8");
  expect(printSdl()).toBe(committed);
});

test("the printed schema lists every operation the SPEC names", () => {
  const sdl = printSdl();
  for (const field of ["jobs(", "job(", "activities(", "scheduler:", "discoverJobs:", "exportIni(", "activateJob(", "deactivateJob(", "runJobNow(", "reloadConfig:", "updateJobSchedule(", "activity(", "jobChanged(", "runs(", "run(", "runFinished(", "runStarted("]) {
    expect(sdl).toContain(`  ${field}`);
  }
});
