import type { FlagDef } from "./args.ts";

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
  readonly flags: readonly FlagDef[];
  run(argv: readonly string[], io: Output): Promise<number>;
}
