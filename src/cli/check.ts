/**
 * `tickd check`: load the job file, import every callback, print every
 * problem as `file:line [label] message`; exit 2 if there is any. Warnings
 * (`file:line [label] warning: message`: schedules that never fire, lines that
 * are not text but harm no job) are printed too and leave the exit code alone,
 * unless --strict.
 */
import { resolveJobCallbacks } from "../callbacks/index.ts";
import { systemClock } from "../clock.ts";
import { displayPath, formatDiagnostic, loadJobFile, type Diagnostic, type JobFile } from "../config/index.ts";
import { TickdError } from "../errors.ts";
import { scheduleWarnings } from "../schedule/index.ts";
import { UsageError, parseArgs, instanceSettings, boolFlag, requireRoot, type FlagDef, type ParsedArgs } from "./args.ts";
import { EXIT, type Command, type Output } from "./command.ts";
import { diagnosticJson } from "./json.ts";

export { displayPath };

export function printDiagnostic(d: Diagnostic, io: Output): void {
  io.err(formatDiagnostic({ ...d, file: displayPath(d.file) }));
}

/** A warning: `file:line [label] warning: message`. */
export function printWarning(d: Diagnostic, io: Output): void {
  printDiagnostic({ ...d, message: `warning: ${d.message}` }, io);
}

const FLAGS: readonly FlagDef[] = [
  { name: "strict", boolean: true, help: "exit 2 on warnings too (a schedule that never fires, a comment that is not UTF-8 text)" },
  { name: "json", boolean: true, help: 'print {"ok","jobs":[label,…],"problems":[…],"warnings":[…]} instead (each with the API\'s Diagnostic fields); same exit code' },
];

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function noPositionals(args: ParsedArgs, command: string): void {
  if (args.positionals.length > 0) throw new UsageError(`${command} takes no arguments, got "${args.positionals.join(" ")}"`);
}

/**
 * Run `read` (which reads the job file); a missing or non-INI file is printed
 * as its message alone, which names the file as a diagnostic does, and gives
 * undefined: the command exits 2. Any other error goes on to main().
 */
export async function readOrReport<T>(read: () => Promise<T>, io: Output): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof TickdError && (error.code === "config-missing" || error.code === "config-invalid")) {
      io.err(error.message);
      return undefined;
    }
    throw error;
  }
}

/** Load the job file of a command; a missing or non-INI file is printed and becomes exit 2. */
export function loadOrReport(configPath: string, zone: string, io: Output): Promise<JobFile | undefined> {
  return readOrReport(() => loadJobFile(configPath, zone), io);
}

/** As loadOrReport, for --json: a missing or non-INI file is one problem in the JSON (line 0), exit 2. */
async function loadOrJson(configPath: string, zone: string, io: Output): Promise<JobFile | undefined> {
  try {
    return await loadJobFile(configPath, zone);
  } catch (error) {
    if (error instanceof TickdError && (error.code === "config-missing" || error.code === "config-invalid")) {
      const problem = { file: displayPath(configPath), line: 0, label: null, key: null, code: error.code, message: error.message };
      io.out(JSON.stringify({ ok: false, jobs: [], problems: [problem], warnings: [] }, null, 2));
      return undefined;
    }
    throw error;
  }
}

export const checkCommand: Command = {
  name: "check",
  usage: "check [-P PATH] [--root DIR] [--strict] [--json]",
  summary: "validate the job file and resolve every callback; exit 2 on any problem (and on warnings with --strict)",
  flags: FLAGS,
  uses: ["config", "root", "timezone"],
  examples: [
    { run: "check", does: "validate config/scheduler.ini and import every callback" },
    { run: "check --strict", does: "warnings fail too (a schedule that never fires): for CI" },
    { run: "check -P /srv/acme/config/scheduler.ini --root /srv/acme", does: "another tenant's job file and callbacks" },
    { run: "check --json", does: "the problems and warnings as JSON, for a script" },
  ],
  async run(argv, io) {
    // The command's one clock read, at its start: the process's clock (src/clock.ts).
    const now = systemClock.now();
    const args = parseArgs(argv, FLAGS);
    noPositionals(args, "check");
    const settings = instanceSettings(args);
    requireRoot(args, settings);
    const json = boolFlag(args, "json");
    const strict = boolFlag(args, "strict");
    const jobFile = json ? await loadOrJson(settings.configPath, settings.timezone, io) : await loadOrReport(settings.configPath, settings.timezone, io);
    if (!jobFile) return EXIT.usage;
    const resolved = await resolveJobCallbacks(jobFile, settings.root, { isolate: false });
    const problems = [...jobFile.diagnostics, ...resolved.diagnostics];
    // Whether an `until` has passed is a question about now.
    const warnings = [...jobFile.warnings, ...scheduleWarnings(resolved.jobs, settings.timezone, now)];
    const failed = problems.length > 0 || (strict && warnings.length > 0);
    if (json) {
      const byLine = (a: Diagnostic, b: Diagnostic) => a.line - b.line;
      io.out(
        JSON.stringify(
          {
            ok: !failed,
            jobs: resolved.jobs.map((j) => j.label),
            problems: problems.sort(byLine).map((d) => diagnosticJson(d, displayPath(d.file))),
            warnings: warnings.sort(byLine).map((d) => diagnosticJson(d, displayPath(d.file))),
          },
          null,
          2,
        ),
      );
      return failed ? EXIT.usage : EXIT.ok;
    }
    const all = [...problems.map((d) => ({ d, warning: false })), ...warnings.map((d) => ({ d, warning: true }))];
    for (const { d, warning } of all.sort((a, b) => a.d.line - b.d.line)) (warning ? printWarning : printDiagnostic)(d, io);
    const file = displayPath(jobFile.path);
    if (problems.length > 0) {
      const also = warnings.length > 0 ? ` and ${plural(warnings.length, "warning")}` : "";
      const leftOut = warnings.length > 0 ? "the jobs with a problem are left out of the schedule (a warning leaves its job in)" : "the jobs named above are left out of the schedule";
      io.err(`${plural(problems.length, "problem")}${also} in ${file}; ${plural(resolved.jobs.length, "job")} OK, ${leftOut}`);
      return EXIT.usage;
    }
    if (warnings.length > 0) {
      io.out(`${plural(resolved.jobs.length, "job")} OK, ${plural(warnings.length, "warning")} in ${file}${strict ? " (--strict: exit 2)" : ""}`);
      return strict ? EXIT.usage : EXIT.ok;
    }
    io.out(`${plural(resolved.jobs.length, "job")} OK`);
    return EXIT.ok;
  },
};
