/**
 * Daylight saving time. Europe/Berlin 2026: clocks go 02:00 -> 03:00 on
 * sunday 29 March and 03:00 -> 02:00 on sunday 25 October. America/New_York
 * 2026: 02:00 -> 03:00 on sunday 8 March, 02:00 -> 01:00 on sunday 1 November.
 *
 * Rules: day/week/weekday and cron keep wall time; a nonexistent wall time runs
 * at the transition instant; a repeated one runs once, at the earlier instant.
 * second/minute/hour are elapsed time and ignore the change.
 */
import { describe, expect, test } from "bun:test";
import { compileSchedule } from "../../src/schedule/index.ts";
import type { ScheduleRule } from "../../src/config/types.ts";
import { cronRule, everyRule, inZone, job, t } from "./helpers.ts";

const BERLIN = "Europe/Berlin";
const NEW_YORK = "America/New_York";

/** The runs after `from`, stepping `following`, as ISO with the zone's offset. */
function runsAfter(rule: ScheduleRule, zone: string, from: string, count: number): (string | null)[] {
  const s = compileSchedule(job(rule), zone);
  const out: (string | null)[] = [];
  let prev: number | null = t(from);
  for (let i = 0; i < count && prev !== null; i++) {
    prev = s.following(prev);
    out.push(inZone(prev, zone));
  }
  return out;
}

/** first() then following(), as ISO with the zone's offset. */
function runsFrom(rule: ScheduleRule, zone: string, registered: string, count: number): (string | null)[] {
  const s = compileSchedule(job(rule), zone);
  const out: (string | null)[] = [];
  let next = s.first(t(registered));
  for (let i = 0; i < count && next !== null; i++) {
    out.push(inZone(next, zone));
    next = s.following(next);
  }
  return out;
}

describe("Europe/Berlin spring forward (29 March 2026)", () => {
  test("every day at 10:00 stays 10:00 local, 23 hours after the day before", () => {
    expect(runsAfter(everyRule("day", "10:00"), BERLIN, "2026-03-28T10:00:00+01:00", 2)).toEqual([
      "2026-03-29T10:00:00+02:00",
      "2026-03-30T10:00:00+02:00",
    ]);
  });

  test("every day at 02:30 runs at 03:00 CEST on the day 02:30 does not exist, then 02:30 again", () => {
    expect(runsFrom(everyRule("day", "02:30"), BERLIN, "2026-03-28T12:00:00+01:00", 3)).toEqual([
      "2026-03-29T03:00:00+02:00",
      "2026-03-30T02:30:00+02:00",
      "2026-03-31T02:30:00+02:00",
    ]);
  });

  test("every day registered at 02:30 keeps 02:30 after the day it ran at 03:00", () => {
    expect(runsFrom(everyRule("day"), BERLIN, "2026-03-27T02:30:00+01:00", 4)).toEqual([
      "2026-03-28T02:30:00+01:00",
      "2026-03-29T03:00:00+02:00",
      "2026-03-30T02:30:00+02:00",
      "2026-03-31T02:30:00+02:00",
    ]);
  });

  test("every sunday at 02:15 registered on saturday runs at 03:00, a week later at 02:15", () => {
    expect(runsFrom(everyRule("sunday", "02:15"), BERLIN, "2026-03-28T12:00:00+01:00", 2)).toEqual([
      "2026-03-29T03:00:00+02:00",
      "2026-04-05T02:15:00+02:00",
    ]);
  });

  test("every hour is 60 elapsed minutes: 01:30 CET is followed by 03:30 CEST", () => {
    expect(runsAfter(everyRule("hour"), BERLIN, "2026-03-29T01:30:00+01:00", 1)).toEqual(["2026-03-29T03:30:00+02:00"]);
  });

  test("every 2 hours at :15 keeps :15 across the change", () => {
    expect(runsFrom(everyRule("2 hours", ":15"), BERLIN, "2026-03-29T00:20:00+01:00", 3)).toEqual([
      "2026-03-29T03:15:00+02:00",
      "2026-03-29T05:15:00+02:00",
      "2026-03-29T07:15:00+02:00",
    ]);
  });

  test("cron 30 2 * * * runs at 03:00 CEST on the day, then 02:30 again", () => {
    expect(runsAfter(cronRule("30 2 * * *"), BERLIN, "2026-03-28T12:00:00+01:00", 2)).toEqual([
      "2026-03-29T03:00:00+02:00",
      "2026-03-30T02:30:00+02:00",
    ]);
  });

  test("cron 0 * * * * runs once at 03:00 for the missing 02:00 and the real 03:00", () => {
    expect(runsAfter(cronRule("0 * * * *"), BERLIN, "2026-03-29T00:30:00+01:00", 3)).toEqual([
      "2026-03-29T01:00:00+01:00",
      "2026-03-29T03:00:00+02:00",
      "2026-03-29T04:00:00+02:00",
    ]);
  });

  test("cron with seconds 0 30 2 * * * runs at 03:00 CEST", () => {
    expect(runsAfter(cronRule("0 30 2 * * *"), BERLIN, "2026-03-29T00:00:00+01:00", 1)).toEqual(["2026-03-29T03:00:00+02:00"]);
  });
});

