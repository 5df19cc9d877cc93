/**
 * The schedule keys of a job: `every` (`[N] unit`), `at` (whose format depends
 * on the unit, as in Python's `schedule` 1.1) and `cron` (validated with croner).
 * Each parser returns either a value or the message of a diagnostic.
 */
import { Cron } from "croner";
import type { DiagnosticCode } from "../errors.ts";
import { EVERY_UNIT_MS, MAX_EVERY_MS, roughly } from "./bounds.ts";
import { WEEKDAYS, type AtTime, type IntervalUnit, type Weekday } from "./types.ts";

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: DiagnosticCode; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (code: DiagnosticCode, message: string): Parsed<never> => ({ ok: false, code, message });

/** The fixed units of `every` (the weekdays are the others: WEEKDAYS). */
export const UNITS: readonly IntervalUnit[] = ["second", "minute", "hour", "day", "week"];
export const UNIT_HINT = "expected one of second(s), minute(s), hour(s), day(s), week(s), monday … sunday";

/** `seconds` -> second, `Monday` -> monday; undefined for anything else. */
function normalizeUnit(word: string): IntervalUnit | Weekday | undefined {
  const w = word.toLowerCase();
  const singular = w.endsWith("s") ? w.slice(0, -1) : w;
  for (const u of UNITS) if (u === w || u === singular) return u;
  // Plural weekdays (`mondays`) read naturally too; "every 1 tuesdays" is still one tuesday.
  for (const d of WEEKDAYS) if (d === w || d === singular) return d;
  return undefined;
}

/** `every = manual`: the job has no schedule and runs only by hand. */
export const MANUAL = "manual";

/** Whether an `every` value says manual (any case, surrounding space ignored). */
export function isManualEvery(text: string): boolean {
  const t = text.trim();
  return t.length === MANUAL.length && t.toLowerCase() === MANUAL;
}

export function isWeekday(unit: IntervalUnit | Weekday): unit is Weekday {
  return (WEEKDAYS as readonly string[]).includes(unit);
}

type EveryValue = { readonly interval: number; readonly unit: IntervalUnit | Weekday };

/**
 * Most jobs of a large file share a few `every` values: each (key, value) is
 * parsed once. The answers are never changed by their callers (a rule is
 * built from their fields), so one answer serves every job that gives it.
 */
const everyAnswers = new Map<string, Map<string, Parsed<EveryValue>>>();
const EVERY_MEMO_MAX = 10_000;

export function parseEvery(key: string, text: string): Parsed<EveryValue> {
  let byText = everyAnswers.get(key);
  if (byText === undefined) {
    if (everyAnswers.size >= EVERY_MEMO_MAX) everyAnswers.clear();
    everyAnswers.set(key, (byText = new Map()));
  }
  const known = byText.get(text);
  if (known !== undefined) return known;
  const answer = parseEveryText(key, text);
  if (byText.size >= EVERY_MEMO_MAX) byText.clear();
  byText.set(text, answer);
  return answer;
}

function parseEveryText(key: string, text: string): Parsed<EveryValue> {
  const parts = text.trim().split(/\s+/);
  if (text.trim() === "") return fail("bad-every", `${key}: is empty; write [N] unit, e.g. 10 minutes, day or sunday`);
  if (parts.length > 2) return fail("bad-every", `${key}: ${JSON.stringify(text)} is not [N] unit; write e.g. 10 minutes, and put the time of day in a separate at = … line`);
  const [first, second] = parts as [string, string | undefined];
  const numberText = second === undefined ? undefined : first;
  const unitText = second ?? first;
  if (second === undefined && /^[-+\d.]+$/.test(first)) {
    return fail("bad-every", `${key}: ${JSON.stringify(text)} has no unit; write e.g. ${first} minutes (${UNIT_HINT.replace("expected ", "")})`);
  }
  const unit = normalizeUnit(unitText);
  if (unit === undefined) return fail("bad-unit", `${key}: ${JSON.stringify(text.trim())} is not a unit; ${UNIT_HINT}`);
  let interval = 1;
  if (numberText !== undefined) {
    // A huge N is caught by the bound below, with a message that says so.
    if (!/^\d+$/.test(numberText) || Number(numberText) < 1) {
      return fail("bad-interval", `${key}: "${text.trim()}" needs a positive whole number before the unit; write e.g. 10 ${unit}s (for fractions use a smaller unit: 90 minutes, not 1.5 hours)`);
    }
    interval = Number(numberText);
  }
  if (isWeekday(unit) && interval !== 1) {
    return fail("weekday-interval", `${key}: a weekday runs once a week, so N must be 1 in ${JSON.stringify(text)}; write ${unit}, or use cron for other patterns`);
  }
  const unitMs = EVERY_UNIT_MS[unit];
  if (unitMs !== undefined && interval * unitMs > MAX_EVERY_MS) {
    const most = Math.floor(MAX_EVERY_MS / unitMs);
    return fail(
      "out-of-range",
      `${key}: "${text.trim()}" is longer than ${roughly(MAX_EVERY_MS)}, the longest interval; write at most ${most} ${unit}s${unit === "day" ? "" : ` (${MAX_EVERY_MS / EVERY_UNIT_MS.day!} days)`}, or use cron for a date each year`,
    );
  }
  return ok({ interval, unit });
}

