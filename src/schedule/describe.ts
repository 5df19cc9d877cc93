/**
 * Schedules in words, for `tickd list`, the API and the dashboard:
 * "every 10 minutes", "every day at 10:30", "every sunday at 23:30",
 * "every 2 hours at :15", "cron 0 3 * * * (Europe/Berlin)",
 * "every day at 03:00 (Europe/Berlin) until 2027-01-01 00:00".
 */
import { everyText } from "../config/keys.ts";
import type { AtTime, EverySchedule, ScheduleRule } from "../config/types.ts";
import { LAST_INSTANT } from "./types.ts";
import { formatLocal, zoneOf } from "./zone.ts";

/** How a manual job's schedule reads in `list`, `next`, the API and the dashboard. */
export const MANUAL_TEXT = "manual (runs only by hand)";

const pad = (n: number | undefined): string => String(n ?? 0).padStart(2, "0");

/** `at` normalised for its unit (the form `schedule` 1.1 accepts). */
export function describeAt(unit: EverySchedule["unit"], at: AtTime): string {
  if (unit === "minute") return `:${pad(at.second)}`;
  if (unit === "hour") return at.second === 0 ? `:${pad(at.minute)}` : `${pad(at.minute)}:${pad(at.second)}`;
  const hm = `${pad(at.hour)}:${pad(at.minute)}`;
  return at.second === 0 ? hm : `${hm}:${pad(at.second)}`;
}

function describeEvery(rule: EverySchedule): string {
  const what = everyText(rule);
  const at = rule.at === undefined ? "" : ` at ${describeAt(rule.unit, rule.at)}`;
  return `every ${what}${at}`;
}

/**
 * The rule in words. `timezone` is appended in parentheses when given;
 * `until` (epoch ms) is shown as wall time in `timezone`, or in UTC (and
 * marked so) when no zone is given.
 */
export function describeRule(rule: ScheduleRule, timezone?: string, until?: number): string {
  // A manual job has no instants, so no zone or end to name either.
  if (rule.kind === "manual") return MANUAL_TEXT;
  const base = rule.kind === "cron" ? `cron ${rule.expression.trim()}` : describeEvery(rule);
  const zone = timezone === undefined ? "" : ` (${timezone})`;
  // Past the horizon an `until` changes nothing (and could not be formatted).
  if (until === undefined || !(until <= LAST_INSTANT)) return base + zone;
  const wall = formatLocal(zoneOf(timezone ?? "UTC").toLocal(until));
  return `${base}${zone} until ${wall}${timezone === undefined ? " UTC" : ""}`;
}

/** Whether the rule reads wall-clock time (and so its zone belongs in its description). */
export function isZoned(rule: ScheduleRule): boolean {
  if (rule.kind === "manual") return false;
  return rule.kind === "cron" || !["second", "minute", "hour"].includes(rule.unit);
}
