/**
 * `tickd run`: the service — scheduler, store and API in one process, until
 * SIGTERM/SIGINT (drain, exit 0). SIGHUP reloads the job file.
 */
import { parseDuration } from "../config/durations.ts";
import { pingUrl } from "../config/keys.ts";
import { checkListen, loadTokens } from "../api/auth.ts";
import { startService, type ServiceSettings } from "../service/index.ts";
import { INSTANCE_FLAGS, UsageError, boolFlag, instanceSettings, parseArgs, requireRoot, stringFlag, type FlagDef, type ParsedArgs } from "./args.ts";
import { noPositionals } from "./check.ts";
import type { Command } from "./command.ts";

/** Flags only `run` takes (the instance flags are every command's: args.ts). */
export const RUN_FLAGS: readonly FlagDef[] = [
  { name: "ping", env: true, value: "URL", help: "dead man's switch of the instance: GET URL every --ping-every while the scheduler is healthy" },
  { name: "ping-every", env: true, value: "DURATION", help: "how often --ping is pinged (default 1 minute)" },
  { name: "otlp", env: true, value: "URL", help: "export one OpenTelemetry span per run over OTLP/HTTP (a collector's base URL, e.g. http://127.0.0.1:4318)" },
];

/** An http(s) flag value, or a usage error saying what to write. */
function urlFlag(args: ParsedArgs, name: string, example: string): string | undefined {
  const text = stringFlag(args, name);
  if (text === undefined) return undefined;
  const url = pingUrl(text);
  if (url === undefined) throw new UsageError(`--${name}: "${text}" is not an http:// or https:// URL; write e.g. ${example}`);
  return url;
}

function durationFlag(args: ParsedArgs, name: string, fallback: string): number {
  const text = stringFlag(args, name) ?? fallback;
  const ms = parseDuration(text);
  if (ms === undefined || !(ms >= 0)) throw new UsageError(`--${name}: "${text}" is not a duration; write e.g. "30 seconds", "5 minutes", "30 days"`);
  return ms;
}

export function serviceSettings(args: ParsedArgs): ServiceSettings {
  const base = instanceSettings(args);
  const instance = stringFlag(args, "instance");
  const tokensPath = stringFlag(args, "tokens");
  const ping = urlFlag(args, "ping", "https://hc-ping.com/YOUR-UUID");
  const otlp = urlFlag(args, "otlp", "http://127.0.0.1:4318");
  const pingEveryMs = durationFlag(args, "ping-every", "1 minute");
  if (pingEveryMs < 1000) throw new UsageError(`--ping-every: must be at least 1 second; write e.g. "1 minute"`);
  return {
    ...base,
    listen: stringFlag(args, "listen") ?? "127.0.0.1:7370",
    ...(tokensPath !== undefined && { tokensPath }),
    ...(instance !== undefined && { instance }),
    api: !boolFlag(args, "no-api"),
    keepMs: durationFlag(args, "keep", "30 days"),
    graceMs: durationFlag(args, "grace", "30 seconds"),
    ...(ping !== undefined && { ping }),
    pingEveryMs,
    ...(otlp !== undefined && { otlp }),
  };
}

/**
 * What `run` refuses before it opens or writes anything: a bad --listen, a
 * non-loopback --listen without --tokens, a --root that is not a folder.
 * export-supervisord and export-systemd check the same before writing a unit.
 */
export async function checkServiceSettings(args: ParsedArgs, settings: ServiceSettings): Promise<void> {
  if (settings.api) checkListen(settings.listen, settings.tokensPath === undefined ? null : await loadTokens(settings.tokensPath));
  requireRoot(args, settings);
}

export const runCommand: Command = {
  name: "run",
  usage: "run [-P PATH] [--listen HOST:PORT] [--tokens FILE] [--no-api] [--grace DURATION] [--keep DURATION]",
  summary: "start the scheduler and the API (the service); SIGTERM/SIGINT drain and exit 0, SIGHUP reloads the job file",
  flags: RUN_FLAGS,
  uses: INSTANCE_FLAGS.map((f) => f.name),
  examples: [
    { run: "run", does: "the service: config/scheduler.ini, its API and dashboard on 127.0.0.1:7370" },
    { run: "run -P /srv/acme/config/scheduler.ini --no-api", does: "another tenant's job file, the scheduler only" },
    { run: 'run --listen 127.0.0.1:7371 --grace "2 minutes"', does: "another port; at SIGTERM, let running jobs finish for 2 minutes" },
  ],
  async run(argv, io) {
    const args = parseArgs(argv, RUN_FLAGS);
    noPositionals(args, "run");
    const settings = serviceSettings(args);
    // Bad flags are found before anything is opened or written.
    await checkServiceSettings(args, settings);
    const service = await startService(settings);
    return await service.done;
  },
};
