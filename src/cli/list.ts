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
import { jobJson } from "./json.ts";
import { jobFromEntry } from "../api/models.ts";

const FLAGS: readonly FlagDef[] = [
  { name: "json", boolean: true, help: "print a JSON array instead of text: each job with the fields of the API's Job (label, kind, callback, schedule {text, kind, …}, …); each job left out as {label, line, error}" },
];

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
  examples: [
    { run: "list", does: "every job: schedule in words, what it runs, on or off and who said so" },
    { run: "list --json", does: "the same as JSON" },
  ],
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
      // The API's model of each job (src/api/models.ts), printed as the API names its fields (json.ts).
      const rows: object[] = entries.map((entry) => {
        const warning = never.get(entry.label);
        return { ...jobJson(jobFromEntry(entry, undefined, settings.timezone), displayPath(entry.spec.origin.file)), ...(warning !== undefined && { warning }) };
      });
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
