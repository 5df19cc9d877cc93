/// <reference lib="esnext.temporal" />
/**
 * `tickd next [--from ISO] [--count N] [--json]`: the next run times of every
 * job, computed by the schedule calculator as if the jobs were registered at
 * `--from` (default: now). With --from given nothing depends on the real
 * clock, so the output is reproducible. Never imports job modules. Whether a
 * job is on is the catalog's answer (src/jobs/): the job file, or an
 * operator's switch recorded in the store (--db); discovered jobs are included.
 */
import type { JobSpec } from "../config/index.ts";
import { systemClock } from "../clock.ts";
import { openCatalogStore, pauseWords, readCatalog, type CatalogEntry } from "../jobs/index.ts";
import { compileSchedule, neverFires } from "../schedule/index.ts";
import { UsageError, boolFlag, instanceSettings, parseArgs, stringFlag, type FlagDef } from "./args.ts";
import { displayPath, loadOrReport, noPositionals } from "./check.ts";
import { EXIT, type Command } from "./command.ts";
import { leftOut } from "./list.ts";

const FLAGS: readonly FlagDef[] = [
  { name: "from", value: "ISO", help: "compute as if the jobs were loaded at this time: a wall time in the instance zone (2026-12-01T09:00) or with an offset (…+01:00, …Z); default now" },
  { name: "count", value: "N", help: "runs per job (default 5)" },
  { name: "json", boolean: true, help: 'print [{"label","runs":[ISO-8601,…]}] instead of text' },
];

const DEFAULT_COUNT = 5;
const MAX_COUNT = 10_000;

/** `--from`: an ISO date-time with offset, or a wall time (or date, meaning midnight) in `zone`. */
export function parseFrom(text: string, zone: string): number {
  const t = text.trim().replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, "$1T");
  try {
    if (/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(t) && t.includes("T")) return Temporal.Instant.from(t).epochMilliseconds;
    if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return Temporal.PlainDate.from(t, { overflow: "reject" }).toZonedDateTime({ timeZone: zone }).epochMilliseconds;
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(t)) {
      return Temporal.PlainDateTime.from(t, { overflow: "reject" }).toZonedDateTime(zone, { disambiguation: "compatible" }).epochMilliseconds;
    }
  } catch {
    // fall through to the usage error
  }
  throw new UsageError(`--from: ${JSON.stringify(text)} is not an ISO date-time; write e.g. 2026-12-01T09:00 (instance zone ${zone}) or 2026-12-01T09:00:00+01:00`);
}

function parseCount(text: string | undefined): number {
  if (text === undefined) return DEFAULT_COUNT;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_COUNT) {
    throw new UsageError(`--count: ${JSON.stringify(text)} is not a whole number from 1 to ${MAX_COUNT}`);
  }
  return Number(text);
}

/** ISO-8601 with the zone's offset, e.g. 2026-11-29T23:30:00+01:00. */
export function isoInZone(ms: number, zone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toString({ timeZoneName: "never", smallestUnit: "second" });
}

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** Human form: "Sun 2026-11-29 23:30:00 +01:00". */
export function humanInZone(ms: number, zone: string): string {
  const z = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);
  const iso = z.toString({ timeZoneName: "never", smallestUnit: "second" });
  return `${DAYS[z.dayOfWeek - 1]} ${iso.slice(0, 10)} ${iso.slice(11, 19)} ${z.offset}`;
}

interface JobRuns {
  readonly job: JobSpec;
  /** The catalog's word on the job (who switched it, missing, no schedule yet); set by the command. */
  readonly entry?: CatalogEntry;
  readonly describe: string;
  readonly zone: string;
  readonly runs: number[];
  readonly error?: string;
  /** Why the job never fires from `from` (a cron no date matches, an until past or before the first run). */
  readonly never?: string;
}

