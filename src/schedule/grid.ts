/**
 * A rule's grid of instants: every, cron, or none at all for a manual job
 * (`every = manual`), whose occurrences never come, so the engine never
 * schedules it and `next` lists none. Pure.
 */
import type { ScheduleRule } from "../config/types.ts";
import { cronGrid } from "./cron.ts";
import { everyGrid, type Grid } from "./every.ts";
import type { Zone } from "./zone.ts";

const NO_INSTANTS: Grid = { first: () => null, following: () => null, followingAfter: () => null };

export function gridOf(rule: ScheduleRule, zone: Zone): Grid {
  if (rule.kind === "manual") return NO_INSTANTS;
  return rule.kind === "cron" ? cronGrid(rule.expression.trim(), zone) : everyGrid(rule, zone);
}
