/** compileSchedule as a whole: zones, `until`, descriptions, bad zones. */
import { describe, expect, test } from "bun:test";
import { compileSchedule, describeRule, nextRuns } from "../../src/schedule/index.ts";
import { cronRule, everyRule, inZone, job, t } from "./helpers.ts";

describe("timezone", () => {
  test("a job without timezone uses the instance zone", () => {
    const s = compileSchedule(job(everyRule("day", "10:00")), "Europe/Berlin");
    expect(s.zone).toBe("Europe/Berlin");
    expect(inZone(s.first(t("2026-11-23T06:00:00Z")), "Europe/Berlin")).toBe("2026-11-23T10:00:00+01:00");
  });

  test("a job's own timezone wins over the instance zone", () => {
    const s = compileSchedule(job(everyRule("day", "10:00"), { timezone: "America/New_York" }), "Europe/Berlin");
    expect(s.zone).toBe("America/New_York");
    expect(inZone(s.first(t("2026-11-23T06:00:00Z")), "America/New_York")).toBe("2026-11-23T10:00:00-05:00");
  });

  test("every hour at :15 in a half-hour zone means :15 local", () => {
    const s = compileSchedule(job(everyRule("hour", ":15")), "Asia/Kolkata");
    expect(inZone(s.first(t("2026-11-23T06:00:00Z")), "Asia/Kolkata")).toBe("2026-11-23T12:15:00+05:30");
  });

  test("an unknown zone is a config-invalid error that says what to use", () => {
    expect(() => compileSchedule(job(everyRule("day"), { label: "report", timezone: "Europe/Berlni" }), "UTC")).toThrow(
      '[report] timezone "Europe/Berlni" is not an IANA zone; use a name like Europe/Berlin or UTC',
    );
  });
});

describe("until", () => {
  const until = t("2026-11-25T10:00:00Z");
  const s = compileSchedule(job(everyRule("day", "10:00"), { until }), "UTC");

  test("a run exactly at until is still produced, the one after it is not", () => {
    expect(nextRuns(s, t("2026-11-23T09:00:00Z"), 5).map((ms) => inZone(ms, "UTC"))).toEqual([
      "2026-11-23T10:00:00+00:00",
      "2026-11-24T10:00:00+00:00",
      "2026-11-25T10:00:00+00:00",
    ]);
    expect(s.following(until)).toBeNull();
  });

  test("a job registered after until never runs", () => {
    expect(s.first(t("2026-11-25T10:00:01Z"))).toBeNull();
  });

  test("followingAfter past until is null", () => {
    expect(s.followingAfter(t("2026-11-23T10:00:00Z"), t("2026-11-25T10:00:00Z"))).toBeNull();
    expect(s.followingAfter(t("2026-11-23T10:00:00Z"), t("2026-11-24T12:00:00Z"))).toBe(until);
  });

  test("cron stops at until too", () => {
    const c = compileSchedule(job(cronRule("0 * * * *"), { until: t("2026-11-23T12:30:00Z") }), "UTC");
    expect(nextRuns(c, t("2026-11-23T10:30:00Z"), 5).length).toBe(2);
  });
});

describe("descriptions", () => {
  test.each([
    [everyRule("10 minutes"), undefined, undefined, "every 10 minutes"],
    [everyRule("minute"), undefined, undefined, "every minute"],
    [everyRule("1 second"), undefined, undefined, "every second"],
    [everyRule("minute", ":05"), undefined, undefined, "every minute at :05"],
    [everyRule("2 hours", ":15"), undefined, undefined, "every 2 hours at :15"],
    [everyRule("hour", "15:30"), undefined, undefined, "every hour at 15:30"],
    [everyRule("day", "10:30"), undefined, undefined, "every day at 10:30"],
    [everyRule("3 days", "10:30:05"), undefined, undefined, "every 3 days at 10:30:05"],
    [everyRule("2 weeks"), undefined, undefined, "every 2 weeks"],
    [everyRule("sunday", "23:30"), undefined, undefined, "every sunday at 23:30"],
    [everyRule("friday"), undefined, undefined, "every friday"],
    [cronRule("0 3 * * *"), "Europe/Berlin", undefined, "cron 0 3 * * * (Europe/Berlin)"],
    [everyRule("day", "03:00"), "Europe/Berlin", t("2026-12-31T23:00:00Z"), "every day at 03:00 (Europe/Berlin) until 2027-01-01 00:00"],
    [everyRule("10 minutes"), undefined, t("2027-01-01T00:00:30Z"), "every 10 minutes until 2027-01-01 00:00:30 UTC"],
  ])("%j in %s until %s reads %s", (rule, zone, until, expected) => {
    expect(describeRule(rule, zone, until)).toBe(expected);
  });

  test("a schedule names its zone when wall time matters, and its until", () => {
    expect(compileSchedule(job(everyRule("sunday", "23:30")), "Europe/Berlin").describe()).toBe("every sunday at 23:30 (Europe/Berlin)");
    expect(compileSchedule(job(everyRule("10 minutes")), "Europe/Berlin").describe()).toBe("every 10 minutes");
    expect(
      compileSchedule(job(everyRule("10 minutes"), { until: t("2027-01-01T00:00:00+01:00") }), "Europe/Berlin").describe(),
    ).toBe("every 10 minutes (Europe/Berlin) until 2027-01-01 00:00");
  });
});
