/**
 * What `tickd help`, `tickd <command> --help` and a usage error print, from
 * the commands' own definitions (name, usage, summary, flags, examples): the
 * same definitions the shell completions and the man page are made from.
 */
import { VERSION } from "../version.ts";
import { HELP_FLAG, INSTANCE_FLAGS, formatFlags, instanceFlags, type FlagDef } from "./args.ts";
import type { Command } from "./command.ts";

/** The command's own flags (not the instance ones), the instance flags it uses, and --help: what its --help lists. */
export function listedFlags(c: Command): FlagDef[] {
  const own = c.flags.filter((f) => !INSTANCE_FLAGS.some((i) => i.name === f.name));
  return [...own, ...instanceFlags(c.uses), HELP_FLAG];
}

/** The instance flags a command accepts and ignores, e.g. "--listen, --tokens". */
export function unusedFlags(c: Command): string[] {
  return INSTANCE_FLAGS.filter((f) => !c.uses.includes(f.name) && !c.flags.some((o) => o.name === f.name)).map((f) => `--${f.name}`);
}

export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    `tickd ${VERSION} — a job scheduler that replaces cron`,
    "",
    "Usage: tickd <command> [flags]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    "",
    "Examples:",
    "  tickd check                      validate the job file and import every callback",
    "  tickd next --count 3             the next 3 runs of every job",
    '  tickd run-job "nightly backup"   run one job now, showing its output',
    "  tickd run                        start the scheduler and the API",
    "",
    "Run `tickd help <command>` (or `tickd <command> --help`) for the flags and examples of a command.",
    "Every command accepts every instance flag (-P/--config, --root, --db, --apps, …) and its TICKD_<NAME> variable (--config -> TICKD_CONFIG), using those it needs.",
    "Shell completion: `tickd completions bash|zsh|fish`; the manual: `tickd man | man -l -`.",
    "Exit codes: 0 success, 1 failure, 2 bad usage or invalid configuration.",
  ].join("\n");
}

export function commandHelp(c: Command): string {
  const unused = unusedFlags(c);
  const column = Math.max(...c.examples.map((e) => e.run.length)) + "tickd ".length + 3;
  return [
    `Usage: tickd ${c.usage}`,
    "",
    c.summary,
    "",
    "Flags:",
    formatFlags(listedFlags(c)),
    ...(unused.length > 0 ? ["", `Also accepted, and not used by ${c.name} (every command takes every instance flag): ${unused.join(", ")}`] : []),
    "",
    "Examples:",
    // One line each when all fit in 100 columns, else the words under each invocation.
    ...(c.examples.every((e) => 2 + column + e.does.length <= 100)
      ? c.examples.map((e) => `  ${`tickd ${e.run}`.padEnd(column)}${e.does}`)
      : c.examples.flatMap((e) => [`  tickd ${e.run}`, `      ${e.does}`])),
  ].join("\n");
}

/** After a usage error: the command's usage line and where the rest is, not the whole help. */
export function shortUsage(c: Command): string {
  return `Usage: tickd ${c.usage}\nRun \`tickd help ${c.name}\` for its flags and examples.`;
}
