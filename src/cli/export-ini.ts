/**
 * `tickd export-ini`: the active jobs (job file + discovered) as a job file,
 * which `check` accepts and `next` schedules identically.
 * `-p` prints it; `-o PATH` writes it atomically (temp file + rename).
 */
import { existsSync } from "node:fs";
import { resolveJobCallbacks } from "../callbacks/index.ts";
import type { JobSpec } from "../config/types.ts";
import { activeDiscoveredSpecs, formatProblem, openJobsDb } from "../discovery/index.ts";
import { TickdError } from "../errors.ts";
import { exportIni, writeFileAtomic } from "../export/index.ts";
import { noDatabaseYet } from "../store/index.ts";
import { UsageError, boolFlag, instanceSettings, parseArgs, requireRoot, stringFlag, type FlagDef } from "./args.ts";
import { displayPath, loadOrReport, noPositionals, plural } from "./check.ts";
import { EXIT, type Command } from "./command.ts";

const FLAGS: readonly FlagDef[] = [
  { name: "preview", short: "p", boolean: true, help: "print the job file to stdout" },
  { name: "output", short: "o", value: "PATH", help: "write the job file to PATH (atomically: temp file in the same folder, then rename)" },
];

export const exportIniCommand: Command = {
  name: "export-ini",
  usage: "export-ini [-P PATH] [-p] [-o PATH]",
  summary: "write the active jobs (job file and discovered) as a job file",
  flags: FLAGS,
  uses: ["config", "root", "db", "timezone"],
  async run(argv, io) {
    const args = parseArgs(argv, FLAGS);
    noPositionals(args, "export-ini");
    const preview = boolFlag(args, "preview");
    const output = stringFlag(args, "output");
    if (!preview && output === undefined) throw new UsageError("say where the job file goes: -p to print it, -o PATH to write it");
    const settings = instanceSettings(args);
    requireRoot(args, settings);

    // A tenant that only uses discovery may have no job file yet (export-ini -o creates it).
    let jobFile: readonly JobSpec[] = [];
    if (existsSync(settings.configPath)) {
      const loaded = await loadOrReport(settings.configPath, settings.timezone, io);
      if (!loaded) return EXIT.usage;
      // Only jobs that would run are exported, so the result passes `check`.
      const resolved = await resolveJobCallbacks(loaded, settings.root, { isolate: false });
      jobFile = resolved.jobs;
      const problems = loaded.diagnostics.length + resolved.diagnostics.length;
      if (problems > 0) {
        io.err(`${plural(problems, "problem")} in ${displayPath(loaded.path)}: the jobs they name are not exported (run tickd check)`);
      }
    }

    let discovered: JobSpec[] = [];
    // A database not created yet holds no discovered jobs: do not create one just to read it.
    if (!noDatabaseYet(settings.dbUrl)) {
      const opened = await openJobsDb(settings.dbUrl);
      try {
        const found = await activeDiscoveredSpecs(opened.store, settings.timezone);
        discovered = found.specs;
        for (const p of found.problems) io.err(`not exported: ${formatProblem({ ...p, file: displayPath(p.file) })}`);
      } finally {
        await opened.close();
      }
    }

    const result = exportIni({ jobFile, discovered });
    for (const s of result.skipped) io.err(`not exported: [${s.label}] ${s.reason}`);
    if (preview) io.out(result.text.replace(/\n$/, ""));
    if (output !== undefined) {
      try {
        writeFileAtomic(output, result.text);
      } catch (error) {
        if (error instanceof TickdError && error.code === "write-failed") {
          throw new TickdError("write-failed", `${error.message}; nothing was written`, { cause: error });
        }
        throw error;
      }
      io.err(`wrote ${plural(result.exported.length, "job")} to ${displayPath(output)}`);
    }
    return result.skipped.length > 0 ? EXIT.failure : EXIT.ok;
  },
};
