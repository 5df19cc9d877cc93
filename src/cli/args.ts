/**
 * Flag parsing shared by every command. Each instance setting has a
 * flag and an environment variable TICKD_<NAME>; the flag wins.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { DEFAULT_MODULE_NAME } from "../discovery/apps.ts";
import { rememberTyped } from "../config/display-path.ts";
import { parseChannels } from "../config/notify.ts";
import { TickdError, UsageError } from "../errors.ts";
import { nearest } from "./suggest.ts";

export { UsageError } from "../errors.ts";

export interface FlagDef {
  /** Long name without dashes, e.g. "config". */
  readonly name: string;
  /** One-letter alias, e.g. "P". */
  readonly short?: string;
  /** Takes no value. */
  readonly boolean?: boolean;
  /** May be given more than once; values are collected. */
  readonly repeat?: boolean;
  /** Read TICKD_<NAME> when the flag is absent (instance settings). */
  readonly env?: boolean;
  /** What the value is, in --help and the man page, e.g. "PATH". */
  readonly value?: string;
  /** The only values it takes, when the set is closed: shell completion offers them. */
  readonly choices?: readonly string[];
  /** What it stands for when completing it in a shell: a file, a folder; default anything. */
  readonly complete?: "file" | "dir";
  readonly help: string;
}