describe("Europe/Berlin fall back (25 October 2026)", () => {
  test("every day at 02:30 runs once, at 02:30 CEST, and at 02:30 CET the next day", () => {
    expect(runsAfter(everyRule("day", "02:30"), BERLIN, "2026-10-24T02:30:00+02:00", 2)).toEqual([
      "2026-10-25T02:30:00+02:00",
      "2026-10-26T02:30:00+01:00",
    ]);
  });

  test("every day at 10:00 is 25 hours after the day before", () => {
    expect(runsAfter(everyRule("day", "10:00"), BERLIN, "2026-10-24T10:00:00+02:00", 1)).toEqual(["2026-10-25T10:00:00+01:00"]);
  });

  test("every sunday at 02:30 runs once on the day", () => {
    expect(runsAfter(everyRule("sunday", "02:30"), BERLIN, "2026-10-18T02:30:00+02:00", 2)).toEqual([
      "2026-10-25T02:30:00+02:00",
      "2026-11-01T02:30:00+01:00",
    ]);
  });

  test("every hour runs in both passes of the repeated hour (elapsed time)", () => {
    expect(runsAfter(everyRule("hour"), BERLIN, "2026-10-25T01:30:00+02:00", 3)).toEqual([
      "2026-10-25T02:30:00+02:00",
      "2026-10-25T02:30:00+01:00",
      "2026-10-25T03:30:00+01:00",
    ]);
  });

  test("cron 30 2 * * * runs once, at the earlier 02:30", () => {
    expect(runsAfter(cronRule("30 2 * * *"), BERLIN, "2026-10-24T12:00:00+02:00", 2)).toEqual([
      "2026-10-25T02:30:00+02:00",
      "2026-10-26T02:30:00+01:00",
    ]);
  });

  test("cron */30 * * * * does not repeat the wall times 02:00-02:59", () => {
    expect(runsAfter(cronRule("*/30 * * * *"), BERLIN, "2026-10-25T01:40:00+02:00", 4)).toEqual([
      "2026-10-25T02:00:00+02:00",
      "2026-10-25T02:30:00+02:00",
      "2026-10-25T03:00:00+01:00",
      "2026-10-25T03:30:00+01:00",
    ]);
  });

  test("cron 30 1-3 * * * runs 02:30 once, where croner on its own would run it in both passes", () => {
    expect(runsAfter(cronRule("30 1-3 * * *"), BERLIN, "2026-10-25T00:00:00+02:00", 4)).toEqual([
      "2026-10-25T01:30:00+02:00",
      "2026-10-25T02:30:00+02:00",
      "2026-10-25T03:30:00+01:00",
      "2026-10-26T01:30:00+01:00",
    ]);
  });

  test("cron from inside the second pass skips to the end of the repeated hour", () => {
    const s = compileSchedule(job(cronRule("*/15 * * * *")), BERLIN);
    expect(inZone(s.following(t("2026-10-25T02:10:00+01:00")), BERLIN)).toBe("2026-10-25T03:00:00+01:00");
    expect(inZone(s.followingAfter(t("2026-10-25T02:45:00+02:00"), t("2026-10-25T02:20:00+01:00")), BERLIN)).toBe(
      "2026-10-25T03:00:00+01:00",
    );
  });
});

