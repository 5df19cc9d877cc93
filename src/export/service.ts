/**
 * What a service manager must start for one tenant: the absolute binary and
 * `run --config ABS_CONFIG` plus any instance setting the operator gave
 * explicitly (so the unit pins the same database and port the operator used).
 * Shared by the supervisord and systemd exporters.
 */
import path from "node:path";
import { isCompiledBinary, selfCommand } from "../runtime/index.ts";

/** One tenant's service, as the exporters need it. All paths absolute. */
export interface ServiceSpec {
  /** Program / unit name, e.g. "tickd_acme". Letters, digits, `_`, `-`, `.`, `@` only. */
  readonly name: string;
  /** The job file the service runs. */
  readonly configPath: string;
  /** The project root (working directory of the service). */
  readonly root: string;
  /** The command line that starts the scheduler: binary first. */
  readonly command: readonly string[];
  /**
   * Seconds the service manager waits after SIGTERM before killing. Must exceed
   * the engine's shutdown grace so running jobs can finish and be recorded.
   */
  readonly stopWaitSeconds: number;
  /** Folders the service writes (the folder of a --db file the operator gave). */
  readonly writablePaths?: readonly string[];
  /**
   * The operator gave the database (--db, TICKD_DB): the service uses that
   * one. Otherwise a manager with a state folder of its own (systemd's
   * StateDirectory=) keeps the database there instead of beside the job file.
   */
  readonly databaseGiven?: boolean;
}

/** The engine's shutdown grace is 30 s; managers wait this long, leaving room to record aborted runs. */
export const DEFAULT_STOP_WAIT_SECONDS = 45;

/** Names become file names and supervisord section names; keep them shell- and INI-safe. */
export const SERVICE_NAME = /^[A-Za-z0-9_.@-]+$/;

/**
 * The binary's absolute path and any arguments needed to reach main: the
 * executable itself when compiled, `bun /abs/src/main.ts` or
 * `deno run -A --config=/abs/deno.json /abs/src/main.ts` when run from source.
 */
export function tickdExecutable(): string[] {
  return selfCommand(isCompiledBinary());
}

/** Instance settings passed through to `run` when the operator set them. */
export interface RunFlags {
  readonly root?: string;
  readonly db?: string;
  readonly listen?: string;
  readonly timezone?: string;
  readonly apps?: string;
  readonly moduleName?: string;
  readonly tokens?: string;
  readonly publicUrl?: string;
  readonly logFormat?: string;
  readonly instance?: string;
  readonly keep?: string;
  readonly grace?: string;
  readonly noApi?: boolean;
}

export function runCommandLine(configPath: string, flags: RunFlags = {}, executable = tickdExecutable()): string[] {
  const argv = [...executable, "run", "--config", path.resolve(configPath)];
  const add = (flag: string, value: string | undefined) => {
    if (value !== undefined && value !== "") argv.push(`--${flag}`, value);
  };
  add("root", flags.root && path.resolve(flags.root));
  add("db", flags.db);
  add("listen", flags.listen);
  add("timezone", flags.timezone);
  add("apps", flags.apps);
  add("module-name", flags.moduleName);
  add("tokens", flags.tokens && path.resolve(flags.tokens));
  add("public-url", flags.publicUrl);
  add("log-format", flags.logFormat);
  add("instance", flags.instance);
  add("keep", flags.keep);
  add("grace", flags.grace);
  if (flags.noApi) argv.push("--no-api");
  return argv;
}

/** Quote one word for bash (and for systemd's ExecStart, which follows the same single-quote rule). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}
