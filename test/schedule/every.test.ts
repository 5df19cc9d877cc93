/**
 * `every` jobs: the first run follows Python `schedule` 1.1 (checked against
 * the real library, see schedule11.test.ts), later runs are drift-free.
 * Instants are UTC unless the case says otherwise; 2026-11-23 is a monday.
 */
import { describe, expect, test } from "bun:test";
import { compileSchedule, nextRuns } from "../../src/schedule/index.ts";
import { everyRule, inZone, job, t } from "./helpers.ts";

const UTC = "UTC";
const iso = (ms: number | null) => inZone(ms, UTC);

function firstRun(every: string, at: string | undefined, registeredAt: string): string | null {
  return iso(compileSchedule(job(everyRule(every, at)), UTC).first(t(registeredAt)));
}

describe("every N unit without at first runs one interval after registration", () => {
  test.each([
    ["second", "2026-11-23T11:00:00.250Z", "2026-11-23T11:00:01.25+00:00"],
    ["seconds", "2026-11-23T11:00:00Z", "2026-11-23T11:00:01+00:00"],
    ["1 second", "2026-11-23T11:00:00Z", "2026-11-23T11:00:01+00:00"],
    ["30 seconds", "2026-11-23T11:00:00Z", "2026-11-23T11:00:30+00:00"],
    ["minute", "2026-11-23T11:00:07Z", "2026-11-23T11:01:07+00:00"],
    ["10 minutes", "2026-11-23T11:00:07Z", "2026-11-23T11:10:07+00:00"],
    ["10 minute", "2026-11-23T11:00:07Z", "2026-11-23T11:10:07+00:00"],
    ["hour", "2026-11-23T11:20:00Z", "2026-11-23T12:20:00+00:00"],
    ["3 hours", "2026-11-23T23:20:00Z", "2026-11-24T02:20:00+00:00"],
    ["day", "2026-11-23T11:20:00Z", "2026-11-24T11:20:00+00:00"],
    ["2 days", "2026-11-23T11:20:00Z", "2026-11-25T11:20:00+00:00"],
    ["week", "2026-11-23T11:20:00Z", "2026-11-30T11:20:00+00:00"],
    ["2 weeks", "2026-11-23T11:20:00Z", "2026-12-07T11:20:00+00:00"],
  ])("every %s registered at %s first runs at %s", (every, registered, expected) => {
    expect(firstRun(every, undefined, registered)).toBe(expected);
  });
});

describe("every day at HH:MM[:SS]", () => {
  test.each([
    ["day", "10:30", "2026-11-23T09:00:00Z", "2026-11-23T10:30:00+00:00", "today when the time has not passed"],
    ["day", "10:30", "2026-11-23T11:00:00Z", "2026-11-24T10:30:00+00:00", "tomorrow when it has"],
    ["day", "10:30", "2026-11-23T10:30:00Z", "2026-11-24T10:30:00+00:00", "tomorrow when registered exactly then"],
    ["day", "10:30", "2026-11-23T10:29:59.999Z", "2026-11-23T10:30:00+00:00", "today one millisecond before"],
    ["day", "10:30:15", "2026-11-23T10:30:10Z", "2026-11-23T10:30:15+00:00", "with seconds"],
    ["days", "00:00", "2026-11-23T23:59:00Z", "2026-11-24T00:00:00+00:00", "at midnight"],
    ["2 days", "10:30", "2026-11-23T09:00:00Z", "2026-11-25T10:30:00+00:00", "two days later even though today's time is ahead"],
    ["2 days", "10:30", "2026-11-23T11:00:00Z", "2026-11-25T10:30:00+00:00", "two days later when today's time has passed"],
  ])("every %s at %s registered at %s first runs at %s (%s)", (every, at, registered, expected) => {
    expect(firstRun(every, at, registered)).toBe(expected);
  });
});