describe("America/New_York", () => {
  test("every day at 02:30 on 8 March 2026 runs at 03:00 EDT", () => {
    expect(runsAfter(everyRule("day", "02:30"), NEW_YORK, "2026-03-07T02:30:00-05:00", 2)).toEqual([
      "2026-03-08T03:00:00-04:00",
      "2026-03-09T02:30:00-04:00",
    ]);
  });

  test("every sunday at 02:15 runs at 03:00 EDT on 8 March 2026", () => {
    expect(runsAfter(everyRule("sunday", "02:15"), NEW_YORK, "2026-03-01T02:15:00-05:00", 2)).toEqual([
      "2026-03-08T03:00:00-04:00",
      "2026-03-15T02:15:00-04:00",
    ]);
  });

  test("every day at 01:30 on 1 November 2026 runs once, at 01:30 EDT", () => {
    expect(runsAfter(everyRule("day", "01:30"), NEW_YORK, "2026-10-31T01:30:00-04:00", 2)).toEqual([
      "2026-11-01T01:30:00-04:00",
      "2026-11-02T01:30:00-05:00",
    ]);
  });

  test("every day at 01:30 registered in the second pass, after the first 01:30, runs the next day", () => {
    expect(runsFrom(everyRule("day", "01:30"), NEW_YORK, "2026-11-01T01:20:00-05:00", 1)).toEqual(["2026-11-02T01:30:00-05:00"]);
  });

  test("cron 30 1 * * * runs once on 1 November, cron 30 2 * * * at 03:00 on 8 March", () => {
    expect(runsAfter(cronRule("30 1 * * *"), NEW_YORK, "2026-10-31T12:00:00-04:00", 2)).toEqual([
      "2026-11-01T01:30:00-04:00",
      "2026-11-02T01:30:00-05:00",
    ]);
    expect(runsAfter(cronRule("30 2 * * *"), NEW_YORK, "2026-03-07T12:00:00-05:00", 2)).toEqual([
      "2026-03-08T03:00:00-04:00",
      "2026-03-09T02:30:00-04:00",
    ]);
  });

  test("every sunday at 01:30 runs once on 1 November 2026, at 01:30 EDT", () => {
    expect(runsAfter(everyRule("sunday", "01:30"), NEW_YORK, "2026-10-25T01:30:00-04:00", 2)).toEqual([
      "2026-11-01T01:30:00-04:00",
      "2026-11-08T01:30:00-05:00",
    ]);
  });

  test("every 20 minutes runs through the repeated hour in elapsed time", () => {
    expect(runsAfter(everyRule("20 minutes"), NEW_YORK, "2026-11-01T01:40:00-04:00", 3)).toEqual([
      "2026-11-01T01:00:00-05:00",
      "2026-11-01T01:20:00-05:00",
      "2026-11-01T01:40:00-05:00",
    ]);
  });

  test("every 2 weeks keeps the registration wall time across both changes", () => {
    expect(runsFrom(everyRule("2 weeks"), NEW_YORK, "2026-02-20T09:00:00-05:00", 2)).toEqual([
      "2026-03-06T09:00:00-05:00",
      "2026-03-20T09:00:00-04:00",
    ]);
  });
});

describe("zones with unusual changes", () => {
  const SANTIAGO = "America/Santiago"; // 6 September 2026: 00:00 -> 01:00, midnight does not exist
  const LORD_HOWE = "Australia/Lord_Howe"; // 4 October 2026: 02:00 -> 02:30, a half-hour change

  test("every day at 00:30 in Santiago runs at 01:00 on the day midnight is skipped", () => {
    expect(runsAfter(everyRule("day", "00:30"), SANTIAGO, "2026-09-05T00:30:00-04:00", 2)).toEqual([
      "2026-09-06T01:00:00-03:00",
      "2026-09-07T00:30:00-03:00",
    ]);
  });

  test("cron 0 0 * * * in Santiago runs at 01:00 that day", () => {
    expect(runsAfter(cronRule("0 0 * * *"), SANTIAGO, "2026-09-05T12:00:00-04:00", 2)).toEqual([
      "2026-09-06T01:00:00-03:00",
      "2026-09-07T00:00:00-03:00",
    ]);
  });

  test("every day at 02:15 on Lord Howe runs at 02:30, the end of the half-hour gap", () => {
    expect(runsAfter(everyRule("day", "02:15"), LORD_HOWE, "2026-10-03T02:15:00+10:30", 2)).toEqual([
      "2026-10-04T02:30:00+11:00",
      "2026-10-05T02:15:00+11:00",
    ]);
  });

  test("every hour at 32:52 registered at 01:26:33 on Lord Howe's change never runs before registration", () => {
    expect(runsFrom(everyRule("hour", "32:52"), LORD_HOWE, "2026-10-04T01:26:33+10:30", 2)).toEqual([
      "2026-10-04T02:32:52+11:00",
      "2026-10-04T03:32:52+11:00",
    ]);
  });
});
