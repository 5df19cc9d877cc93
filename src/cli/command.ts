import type { FlagDef, InstanceFlag } from "./args.ts";

/** Exit codes: 0 success, 1 failure, 2 bad usage or invalid configuration (src/errors.ts, beside exitCodeFor). */
export { EXIT } from "../errors.ts";

/** Where a command writes; tests and the API pass their own. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const stdio: Output = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

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
  run(argv: readonly string[], io: Output): Promise<number>;
}
