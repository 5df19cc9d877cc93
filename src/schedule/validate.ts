/**
 * Checks the config loader can run before building a JobSpec, so a bad cron
 * or zone becomes a diagnostic on its line instead of a throw at compile time.
 * Each returns undefined when fine, else what is wrong and what to do.
 */
import { Cron } from "croner";
import { zoneOf } from "./zone.ts";

/**
 * A cron expression tickd accepts: 5 fields (minute first) or 6 (seconds
 * first), or one of croner's nicknames (@hourly, @daily, @weekly, @monthly,
 * @yearly). croner's 7th "year" field is refused because a job file's cron takes 5 or 6
 * and other crons would not read it back.
 */
export function cronProblem(expression: string): string | undefined {
  const text = expression.trim();
  const fields = text.split(/\s+/);
  if (!text.startsWith("@") && fields.length !== 5 && fields.length !== 6) {
    return `cron "${expression}" has ${fields.length} field${fields.length === 1 ? "" : "s"}; use 5 (minute hour day month weekday) or 6 (seconds first)`;
  }
  try {
    new Cron(text, { utcOffset: 0, paused: true });
    return undefined;
  } catch (error) {
    const why = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern: /, "");
    return `cron "${expression}" is not valid: ${why}`;
  }
}

/** An IANA zone name Temporal knows (e.g. Europe/Berlin, UTC). */
export function zoneProblem(id: string): string | undefined {
  try {
    zoneOf(id);
    return undefined;
  } catch {
    return `timezone "${id}" is not an IANA zone; use a name like Europe/Berlin or UTC`;
  }
}
