/**
 * Entry of the command line: picks the command, prints help and version.
 * Each command lives in its own file and stays thin.
 */
import { TickdError, UsageError, exitCodeFor } from "../errors.ts";
import { VERSION, versionLine } from "../version.ts";
import { INSTANCE_FLAGS, formatFlags, instanceFlags } from "./args.ts";
import { EXIT, stdio, type Command, type Output } from "./command.ts";
import { checkCommand } from "./check.ts";
import { listCommand } from "./list.ts";
import { nextCommand } from "./next.ts";
import { runCommand } from "./run.ts";
import { runJobCommand } from "./run-job.ts";
import { historyCommand } from "./history.ts";
import { migrateCommand } from "./migrate.ts";
import { backupCommand, restoreCommand } from "./backup.ts";
import { discoverCommand } from "./discover.ts";
import { exportIniCommand } from "./export-ini.ts";
import { exportSupervisordCommand } from "./export-supervisord.ts";
import { exportSystemdCommand } from "./export-systemd.ts";
import { pauseCommand, resumeCommand } from "./pause.ts";
import { cancelCommand } from "./cancel.ts";
import { backfillCommand } from "./backfill.ts";

export const COMMANDS: readonly Command[] = [
  runCommand,
  checkCommand,
  listCommand,
  nextCommand,
  runJobCommand,
  pauseCommand,
  resumeCommand,
  cancelCommand,
  backfillCommand,
  historyCommand,
  migrateCommand,
  backupCommand,
  restoreCommand,
  discoverCommand,
  exportIniCommand,
  exportSupervisordCommand,
  exportSystemdCommand,
];

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    `tickd ${VERSION} — a job scheduler that replaces cron`,
    "",
    "Usage: tickd <command> [flags]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    "Run `tickd help <command>` (or `tickd <command> --help`) for the flags of a command.",
    "Every command accepts every instance flag (-P/--config, --root, --db, --apps, …) and its TICKD_<NAME> variable (--config -> TICKD_CONFIG), using those it needs.",
    "Exit codes: 0 success, 1 failure, 2 bad usage or invalid configuration.",
  ].join("\n");
}

export function commandHelp(c: Command): string {
  const own = c.flags.filter((f) => !INSTANCE_FLAGS.some((i) => i.name === f.name));
  const unused = INSTANCE_FLAGS.filter((f) => !c.uses.includes(f.name) && !own.some((o) => o.name === f.name)).map((f) => `--${f.name}`);
  return [
    `Usage: tickd ${c.usage}`,
    "",
    c.summary,
    "",
    "Flags:",
    formatFlags([...own, ...instanceFlags(c.uses), { name: "help", short: "h", boolean: true, help: "show this help" }]),
    ...(unused.length > 0 ? ["", `Also accepted, and not used by ${c.name} (every command takes every instance flag): ${unused.join(", ")}`] : []),
  ].join("\n");
}

export async function main(argv: readonly string[], io: Output = stdio): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "help" && rest.length > 0) {
    // `tickd help run` is `tickd run --help`.
    const named = COMMANDS.find((c) => c.name === rest[0]);
    if (!named) {
      io.err(`tickd help: unknown command "${rest[0]}"\n\n${mainHelp()}`);
      return EXIT.usage;
    }
    io.out(commandHelp(named));
    return EXIT.ok;
  }
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    io.out(mainHelp());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === "--version" || first === "-V" || first === "-v" || first === "version") {
    io.out(versionLine());
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    io.err(`tickd: unknown command "${first}"\n\n${mainHelp()}`);
    return EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  // The one place a command's error becomes output and an exit code: one
  // line naming the command (bad flags add its help), never a stack trace.
  try {
    return await command.run(rest, io);
  } catch (error) {
    const help = error instanceof UsageError ? `\n\n${commandHelp(command)}` : "";
    io.err(`tickd ${command.name}: ${errorLine(error)}${help}`);
    return exitCodeFor(error);
  }
}

/** What an error says, in one line: a TickdError's message; for anything else its name too (a TypeError is a bug to report). */
export function errorLine(error: unknown): string {
  if (error instanceof TickdError) return error.message;
  // Drizzle's "Failed query: <sql>" says where, its cause says what: the database's own words first.
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (error instanceof Error && error.message.startsWith("Failed query: ") && cause instanceof Error) {
    return `${cause.message.split("\n")[0]} (${error.message.split("\n")[0]!.slice(0, 100)}…)`;
  }
  if (error instanceof Error) return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`.split("\n")[0]!;
  return String(error).split("\n")[0]!;
}
