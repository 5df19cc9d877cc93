/**
 * First runs agree with Python `schedule` 1.1 itself: 400 random jobs and
 * registration instants (a fifth of them exactly on their `at`), answered by
 * the real library through test/schedule/oracle/schedule11.py and committed
 * as schedule11.json. 1.1 works in naive wall time, which UTC reproduces.
 */
import { expect, test } from "bun:test";
import { compileSchedule } from "../../src/schedule/index.ts";
import { everyRule, job, t } from "./helpers.ts";
import cases from "./oracle/schedule11.json";

test("the oracle holds every kind of every-rule", () => {
  const kinds = new Set(cases.map((c) => `${c.every.replace(/^\d+ /, "").replace(/s$/, "")}${c.at === null ? "" : " at"}`));
  for (const kind of ["second", "minute", "minute at", "hour", "hour at", "day", "day at", "week", "monday at"]) {
    expect(kinds).toContain(kind);
  }
});

test.each(cases.map((c) => [c.every, c.at ?? "-", c.registered, c.first] as const))(
  "every %s at %s registered at %s first runs at %s, as in schedule 1.1",
  (every, at, registered, first) => {
    const schedule = compileSchedule(job(everyRule(every, at === "-" ? undefined : at)), "UTC");
    expect(new Date(schedule.first(t(registered)) as number).toISOString()).toBe(first);
  },
);
