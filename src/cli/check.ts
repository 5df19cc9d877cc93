/**
 * `tickd check`: load the job file, import every callback, print every
 * problem as `file:line [label] message`; exit 2 if there is any.
 */
import path from "node:path";
import { resolveJobCallbacks } from "../callbacks/index.ts";
import { formatDiagnostic, loadJobFile, type Diagnostic, type JobFile } from "../config/index.ts";
import { TickdError } from "../errors.ts";
import { INSTANCE_FLAGS, UsageError, parseArgs, instanceSettings, type ParsedArgs } from "./args.ts";
import { EXIT, type Command, type Output } from "./command.ts";

/** Paths inside the working folder are shown relative to it: shorter, and clickable in terminals. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

export function printDiagnostic(d: Diagnostic, io: Output): void {
  io.err(formatDiagnostic({ ...d, file: displayPath(d.file) }));
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function noPositionals(args: ParsedArgs, command: string): void {
  if (args.positionals.length > 0) throw new UsageError(`${command} takes no arguments, got "${args.positionals.join(" ")}"`);
}

/** Load the job file of a command; a missing or non-INI file is printed and becomes exit 2. */
export async function loadOrReport(configPath: string, zone: string, io: Output): Promise<JobFile | undefined> {
  try {
    return await loadJobFile(configPath, zone);
  } catch (error) {
    if (error instanceof TickdError && (error.code === "config-missing" || error.code === "config-invalid")) {
      io.err(error.message);
      return undefined;
    }
    throw error;
  }
}

export const checkCommand: Command = {
  name: "check",
  usage: "check [--config PATH] [--root DIR]",
  summary: "validate the job file and resolve every callback; exit 2 on any problem",
  flags: INSTANCE_FLAGS,
  async run(argv, io) {
    const args = parseArgs(argv, INSTANCE_FLAGS);
    noPositionals(args, "check");
    const settings = instanceSettings(args);
    const jobFile = await loadOrReport(settings.configPath, settings.timezone, io);
    if (!jobFile) return EXIT.usage;
    const resolved = await resolveJobCallbacks(jobFile, settings.root);
    const problems = [...jobFile.diagnostics, ...resolved.diagnostics].sort((a, b) => a.line - b.line);
    for (const d of problems) printDiagnostic(d, io);
    if (problems.length > 0) {
      io.err(`${plural(problems.length, "problem")} in ${displayPath(jobFile.path)}; ${plural(resolved.jobs.length, "job")} OK, the jobs named above are left out of the schedule`);
      return EXIT.usage;
    }
    io.out(`${plural(resolved.jobs.length, "job")} OK`);
    return EXIT.ok;
  },
};
