/**
 * The first five runs of every kind of `every` rule (each unit, intervals 1,
 * 2 and 7, each `at` form 1.1 accepts) agree with Python `schedule` 1.1 itself (issue 14, "Timing: the original's engine, exactly")
 * at the instants where schedulers slip: registration exactly on the `at`
 * time, 1 ms and 1 s either side of it, at midnight and just before it, on
 * the weekday itself and the days either side (around a year end).
 *
 * All cases go to one Python process (test/schedule/oracle/schedule11.ts).
 * 1.1's `at()` takes no zone and works in naive wall time, so the comparison
 * is in UTC; tickd's zones and DST are tested against Temporal in
 * dst.test.ts and property.test.ts.
 */
import { expect, test } from "bun:test";
import { parseAt, parseEvery } from "../../src/config/index.ts";
import { WEEKDAYS, type ScheduleRule } from "../../src/config/types.ts";
import { compileSchedule, nextRuns } from "../../src/schedule/index.ts";
import { job } from "./helpers.ts";
import { type OracleCase, schedule11Runs } from "./oracle/schedule11.ts";

const COUNT = 5;
const SECOND = 1000;
const DAY = 86_400_000;

/** The `at` forms schedule 1.1 accepts for each unit (none for seconds and weeks). */
const AT_FORMS: Record<string, readonly (string | null)[]> = {
  second: [null],
  minute: [null, ":00", ":30", ":59"],
  hour: [null, ":00", ":15", "15:30", "59:59"],
  day: [null, "00:00", "10:00", "10:00:30", "23:59:59"],
  week: [null],
  weekday: [null, "00:00", "10:00", "10:00:30", "23:59:59"],
};

/** Wall times (ms since midnight) where the rule's `at` falls on a day: in the 10th hour and in the day's last hour or minute. */
function atTimes(unit: string, at: string | null): number[] {
  const n = (at ?? "").split(":").map((p) => Number(p || 0));
  const hms = (h: number, m: number, s: number) => ((h * 60 + m) * 60 + s) * SECOND;
  if (at === null) return [hms(10, 0, 0), hms(23, 59, 59)];
  if (unit === "minute") return [hms(10, 20, n[1]!), hms(23, 59, n[1]!)];
  if (unit === "hour") {
    const [m, s] = at.startsWith(":") ? [n[1]!, 0] : [n[0]!, n[1]!];
    return [hms(10, m, s), hms(23, m, s), hms(0, m, s)];
  }
  return [hms(n[0]!, n[1]!, n[2] ?? 0)];
}

/** Two instants far from any boundary, with milliseconds. */
const ORDINARY = [((3 * 60 + 7) * 60 + 41) * SECOND + 250, ((12 * 60 + 34) * 60 + 56) * SECOND + 789];

/**
 * Registration instants on three days around `day`: around each `at` time,
 * at midnight and 1 ms before it, and at two ordinary times of day.
 */
function registrations(day: number, unit: string, at: string | null): number[] {
  const instants: number[] = [];
  for (const d of [day - DAY, day, day + DAY]) {
    instants.push(d, d + DAY - 1, ...ORDINARY.map((wall) => d + wall));
    for (const wall of atTimes(unit, at)) {
      for (const offset of [-SECOND, -1, 0, 1, SECOND]) instants.push(d + wall + offset);
    }
  }
  return [...new Set(instants)];
}

/** Monday 2026-12-28: weekday jobs are registered around their day of that week, which runs into 2027. */
const WEEK = Date.UTC(2026, 11, 28);

function cases(): OracleCase[] {
  const all: OracleCase[] = [];
  for (const [kind, forms] of Object.entries(AT_FORMS)) {
    const units = kind === "weekday" ? WEEKDAYS : [kind];
    for (const unit of units) {
      const day = kind === "weekday" ? WEEK + WEEKDAYS.indexOf(unit as (typeof WEEKDAYS)[number]) * DAY : Date.UTC(2026, 11, 31);
      for (const interval of kind === "weekday" ? [1] : [1, 2, 7]) {
        for (const at of forms) {
          for (const ms of registrations(day, kind, at)) {
            all.push({ unit, interval, at, registered: new Date(ms).toISOString() });
          }
        }
      }
    }
  }
  return all;
}

/** The rule as the job-file loader parses `every` and `at`. */
function rule(c: OracleCase): ScheduleRule {
  const every = parseEvery("every", everyText(c));
  if (!every.ok) throw new Error(every.message);
  if (c.at === null) return { kind: "every", ...every.value };
  const at = parseAt(c.at, every.value.unit);
  if (!at.ok) throw new Error(at.message);
  return { kind: "every", ...every.value, at: at.value };
}

const everyText = (c: OracleCase): string => (c.interval === 1 ? c.unit : `${c.interval} ${c.unit}s`);

function tickdRuns(c: OracleCase): string[] {
  const schedule = compileSchedule(job(rule(c)), "UTC");
  return nextRuns(schedule, Date.parse(c.registered), COUNT).map((ms) => new Date(ms).toISOString());
}

function describeCase(c: OracleCase): string {
  const weekday = new Date(c.registered).toUTCString().slice(0, 3); // "Mon"
  return `every ${everyText(c)}${c.at === null ? "" : ` at ${c.at}`} registered ${weekday} ${c.registered}`;
}

test("every rule's first five runs agree with schedule 1.1 at boundary instants", () => {
  const all = cases();
  const python = schedule11Runs(all, COUNT);
  const disagreements: { case: string; tickd: string[]; python: string[] | { error: string } }[] = [];
  all.forEach((c, i) => {
    const theirs = python[i]!;
    const ours = tickdRuns(c);
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) disagreements.push({ case: describeCase(c), tickd: ours, python: theirs });
  });
  // Each entry names the job and registration instant, then both lists of runs.
  expect(disagreements).toEqual([]);
  // The cases cover what the issue names: exact `at` registrations of every unit that takes one.
  expect(all.length).toBeGreaterThan(2000);
  for (const unit of ["minute", "hour", "day", ...WEEKDAYS]) {
    expect(all.some((c) => c.unit === unit && c.at !== null && c.registered.endsWith(":00.000Z"))).toBe(true);
  }
});
