/** Test helpers: JobSpecs from a few words, instants from wall times. */
import { type AtTime, type JobSpec, type ScheduleRule, type EverySchedule, type CronSchedule, brandJobSpec } from "../../src/config/types.ts";

type EveryUnit = Extract<ScheduleRule, { kind: "every" }>["unit"];

/** Parse an `at` the way the config loader does (numbers by unit). */
export function at(text: string, unit: EveryUnit): AtTime {
  const parts = text.split(":");
  if (unit === "minute") return { second: Number(parts[1]), text };
  if (unit === "hour") {
    if (parts[0] === "") return { minute: Number(parts[1]), second: 0, text };
    return { minute: Number(parts[0]), second: Number(parts[1]), text };
  }
  return { hour: Number(parts[0]), minute: Number(parts[1]), second: Number(parts[2] ?? 0), text };
}

/** `every("2 hours", ":15")`, `every("monday", "10:00")`, `every("day")`. */
export function everyRule(every: string, atText?: string): EverySchedule {
  const words = every.trim().split(/\s+/);
  const interval = words.length === 2 ? Number(words[0]) : 1;
  const unit = (words[words.length - 1] as string).replace(/s$/, "") as EveryUnit;
  return { kind: "every", interval, unit, ...(atText === undefined ? {} : { at: at(atText, unit) }) };
}

export function cronRule(expression: string): CronSchedule {
  return { kind: "cron", expression };
}

/** A JobSpec around `rule`, with the loader's defaults. */
export function job(
  rule: ScheduleRule,
  extra: { timezone?: string; until?: number; label?: string } = {},
): JobSpec {
  return brandJobSpec({
    label: extra.label ?? "test job",
    target: { kind: "call", callback: "app.jobs.run" },
    schedule: rule,
    ...(extra.timezone === undefined ? {} : { timezone: extra.timezone }),
    ...(extra.until === undefined ? {} : { until: extra.until }),
    active: true,
    description: "",
    overlap: "skip",
    retries: 0,
    retryDelayMs: 1000,
    catchup: "skip",
    jitterMs: 0,
    kwargs: {},
    origin: { source: "ini", file: "/tmp/scheduler.ini", line: 1 },
  });
}

/** Epoch ms of an ISO instant with offset, e.g. "2026-03-29T03:00:00+02:00". */
export function t(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant in test: ${iso}`);
  return ms;
}

/** ISO with the zone's offset, for readable failures: "2026-03-29T03:00:00+02:00". */
export function inZone(ms: number | null, zone: string): string | null {
  if (ms === null) return null;
  const z = (globalThis as any).Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);
  return z.toString({ timeZoneName: "never" });
}