const TWO = "([0-9]{2})";

/** `at` for the given unit, following `schedule` 1.1, with range checks. */
export function parseAt(text: string, unit: IntervalUnit | Weekday): Parsed<AtTime> {
  const t = text.trim();
  if (unit === "second" || unit === "week") {
    return fail("at-not-allowed", `at: cannot be used with every ${unit}; remove at, or use a day or weekday unit (every day / every monday) to pick a time of day`);
  }
  let m: RegExpMatchArray | null;
  if (unit === "minute") {
    if (!(m = t.match(new RegExp(`^:${TWO}$`)))) return fail("bad-at", `at: ${JSON.stringify(t)} is not a time for a minute job; write :SS, the second of each minute, e.g. :15`);
    const second = Number(m[1]);
    if (second > 59) return fail("bad-at", `at: second ${second} in ${JSON.stringify(t)} is out of range; use 00-59`);
    return ok({ second, text: t });
  }
  if (unit === "hour") {
    if ((m = t.match(new RegExp(`^${TWO}:${TWO}$`)))) {
      const [minute, second] = [Number(m[1]), Number(m[2])];
      if (minute > 59 || second > 59) return fail("bad-at", `at: ${JSON.stringify(t)} is out of range for MM:SS; minutes and seconds go from 00 to 59`);
      return ok({ minute, second, text: t });
    }
    if ((m = t.match(new RegExp(`^:${TWO}$`)))) {
      const minute = Number(m[1]);
      if (minute > 59) return fail("bad-at", `at: minute ${minute} in ${JSON.stringify(t)} is out of range; use 00-59`);
      return ok({ minute, second: 0, text: t });
    }
    return fail("bad-at", `at: ${JSON.stringify(t)} is not a time for an hourly job; write MM:SS (e.g. 15:00) or :MM (e.g. :15), the moment within each hour`);
  }
  // day and weekday units: a time of day.
  if (!(m = t.match(new RegExp(`^${TWO}:${TWO}(?::${TWO})?$`)))) {
    const hint = /^\d:\d\d/.test(t) ? ` (hours take two digits: 0${t})` : "";
    return fail("bad-at", `at: ${JSON.stringify(t)} is not a time of day; write HH:MM or HH:MM:SS in 24-hour time, e.g. 23:30${hint}`);
  }
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), m[3] === undefined ? 0 : Number(m[3])];
  if (hour > 23 || minute > 59 || second > 59) {
    return fail("bad-at", `at: ${JSON.stringify(t)} is out of range; hours go from 00 to 23, minutes and seconds from 00 to 59`);
  }
  return ok({ hour, minute, second, text: t });
}

const NICKNAMES = new Set(["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]);

/** A cron expression with 5 fields (or 6, seconds first), or a nickname such as @daily. */
export function parseCron(text: string): Parsed<string> {
  const expression = text.trim().replace(/\s+/g, " ");
  if (expression === "") return fail("bad-cron", "cron: is empty; write 5 fields (minute hour day month weekday), e.g. 30 2 * * *");
  const isNickname = NICKNAMES.has(expression.toLowerCase());
  const fields = expression.split(" ").length;
  if (!isNickname && fields !== 5 && fields !== 6) {
    return fail("bad-cron", `cron: ${JSON.stringify(expression)} has ${fields} field${fields === 1 ? "" : "s"}; write 5 (minute hour day month weekday) or 6 (with seconds first), e.g. 30 2 * * *`);
  }
  try {
    // paused: validate only; nothing is ever armed here (schedule/ does the math).
    new Cron(isNickname ? expression.toLowerCase() : expression, { paused: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, "").replace(/\.$/, "") : String(error);
    return fail("bad-cron", `cron: ${JSON.stringify(expression)} is not a valid cron expression (${reason}); fields are minute hour day month weekday, e.g. 30 2 * * 1-5`);
  }
  return ok(isNickname ? expression.toLowerCase() : expression);
}
