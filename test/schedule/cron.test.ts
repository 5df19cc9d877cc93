/** `cron` jobs: croner's field matching, month ends and leap years, in the job's zone. */
import { describe, expect, test } from "bun:test";
import { compileSchedule, nextRuns } from "../../src/schedule/index.ts";
import { cronRule, inZone, job, t } from "./helpers.ts";

const BERLIN = "Europe/Berlin";

function runs(expression: string, zone: string, registered: string, count: number): (string | null)[] {
  const s = compileSchedule(job(cronRule(expression)), zone);
  return nextRuns(s, t(registered), count).map((ms) => inZone(ms, zone));
}

describe("cron expressions", () => {
  test.each([
    ["0 3 * * *", "2026-11-23T02:59:59+01:00", ["2026-11-23T03:00:00+01:00", "2026-11-24T03:00:00+01:00"], "5 fields: next 03:00 local"],
    ["0 3 * * *", "2026-11-23T03:00:00+01:00", ["2026-11-24T03:00:00+01:00", "2026-11-25T03:00:00+01:00"], "strictly after the registration instant"],
    ["*/20 * * * * *", "2026-11-23T10:00:05+01:00", ["2026-11-23T10:00:20+01:00", "2026-11-23T10:00:40+01:00"], "6 fields: seconds first"],
    ["0 0 31 * *", "2026-01-31T12:00:00+01:00", ["2026-03-31T00:00:00+02:00", "2026-05-31T00:00:00+02:00"], "the 31st skips short months"],
    ["0 12 29 2 *", "2026-01-01T00:00:00+01:00", ["2028-02-29T12:00:00+01:00", "2032-02-29T12:00:00+01:00"], "29 February only in leap years"],
    ["0 0 L 2 *", "2027-01-01T00:00:00+01:00", ["2027-02-28T00:00:00+01:00", "2028-02-29T00:00:00+01:00"], "the last day of February"],
    ["30 8 * * 1-5", "2026-11-27T09:00:00+01:00", ["2026-11-30T08:30:00+01:00", "2026-12-01T08:30:00+01:00"], "weekdays only: friday after 08:30 -> monday"],
    ["0 0 13 * 5", "2026-11-01T00:00:00+01:00", ["2026-11-06T00:00:00+01:00", "2026-11-13T00:00:00+01:00"], "day-of-month OR day-of-week, as in vixie cron"],
    ["0 0 1 1 *", "2026-12-31T23:59:59+01:00", ["2027-01-01T00:00:00+01:00", "2028-01-01T00:00:00+01:00"], "new year"],
  ])("cron %s registered at %s runs at %j (%s)", (expression, registered, expected) => {
    expect(runs(expression, BERLIN, registered, 2)).toEqual(expected);
  });

  test("cron 0 0 30 2 * never matches: no first run", () => {
    const s = compileSchedule(job(cronRule("0 0 30 2 *")), BERLIN);
    expect(s.first(t("2026-11-23T00:00:00Z"))).toBeNull();
    expect(nextRuns(s, t("2026-11-23T00:00:00Z"), 3)).toEqual([]);
  });

  test("cron is read in the job's timezone, not the instance's", () => {
    const s = compileSchedule(job(cronRule("0 9 * * *"), { timezone: "Asia/Kolkata" }), BERLIN);
    expect(s.zone).toBe("Asia/Kolkata");
    expect(inZone(s.first(t("2026-11-23T00:00:00Z")), "Asia/Kolkata")).toBe("2026-11-23T09:00:00+05:30");
  });

  test("followingAfter a 30-day gap is the first match after the gap", () => {
    const s = compileSchedule(job(cronRule("15 */6 * * *")), "UTC");
    expect(inZone(s.followingAfter(t("2026-10-01T00:15:00Z"), t("2026-10-31T13:00:00Z")), "UTC")).toBe("2026-10-31T18:15:00+00:00");
  });

  test("an expression croner rejects is a config-invalid error naming the job", () => {
    expect(() => compileSchedule(job(cronRule("61 * * * *"), { label: "nightly" }), BERLIN)).toThrow(
      /\[nightly\] cron "61 \* \* \* \*" is not valid/,
    );
  });
});
