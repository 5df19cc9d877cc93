/**
 * `tickd list [-P PATH] [--json]`: the jobs of a job file and the discovered
 * ones of the store (--db), with their schedule in words, what they run,
 * their description, and whether each is on and who said so (the catalog,
 * src/jobs/: an operator's switch in the API shows here). Never imports job
 * modules: descriptions missing from the file come from doc comments read as text.
 */
import { withDocDescription } from "../callbacks/index.ts";
import { systemClock } from "../clock.ts";
import { optionKeys, optionValue, type Diagnostic, type JobSpec } from "../config/index.ts";
import { activeWords, openCatalogStore, readCatalog, type CatalogEntry } from "../jobs/index.ts";
import { compileSchedule, neverFires } from "../schedule/index.ts";
import { boolFlag, instanceSettings, parseArgs, type FlagDef } from "./args.ts";
import { displayPath, loadOrReport, noPositionals } from "./check.ts";
import { EXIT, type Command } from "./command.ts";

const FLAGS: readonly FlagDef[] = [{ name: "json", boolean: true, help: "print a JSON array instead of text" }];

export function describeTarget(job: JobSpec): string {
  switch (job.target.kind) {
    case "call":
      return job.target.callback;
    case "command":
      return job.target.command;
    case "url":
      return `${job.target.method} ${job.target.url}`;
  }
}

/** The problems of jobs left out, grouped by label (file-level problems under ""). */
export function leftOut(diagnostics: readonly Diagnostic[]): { label?: string; line: number; error: string }[] {
  return diagnostics.map((d) => ({ ...(d.label !== undefined ? { label: d.label } : {}), line: d.line, error: `${displayPath(d.file)}:${d.line} ${d.message}` }));
}

/** The options kept in the store's `options` column, by JobSpec field, as the job holds them (the key table, src/config/keys.ts). */
function optionFields(job: JobSpec): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const row of optionKeys()) {
    const value = (job as unknown as Record<string, unknown>)[row.field];
    if (row.column === "options" && value !== undefined) fields[row.field] = value;
  }
  return fields;
}

function scheduleWords(entry: CatalogEntry, zone: string): string {
  const job = entry.spec;
  try {
    return compileSchedule(job, zone).describe();
  } catch (error) {
    return `(cannot compute: ${error instanceof Error ? error.message : String(error)})`;
  }
}

export const listCommand: Command = {
  name: "list",
  usage: "list [-P PATH] [--json]",
  summary: "list the jobs of a job file and the discovered ones, with who switched them on or off (never runs job code)",
  flags: FLAGS,
  uses: ["config", "root", "timezone"],
  async run(argv, io) {
    // The command's one clock read, at its start: the process's clock (src/clock.ts).
    const now = systemClock.now();
    const args = parseArgs(argv, FLAGS);
    noPositionals(args, "list");
    const settings = instanceSettings(args);
    const jobFile = await loadOrReport(settings.configPath, settings.timezone, io);
    if (!jobFile) return EXIT.usage;
    const described = await Promise.all(jobFile.jobs.map((job) => withDocDescription(job, settings.root)));
    const store = await openCatalogStore(settings.dbUrl);
    let entries: readonly CatalogEntry[];
    try {
      entries = (await readCatalog(store, described, settings.timezone)).entries;
    } finally {
      await store?.close();
    }
    const problems = leftOut(jobFile.diagnostics);
    // Whether an `until` has passed is a question about now.
    const never = new Map(entries.map((e) => [e.label, neverFires(e.spec, settings.timezone, now)?.message]));

    if (boolFlag(args, "json")) {
      const rows: object[] = entries.map((entry) => ({ job: entry.spec, entry })).map(({ job, entry }) => ({
        label: job.label,
        active: entry.active,
        ...(entry.activeBy !== "file" && { activeBy: entry.activeBy }),
        ...(entry.activeAt !== null && { activeAt: new Date(entry.activeAt).toISOString() }),
        ...(entry.pause && { pause: { note: entry.pause.note, by: entry.pause.by, at: entry.pause.at === null ? null : new Date(entry.pause.at).toISOString(), until: entry.pause.until === null ? null : new Date(entry.pause.until).toISOString() } }),
        ...(entry.source === "discovered" && { source: "discovered", app: job.origin.app, file: job.origin.file }),
        ...(entry.missing && { missing: true }),
        schedule: scheduleWords(entry, settings.timezone),
        rule: job.schedule,
        timezone: job.timezone ?? settings.timezone,
        [job.target.kind]: job.target.kind === "url" ? job.target.url : describeTarget(job),
        ...(job.target.kind === "url" ? { method: job.target.method } : {}),
        description: job.description,
        kwargs: job.kwargs,
        ...optionFields(job),
        ...(job.until !== undefined ? { until: new Date(job.until).toISOString() } : {}),
        ...(never.get(job.label) !== undefined ? { warning: never.get(job.label) } : {}),
        line: job.origin.line,
      }));
      io.out(JSON.stringify([...rows, ...problems], null, 2));
      return EXIT.ok;
    }

    const blocks = entries.map((entry) => {
      const job = entry.spec;
      const rows: [string, string][] = [
        ["active", activeWords(entry)],
        ["schedule", scheduleWords(entry, settings.timezone)],
        [job.target.kind, describeTarget(job)],
      ];
      if (entry.source === "discovered") rows.push(["from", `app ${job.origin.app ?? "?"} (discovered${entry.missing ? "; missing: its app no longer registers it" : ""})`]);
      for (const row of optionKeys()) {
        const value = optionValue(job, row);
        const words = row.list && value !== undefined ? row.list.words(value, job) : undefined;
        if (words !== undefined) rows.push([row.list!.name, words]);
      }
      if (job.description !== "") rows.push(["about", job.description.replace(/\s*\n\s*/g, " ")]);
      const warning = never.get(job.label);
      if (warning !== undefined) rows.push(["warning", warning]);
      return [job.label, ...rows.map(([k, v]) => `  ${k.padEnd(9)} ${v}`)].join("\n");
    });
    for (const p of problems) blocks.push(`${p.label ?? "(no job)"}\n  left out  ${p.error}`);
    io.out(blocks.length > 0 ? blocks.join("\n\n") : `no jobs in ${displayPath(jobFile.path)}`);
    return EXIT.ok;
  },
};
