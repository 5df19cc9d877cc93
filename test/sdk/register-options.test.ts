/**
 * The SDK's RegisterOptions is written by hand (src/sdk/ is bundled for job
 * modules without the config layer), beside the key table's rows marked
 * `register` (src/config/keys.ts). This file fails when the two drift
 * (issue 13): a key added to RegisterOptions and not to the table fails to
 * type-check (`tsc --noEmit`, run before each commit and by `make test`);
 * a row made `register` without its option in RegisterOptions fails the test.
 */
import { expect, test } from "bun:test";
import { JOB_KEYS } from "../../src/config/keys.ts";
import type { RegisterOptions } from "../../src/sdk/index.ts";

/** Options of schedule.register that are not job-file keys. */
type NotKeys = "label" | "kwargs";

/**
 * Every job-file key of RegisterOptions, once: `satisfies` makes a missing
 * one a type error and an extra one (not in RegisterOptions) one too.
 */
const SDK_KEYS = {
  every: true,
  at: true,
  cron: true,
  timezone: true,
  description: true,
  active: true,
  timeout: true,
  overlap: true,
  retries: true,
  retry_delay: true,
  catchup: true,
  jitter: true,
  until: true,
  keep: true,
  keep_failures: true,
  isolate: true,
  grace: true,
  ping: true,
  notify: true,
  notify_on: true,
  alert_after: true,
  realert: true,
  warn_after: true,
} as const satisfies Record<Exclude<keyof RegisterOptions, NotKeys>, true>;

test("RegisterOptions lists exactly the key table's register keys", () => {
  const table = JOB_KEYS.filter((row) => row.register).map((row) => row.key);
  expect(Object.keys(SDK_KEYS).sort()).toEqual([...table].sort());
});

test("no register key of the table is also an option that is not a key", () => {
  const reserved: readonly NotKeys[] = ["label", "kwargs"];
  expect(JOB_KEYS.filter((row) => (reserved as readonly string[]).includes(row.key))).toEqual([]);
});
