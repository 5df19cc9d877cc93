/**
 * `tickd export-ini`: the jobs that are on (job file + discovered, as the
 * catalog says, operator switches included) as a job file, which `check`
 * accepts and `next` schedules identically.
 * `-p` prints it; `-o PATH` writes it atomically (temp file + rename).
 */
import { existsSync, fstatSync, statSync } from "node:fs";
import { resolveJobCallbacks } from "../callbacks/index.ts";
import type { JobSpec } from "../config/types.ts";
import { TickdError } from "../errors.ts";
import { writeFileAtomic } from "../export/index.ts";
import { exportView, formatProblem, openCatalogStore, readCatalog } from "../jobs/index.ts";
import { UsageError, boolFlag, instanceSettings, parseArgs, requireRoot, stringFlag, type FlagDef } from "./args.ts";
import { displayPath, loadOrReport, noPositionals, plural } from "./check.ts";
import { EXIT, type Command } from "./command.ts";

const FLAGS: readonly FlagDef[] = [
  { name: "preview", short: "p", boolean: true, help: "print the job file to stdout" },
  { name: "output", short: "o", value: "PATH", complete: "file", help: "write the job file to PATH (atomically: temp file in the same folder, then rename)" },
];

/**
 * Whether standard output is the file at `path` (`export-ini -p > scheduler.ini`):
 * the shell truncated it before tickd started, so there is nothing left to read.
 */
function stdoutIs(path: string): boolean {
  try {
    const out = fstatSync(1);
    const file = statSync(path);
    return out.isFile() && out.dev === file.dev && out.ino === file.ino;
  } catch {
    return false;
  }
}

export const exportIniCommand: Command = {
  name: "export-ini",
  usage: "export-ini [-P PATH] [-p] [-o PATH]",
  summary: "write the active jobs (job file and discovered) as a job file",
  flags: FLAGS,
  uses: ["config", "root", "db", "timezone"],
  examples: [
    { run: "export-ini -p", does: "print the jobs that are on as a job file" },
    { run: "export-ini -o config/scheduler.ini", does: "write them over the job file (atomically)" },
  ],
  async run(argv, io) {
    const args = parseArgs(argv, FLAGS);
    noPositionals(args, "export-ini");
    const preview = boolFlag(args, "preview");
    const output = stringFlag(args, "output");
    if (!preview && output === undefined) throw new UsageError("say where the job file goes: -p to print it, -o PATH to write it");
    const settings = instanceSettings(args);
    if (preview && stdoutIs(settings.configPath)) {
      io.err(
        `export-ini: standard output is the job file being exported (${displayPath(settings.configPath)}): the shell emptied it before tickd could read it, ` +
          `so nothing was exported. Restore the file, then write it with -o ${displayPath(settings.configPath)} (atomic: the file is replaced only once the export is complete).`,
      );
      return EXIT.usage;
    }
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

    // The store holds the operator's switches and the discovered jobs (none when it does not exist yet).
    const store = await openCatalogStore(settings.dbUrl);
    let view;
    try {
      view = await readCatalog(store, jobFile, settings.timezone);
    } finally {
      await store?.close();
    }
    for (const p of view.problems) io.err(`not exported: ${formatProblem({ ...p, file: displayPath(p.file) })}`);

    const result = exportView(view);
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
