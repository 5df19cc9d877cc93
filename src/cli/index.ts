/**
 * Entry of the command line: picks the command, prints help and version.
 * Each command lives in its own file and stays thin; the list is commands.ts.
 */
import { TickdError, UsageError, exitCodeFor } from "../errors.ts";
import { versionLine } from "../version.ts";
import { UnknownFlagError } from "./args.ts";
import { EXIT, stdio, type Command, type Output } from "./command.ts";
import { BUILTINS, COMMANDS } from "./commands.ts";
import { commandHelp, mainHelp, shortUsage } from "./help.ts";
import { nearest } from "./suggest.ts";

export { COMMANDS } from "./commands.ts";

/** `unknown command "lsit"; did you mean "list"?` and where the list is. */
function unknownCommand(prefix: string, typed: string): string {
  const guess = nearest(typed, [...COMMANDS.map((c) => c.name), ...BUILTINS]);
  const named = COMMANDS.find((c) => c.name === guess);
  return [
    `${prefix}: unknown command "${typed}"${guess !== undefined ? `; did you mean "${guess}"?` : ""}`,
    "",
    named ? shortUsage(named) : "Run `tickd help` for the list of commands.",
  ].join("\n");
}

export async function main(argv: readonly string[], io: Output = stdio): Promise<number> {
  const [first, ...rest] = argv;
  if (first === "help" && rest.length > 0) {
    // `tickd help run` is `tickd run --help`.
    const named = COMMANDS.find((c) => c.name === rest[0]);
    if (!named) {
      io.err(unknownCommand("tickd help", rest[0]!));
      return EXIT.usage;
    }
    io.out(commandHelp(named));
    return EXIT.ok;
  }
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    io.out(mainHelp(COMMANDS));
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === "--version" || first === "-V" || first === "-v" || first === "version") {
    io.out(versionLine());
    return EXIT.ok;
  }
  const command: Command | undefined = COMMANDS.find((c) => c.name === first);
  if (!command) {
    io.err(first.startsWith("-") ? `tickd: unknown flag ${first} before the command\n\nRun \`tickd help\` for the list of commands.` : unknownCommand("tickd", first));
    return EXIT.usage;
  }
  // Before `--`, what follows is a value of the job (a label may be "-h" only after it).
  const flags = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
  if (flags.includes("--help") || flags.includes("-h")) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  // The one place a command's error becomes output and an exit code: one
  // line naming the command (bad flags add its usage line), never a stack trace.
  try {
    return await command.run(rest, io);
  } catch (error) {
    const usage = error instanceof UsageError ? `\n\n${shortUsage(command)}` : "";
    io.err(`tickd ${command.name}: ${errorLine(error)}${error instanceof UnknownFlagError ? elsewhere(error) : ""}${usage}`);
    return exitCodeFor(error);
  }
}

/** For a flag no close name explains: the commands that do take it, e.g. "; it is a flag of next". */
function elsewhere(error: UnknownFlagError): string {
  if (error.guessed || !error.flag.startsWith("--")) return "";
  const name = error.flag.slice(2);
  const takers = COMMANDS.filter((c) => c.flags.some((f) => f.name === name)).map((c) => c.name);
  if (takers.length === 0) return "";
  return `; it is a flag of ${takers.length === 1 ? takers[0] : `${takers.slice(0, -1).join(", ")} and ${takers.at(-1)}`}`;
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