export function nextRuns(job: JobSpec, instanceZone: string, from: number, count: number): JobRuns {
  try {
    const schedule = compileSchedule(job, instanceZone);
    const runs: number[] = [];
    if (job.active) {
      let at = schedule.first(from);
      while (at !== null && runs.length < count) {
        runs.push(at);
        at = schedule.following(at);
      }
    }
    const never = runs.length === 0 ? neverFires(job, instanceZone, from)?.message : undefined;
    return { job, describe: schedule.describe(), zone: schedule.zone, runs, ...(never !== undefined ? { never } : {}) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { job, describe: "", zone: job.timezone ?? instanceZone, runs: [], error: `cannot compute the schedule: ${message}` };
  }
}

export const nextCommand: Command = {
  name: "next",
  usage: "next [-P PATH] [--from ISO] [--count N] [--json] [--timezone ZONE]",
  summary: "print the next run times of every job (never runs job code)",
  flags: FLAGS,
  uses: ["config", "timezone"],
  async run(argv, io) {
    // The command's one clock read, at its start: the process's clock (src/clock.ts).
    const now = systemClock.now();
    const args = parseArgs(argv, FLAGS);
    noPositionals(args, "next");
    const settings = instanceSettings(args);
    const fromText = stringFlag(args, "from");
    const from = fromText === undefined ? now : parseFrom(fromText, settings.timezone);
    const count = parseCount(stringFlag(args, "count"));
    const jobFile = await loadOrReport(settings.configPath, settings.timezone, io);
    if (!jobFile) return EXIT.usage;
    const store = await openCatalogStore(settings.dbUrl);
    let entries: readonly CatalogEntry[];
    try {
      entries = (await readCatalog(store, jobFile.jobs, settings.timezone)).entries;
    } finally {
      await store?.close();
    }
    const results: JobRuns[] = entries.map((entry) =>
      entry.missing ? { job: entry.spec, entry, describe: "missing", zone: settings.timezone, runs: [] } : { ...nextRuns(entry.spec, settings.timezone, from, count), entry },
    );
    const problems = leftOut(jobFile.diagnostics);

    if (boolFlag(args, "json")) {
      const rows = results.map((r) =>
        r.error !== undefined
          ? { label: r.job.label, error: r.error }
          : {
              label: r.job.label,
              ...(r.job.active ? {} : { active: false }),
              ...(r.entry?.activeBy === "operator" && { activeBy: "operator" }),
              ...(r.entry?.source === "discovered" && { source: "discovered" }),
              ...(r.job.schedule.kind === "manual" && { manual: true }),
              ...(r.entry?.missing && { missing: true }),
              runs: r.runs.map((ms) => isoInZone(ms, r.zone)),
            },
      );
      io.out(JSON.stringify([...rows, ...problems], null, 2));
      return EXIT.ok;
    }

    const lines = [`Next ${count === 1 ? "run" : `${count} runs`} of each job in ${displayPath(jobFile.path)}, from ${humanInZone(from, settings.timezone)} (${settings.timezone})`];
    for (const r of results) {
      lines.push("", `${r.job.label} — ${r.error ?? r.describe}`);
      if (r.error !== undefined) continue;
      if (r.job.schedule.kind === "manual") lines.push(`  manual: never scheduled; runs only by hand (tickd run-job, runJobNow, the dashboard's Run button)${r.entry?.source === "discovered" ? "; give it a schedule with updateJobSchedule or the dashboard" : ""}`);
      else if (r.entry?.missing) lines.push("  missing: its app no longer registers it; never scheduled");
      else if (!r.job.active && r.entry?.pause && (r.entry.pause.note || r.entry.pause.until !== null)) {
        lines.push(`  ${pauseWords(r.entry.pause)}; no runs until resumed (tickd resume, the dashboard)`);
      } else if (!r.job.active && r.entry?.activeBy === "operator") {
        const at = r.entry.activeAt === null ? "" : ` at ${humanInZone(r.entry.activeAt, settings.timezone)}`;
        lines.push(`  inactive: switched off by an operator${at}; activate it in the dashboard or with the activateJob mutation`);
      } else if (!r.job.active) {
        lines.push(r.entry?.source === "discovered" ? "  inactive: never scheduled (activate it in the dashboard or with the activateJob mutation)" : "  inactive: never scheduled (set active = yes to schedule it)");
      }
      else if (r.runs.length === 0) lines.push(`  no further runs — ${r.never ?? "none before the end of the year 9999, where schedules end"}`);
      else for (const ms of r.runs) lines.push(`  ${humanInZone(ms, r.zone)}`);
    }
    for (const p of problems) lines.push("", `${p.label ?? "(no job)"} — left out`, `  ${p.error}`);
    io.out(lines.join("\n"));
    return EXIT.ok;
  },
};