describe("every N hours at MM:SS or :MM", () => {
  test.each([
    ["hour", ":15", "2026-11-23T10:05:00Z", "2026-11-23T10:15:00+00:00", "this hour when :15 is ahead"],
    ["hour", ":15", "2026-11-23T10:20:00Z", "2026-11-23T11:15:00+00:00", "next hour when :15 has passed"],
    ["hour", ":15", "2026-11-23T10:15:00Z", "2026-11-23T11:15:00+00:00", "next hour when registered exactly at :15"],
    ["hour", "15:30", "2026-11-23T10:15:10Z", "2026-11-23T10:15:30+00:00", "MM:SS later in the same minute"],
    ["hour", "15:30", "2026-11-23T10:15:40Z", "2026-11-23T11:15:30+00:00", "MM:SS earlier in the same minute"],
    ["2 hours", ":15", "2026-11-23T10:05:00Z", "2026-11-23T11:15:00+00:00", "schedule 1.1 goes back one hour, not one interval"],
    ["2 hours", ":15", "2026-11-23T10:20:00Z", "2026-11-23T12:15:00+00:00", "two hours on when :15 has passed"],
  ])("every %s at %s registered at %s first runs at %s (%s)", (every, at, registered, expected) => {
    expect(firstRun(every, at, registered)).toBe(expected);
  });
});

describe("every N minutes at :SS", () => {
  test.each([
    ["minute", ":30", "2026-11-23T10:05:10Z", "2026-11-23T10:05:30+00:00", "this minute when :30 is ahead"],
    ["minute", ":30", "2026-11-23T10:05:40Z", "2026-11-23T10:06:30+00:00", "next minute when :30 has passed"],
    ["minute", ":30", "2026-11-23T10:05:30.500Z", "2026-11-23T10:06:30+00:00", "next minute within the :30 second"],
    ["5 minutes", ":00", "2026-11-23T10:05:10Z", "2026-11-23T10:10:00+00:00", "five minutes on at :00"],
    ["5 minutes", ":45", "2026-11-23T10:05:10Z", "2026-11-23T10:09:45+00:00", "schedule 1.1 goes back one minute, not one interval"],
  ])("every %s at %s registered at %s first runs at %s (%s)", (every, at, registered, expected) => {
    expect(firstRun(every, at, registered)).toBe(expected);
  });
});

describe("weekday jobs", () => {
  test.each([
    ["monday", "10:00", "2026-11-23T09:00:00Z", "2026-11-23T10:00:00+00:00", "a monday before 10:00 runs today"],
    ["monday", "10:00", "2026-11-23T11:00:00Z", "2026-11-30T10:00:00+00:00", "a monday after 10:00 runs a week later"],
    ["monday", "10:00", "2026-11-23T10:00:00Z", "2026-11-23T10:00:00+00:00", "a monday exactly at 10:00 runs at once (1.1 compares >=)"],
    ["wednesday", "10:00", "2026-11-23T11:00:00Z", "2026-11-25T10:00:00+00:00", "a monday runs on wednesday"],
    ["sunday", "23:30", "2026-11-23T11:00:00Z", "2026-11-29T23:30:00+00:00", "a monday runs on sunday"],
    ["sunday", "23:30:05", "2026-11-29T23:30:00Z", "2026-11-29T23:30:05+00:00", "with seconds, today"],
    ["monday", undefined, "2026-11-23T09:00:00Z", "2026-11-30T09:00:00+00:00", "without at: a monday runs next monday at the registration time"],
    ["friday", undefined, "2026-11-23T09:00:00.500Z", "2026-11-27T09:00:00.5+00:00", "without at: the next friday at the registration time"],
  ])("every %s at %s registered at %s first runs at %s (%s)", (every, at, registered, expected) => {
    expect(firstRun(every, at, registered)).toBe(expected);
  });
});