export interface ParsedArgs {
  readonly flags: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * The instance settings: one table, read by every command. Each command
 * accepts every flag here and its TICKD_<NAME> variable (parseArgs adds them
 * to the command's own), and uses those it needs (`Command.uses`), so one
 * command line or one tickd.env serves them all. `-P` is the job file, as in
 * the original.
 */
export const INSTANCE_FLAGS = [
  { name: "config", short: "P", env: true, value: "PATH", complete: "file", help: "job file (default config/scheduler.ini)" },
  { name: "root", env: true, value: "DIR", complete: "dir", help: "where dotted callback paths resolve (default: the config folder's parent)" },
  { name: "db", env: true, value: "URL", help: "libSQL database, or PostgreSQL as postgres://USER:PASSWORD@HOST:PORT/DB (default file: beside the config, scheduler.db)" },
  { name: "timezone", env: true, value: "ZONE", help: "instance IANA zone (default: the system's)" },
  { name: "apps", env: true, value: "DIR,...", help: "app folders whose scheduler modules register jobs (discovery; comma-separated)" },
  { name: "module-name", env: true, value: "NAME", help: `module looked for in each app folder (default ${DEFAULT_MODULE_NAME})` },
  { name: "listen", env: true, value: "HOST:PORT", help: "API address (default 127.0.0.1:7370; other hosts need --tokens)" },
  { name: "tokens", env: true, value: "FILE", complete: "file", help: "API bearer tokens with roles (viewer, operator, admin)" },
  { name: "public-url", env: true, value: "URL", help: "where browsers reach the API when not at --listen (a proxy); its origin and Host are accepted too" },
  { name: "no-api", env: true, boolean: true, help: "run the scheduler only, no API or dashboard" },
  { name: "instance", env: true, value: "NAME", help: "instance name recorded on every run (default hostname:pid)" },
  { name: "keep", env: true, value: "DURATION", help: "keep activity this long, pruned hourly (default 30 days)" },
  { name: "grace", env: true, value: "DURATION", help: "at SIGTERM/SIGINT, let running jobs finish this long before aborting them (default 30 seconds)" },
  { name: "log-format", env: true, value: "text|json", choices: ["text", "json"], help: "log line format (default text)" },
  { name: "notify", env: true, value: "URL[,URL]", help: "where alerts of jobs without their own notify go (http(s)://, slack+https://, mailto:, exec:)" },
  { name: "smtp", env: true, value: "URL", help: "SMTP server for mailto: alerts, smtp(s)://[user:pass@]host[:port][?from=ADDRESS]" },
] as const satisfies readonly FlagDef[];

/** The name of an instance flag, e.g. "config". */
export type InstanceFlag = (typeof INSTANCE_FLAGS)[number]["name"];

/** The instance flags a command uses, in the table's order (for its --help). */
export function instanceFlags(uses: readonly InstanceFlag[]): FlagDef[] {
  return INSTANCE_FLAGS.filter((f): f is (typeof INSTANCE_FLAGS)[number] => uses.includes(f.name));
}

export function envName(flag: string): string {
  return `TICKD_${flag.toUpperCase().replaceAll("-", "_")}`;
}

/** The --help flag every command takes (main() answers it before parsing). */
export const HELP_FLAG: FlagDef = { name: "help", short: "h", boolean: true, help: "show this help" };

/** Every flag a command accepts: its own, then each instance flag it does not define itself (its own definition of a name wins). */
export function acceptedFlags(own: readonly FlagDef[]): FlagDef[] {
  return [...own, ...INSTANCE_FLAGS.filter((f) => !own.some((d) => d.name === f.name))];
}

/**
 * A flag the command does not take: `unknown flag --cuont; did you mean
 * --count?` when an accepted name is close. `guessed` says whether it was,
 * so main() can name another command that takes the flag when none is.
 */
export class UnknownFlagError extends UsageError {
  override readonly name: string = "UnknownFlagError";
  constructor(
    readonly flag: string,
    readonly guessed: boolean,
    message: string,
  ) {
    super(message);
  }
}

function unknownFlag(typed: string, defs: readonly FlagDef[]): UsageError {
  const names = [...defs, HELP_FLAG].map((d) => d.name);
  // A single-dash word is most often a long flag with one dash (-count).
  const guess = typed.startsWith("--") ? nearest(typed.slice(2), names) : typed.length > 2 ? nearest(typed.slice(1), names) : undefined;
  return new UnknownFlagError(typed, guess !== undefined, `unknown flag ${typed}${guess !== undefined ? `; did you mean --${guess}?` : ""}`);
}

/** Parse `argv` against a command's own flags and every instance flag (a command's own definition of a name wins). */
export function parseArgs(argv: readonly string[], own: readonly FlagDef[], env: Record<string, string | undefined> = process.env): ParsedArgs {
  const defs: readonly FlagDef[] = acceptedFlags(own);
  const byLong = new Map(defs.map((d) => [d.name, d]));
  const byShort = new Map(defs.filter((d) => d.short).map((d) => [d.short!, d]));
  const flags: Record<string, string | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let def: FlagDef | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      def = byLong.get(name);
      if (!def) throw unknownFlag(`--${name}`, defs);
    } else if (arg.startsWith("-") && arg.length > 1) {
      def = byShort.get(arg.slice(1));
      if (!def) throw unknownFlag(arg, defs);
    } else {
      positionals.push(arg);
      continue;
    }
    if (def.boolean) {
      if (inline !== undefined) throw new UsageError(`--${def.name} takes no value`);
      flags[def.name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${def.name} needs a value${def.value ? ` (${def.value})` : ""}`);
    if (def.repeat) {
      const list = (flags[def.name] as string[] | undefined) ?? [];
      list.push(value);
      flags[def.name] = list;
    } else {
      flags[def.name] = value;
    }
  }
  for (const def of defs) {
    if (def.env && flags[def.name] === undefined) {
      const fromEnv = env[envName(def.name)];
      if (fromEnv !== undefined && fromEnv !== "") flags[def.name] = def.boolean ? /^(1|true|yes|on)$/i.test(fromEnv) : fromEnv;
    }
  }
  return { flags, positionals };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === "string" ? v : undefined;
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}

/** Instance settings resolved to absolute paths and defaults. */
export interface InstanceSettings {
  readonly configPath: string;
  readonly root: string;
  readonly dbUrl: string;
  readonly timezone: string;
  readonly logFormat: "text" | "json";
  /** --public-url, checked to be an http(s) URL; undefined when not given. */
  readonly publicUrl?: string;
  /** --apps as given, split at commas (empty entries dropped); relative to the working folder. */
  readonly apps: readonly string[];
  /** --module-name, default DEFAULT_MODULE_NAME. */
  readonly moduleName: string;
  /** --notify: channel addresses (secrets included); [] when not given. */
  readonly notify?: readonly string[];
  /** --smtp URL (secrets included); undefined when not given. */
  readonly smtp?: string;
}

/** `--apps a,b` -> ["a", "b"]; empty entries ignored. */
export function appList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export function systemTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export function instanceSettings(args: ParsedArgs, cwd = process.cwd()): InstanceSettings {
  const configFlag = stringFlag(args, "config");
  const rootFlag = stringFlag(args, "root");
  // Messages name these files as the user typed them (display-path.ts).
  if (configFlag !== undefined) rememberTyped(configFlag, cwd);
  if (rootFlag !== undefined) rememberTyped(rootFlag, cwd);
  const configPath = path.resolve(cwd, configFlag ?? "config/scheduler.ini");
  const root = path.resolve(cwd, rootFlag ?? path.dirname(path.dirname(configPath)));
  const db = stringFlag(args, "db");
  const dbUrl = db ?? `file:${path.join(path.dirname(configPath), "scheduler.db")}`;
  const timezone = stringFlag(args, "timezone") ?? systemTimezone();
  if (!isValidZone(timezone)) throw new UsageError(`--timezone: "${timezone}" is not an IANA time zone (e.g. Europe/Berlin, UTC)`);
  const logFormat = stringFlag(args, "log-format") ?? "text";
  if (logFormat !== "text" && logFormat !== "json") throw new UsageError(`--log-format: expected text or json, got "${logFormat}"`);
  const publicUrl = stringFlag(args, "public-url");
  if (publicUrl !== undefined && !(/^https?:\/\/[^/?#@\s]+(?:[/?#]|$)/i.test(publicUrl) && URL.canParse(publicUrl))) {
    throw new UsageError(`--public-url: "${publicUrl}" is not an http:// or https:// URL; write the address browsers use, e.g. https://tickd.example.com`);
  }
  const apps = appList(stringFlag(args, "apps"));
  const moduleName = stringFlag(args, "module-name") ?? DEFAULT_MODULE_NAME;
  const notify = parseChannels(stringFlag(args, "notify") ?? "none");
  if (!notify.ok) throw new UsageError(`--notify: ${notify.message}`);
  const smtp = stringFlag(args, "smtp");
  if (smtp !== undefined && !(/^smtps?:\/\//i.test(smtp) && URL.canParse(smtp))) {
    throw new UsageError("--smtp: not an smtp:// or smtps:// URL; write e.g. smtp://user:password@mail.example.com:587?from=tickd@example.com");
  }
  const channels = notify.channels.map((c) => c.address);
  return {
    configPath,
    root,
    dbUrl,
    timezone,
    logFormat,
    ...(publicUrl !== undefined && { publicUrl }),
    apps,
    moduleName,
    notify: channels,
    ...(smtp !== undefined && { smtp }),
  };
}

/**
 * For the commands that resolve callbacks: a --root that is not a folder is
 * one clear line (exit 2), not one "no module found" per job.
 */
export function requireRoot(args: ParsedArgs, settings: InstanceSettings): void {
  if (statSync(settings.root, { throwIfNoEntry: false })?.isDirectory()) return;
  const given = stringFlag(args, "root");
  const shown = given ?? settings.root;
  const what = existsSync(settings.root) ? "is not a folder" : "does not exist";
  const fix = given === undefined ? "pass --root DIR, the folder your dotted callback paths start from" : "pass the folder your dotted callback paths start from (e.g. --root . for call = myapp.scheduler.cleanup in ./myapp/scheduler.ts)";
  throw new TickdError("config-invalid", `--root ${shown}: ${what}; ${fix}`);
}

export function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Render a command's flags for --help. */
export function formatFlags(defs: readonly FlagDef[]): string {
  const rows = defs.map((d) => {
    const names = `${d.short ? `-${d.short}, ` : "    "}--${d.name}${d.value ? ` ${d.value}` : ""}`;
    const env = d.env ? ` [${envName(d.name)}]` : "";
    return [names, d.help + env] as const;
  });
  const width = Math.max(...rows.map(([n]) => n.length)) + 2;
  return rows.map(([n, h]) => `  ${n.padEnd(width)}${h}`).join("\n");
}
