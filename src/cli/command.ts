import type { FlagDef, InstanceFlag } from "./args.ts";

/** Exit codes: 0 success, 1 failure, 2 bad usage or invalid configuration (src/errors.ts, beside exitCodeFor). */
export { EXIT } from "../errors.ts";

/** Where a command writes; tests and the API pass their own. */
export interface Output {
  /** A whole message: a newline is added when it has none. */
  out(text: string): void;
  err(text: string): void;
  /** Bytes as they come (a job's output streamed by run-job), written as they are; default: out/err. */
  write?(stream: "out" | "err", chunk: Uint8Array | string): void;
}

export const stdio: Output = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  write: (stream, chunk) => (stream === "out" ? process.stdout : process.stderr).write(chunk),
};

/** One invocation shown under "Examples:" in a command's --help and the man page. */
export interface Example {
  /** What follows `tickd `, as a user types it (quotes included), e.g. `next --count 3`. */
  readonly run: string;
  /** What it does, in a few words. */
  readonly does: string;
}

/** A positional argument, for shell completion: a job label, a command name, one of a closed set. */
export type Operand = { readonly kind: "label" } | { readonly kind: "command" } | { readonly kind: "file" } | { readonly kind: "choice"; readonly choices: readonly string[] };

/** One CLI command: thin — parse flags, call a library function, print. */
export interface Command {
  readonly name: string;
  /** Usage line after `tickd `, e.g. "next [--from ISO] [--count N] [--json]". */
  readonly usage: string;
  readonly summary: string;
  /** The command's own flags; every command also accepts every instance flag (args.ts). */
  readonly flags: readonly FlagDef[];
  /** The instance flags this command uses (its --help lists them; the others are accepted and ignored). */
  readonly uses: readonly InstanceFlag[];
  /** Real invocations, each one that works as written against a job file that has the labels it names (test/cli/help.test.ts). */
  readonly examples: readonly Example[];
  /** What its first positional argument is, when it takes one (shell completion offers it). */
  readonly operand?: Operand;
  run(argv: readonly string[], io: Output): Promise<number>;
}