describe("later runs add the interval to the previous scheduled time", () => {
  test("every 10 minutes from a run scheduled 11:00:07 is 11:10:07, however late it ran", () => {
    const s = compileSchedule(job(everyRule("10 minutes")), UTC);
    expect(iso(s.following(t("2026-11-23T11:00:07Z")))).toBe("2026-11-23T11:10:07+00:00");
  });

  test.each([
    ["day", "10:30", "2026-11-23T10:30:00Z", "2026-11-24T10:30:00+00:00"],
    ["3 days", "10:30", "2026-11-23T10:30:00Z", "2026-11-26T10:30:00+00:00"],
    ["sunday", "23:30", "2026-11-29T23:30:00Z", "2026-12-06T23:30:00+00:00"],
    ["2 weeks", undefined, "2026-11-23T08:00:00Z", "2026-12-07T08:00:00+00:00"],
    ["2 hours", ":15", "2026-11-23T11:15:00Z", "2026-11-23T13:15:00+00:00"],
    ["minute", ":30", "2026-11-23T11:15:30Z", "2026-11-23T11:16:30+00:00"],
  ])("every %s at %s after %s is %s", (every, at, previous, expected) => {
    const s = compileSchedule(job(everyRule(every, at)), UTC);
    expect(iso(s.following(t(previous)))).toBe(expected);
  });

  test("nextRuns lists the first run and the ones after it", () => {
    const s = compileSchedule(job(everyRule("day", "10:30")), UTC);
    expect(nextRuns(s, t("2026-11-23T11:00:00Z"), 3).map(iso)).toEqual([
      "2026-11-24T10:30:00+00:00",
      "2026-11-25T10:30:00+00:00",
      "2026-11-26T10:30:00+00:00",
    ]);
    expect(nextRuns(s, t("2026-11-23T11:00:00Z"), 0)).toEqual([]);
  });
});

describe("followingAfter jumps over a gap in one call", () => {
  test("a 1-second job 30 days after its last run continues on its grid", () => {
    const s = compileSchedule(job(everyRule("second")), UTC);
    const previous = t("2026-11-01T00:00:00.250Z");
    expect(iso(s.followingAfter(previous, t("2026-12-01T12:00:00Z")))).toBe("2026-12-01T12:00:00.25+00:00");
    expect(iso(s.followingAfter(previous, t("2026-12-01T12:00:00.250Z")))).toBe("2026-12-01T12:00:01.25+00:00");
  });

  test("every 7 minutes after a 30-day gap lands on the 7-minute grid", () => {
    const s = compileSchedule(job(everyRule("7 minutes")), UTC);
    const previous = t("2026-11-01T00:00:00Z");
    const next = s.followingAfter(previous, t("2026-12-01T00:00:00Z")) as number;
    expect((next - previous) % (7 * 60_000)).toBe(0);
    expect(iso(next)).toBe("2026-12-01T00:04:00+00:00"); // 43,200 min = 6,171 × 7 + 3
  });

  test("every 3 days at 10:30 after a 30-day gap keeps its 3-day rhythm", () => {
    const s = compileSchedule(job(everyRule("3 days", "10:30")), UTC);
    expect(iso(s.followingAfter(t("2026-11-01T10:30:00Z"), t("2026-12-01T11:00:00Z")))).toBe("2026-12-04T10:30:00+00:00");
    expect(iso(s.followingAfter(t("2026-11-01T10:30:00Z"), t("2026-12-01T10:00:00Z")))).toBe("2026-12-01T10:30:00+00:00");
  });

  test("every monday at 10:00 after a 30-day gap is the next monday", () => {
    const s = compileSchedule(job(everyRule("monday", "10:00")), UTC);
    expect(iso(s.followingAfter(t("2026-11-02T10:00:00Z"), t("2026-12-02T10:00:00Z")))).toBe("2026-12-07T10:00:00+00:00");
  });

  test("an `after` before the previous run gives the run after the previous one", () => {
    const s = compileSchedule(job(everyRule("hour")), UTC);
    expect(iso(s.followingAfter(t("2026-11-23T10:00:00Z"), t("2026-11-23T08:00:00Z")))).toBe("2026-11-23T11:00:00+00:00");
  });
});
