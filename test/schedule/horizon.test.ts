/**
 * Issue 12 item 7, the second line of defence: a spec made past the loader's
 * bounds (the loader refuses them; a spec built elsewhere may not) ends its
 * schedule at the horizon instead of throwing RangeError into `tickd next`,
 * the engine or the API.
 */
import { describe, expect, test } from "bun:test";
import { LAST_INSTANT, compileSchedule, nextRuns } from "../../src/schedule/index.ts";
import { cronRule, everyRule, job, t } from "./helpers.ts";

const FROM = t("2026-12-01T09:00:00Z");

describe("past the horizon (the end of 9999) a schedule has no occurrence", () => {
  test.each([
    ["every 99999999999999 seconds", everyRule("99999999999999 seconds")],
    ["every 99999999999999 hours at :15", everyRule("99999999999999 hours", ":15")],
    ["every 9999999999999 days at 10:00", everyRule("9999999999999 days", "10:00")],
    ["every 9999999999999 weeks", everyRule("9999999999999 weeks")],
  ])("%s: first is null, and nothing throws", (_name, rule) => {
    const schedule = compileSchedule(job(rule, { timezone: "Europe/Berlin" }), "UTC");
    expect(schedule.first(FROM)).toBeNull();
    expect(schedule.following(FROM)).toBeNull();
    expect(schedule.followingAfter(FROM, FROM + 1000)).toBeNull();
    expect(nextRuns(schedule, FROM, 5)).toEqual([]);
  });

  test("an occurrence at the horizon is kept, the one after it is not", () => {
    const schedule = compileSchedule(job(everyRule("1 second")), "UTC");
    expect(schedule.first(LAST_INSTANT - 1000)).toBe(LAST_INSTANT);
    expect(schedule.following(LAST_INSTANT)).toBeNull();
    expect(schedule.first(LAST_INSTANT)).toBeNull();
    expect(schedule.followingAfter(LAST_INSTANT - 5000, LAST_INSTANT + 1)).toBeNull();
  });

  test("a cron schedule ends without throwing (croner searches no further than the year 3000), in a zone ahead of UTC too", () => {
    const schedule = compileSchedule(job(cronRule("0 0 1 1 *"), { timezone: "Pacific/Kiritimati" }), "UTC");
    expect(nextRuns(schedule, t("2997-06-01T00:00:00Z"), 5).map((ms) => new Date(ms).toISOString())).toEqual(["2997-12-31T10:00:00.000Z", "2998-12-31T10:00:00.000Z"]);
    expect(nextRuns(schedule, LAST_INSTANT - 1000, 5)).toEqual([]);
  });

  test("instants Date cannot hold end the schedule instead of throwing", () => {
    const schedule = compileSchedule(job(everyRule("day", "10:00"), { timezone: "Europe/Berlin" }), "UTC");
    expect(schedule.following(8.64e15 + 1)).toBeNull();
    expect(schedule.following(Number.NaN)).toBeNull();
    expect(schedule.first(Number.POSITIVE_INFINITY)).toBeNull();
  });

  test("an until past the horizon changes nothing and is not described", () => {
    const schedule = compileSchedule(job(everyRule("10 minutes"), { until: 8e15 }), "UTC");
    expect(schedule.describe()).toBe("every 10 minutes (UTC)");
    expect(schedule.first(FROM)).toBe(FROM + 600_000);
  });
});
