/**
 * `tickd run`: the service — scheduler, store and API in one process, until
 * SIGTERM/SIGINT (drain, exit 0). SIGHUP reloads the job file.
 */
import { parseDuration } from "../config/durations.ts";
import { checkListen, loadTokens } from "../api/auth.ts";
import { startService, type ServiceSettings } from "../service/index.ts";
import { INSTANCE_FLAGS, UsageError, boolFlag, instanceSettings, parseArgs, requireRoot, stringFlag, type ParsedArgs } from "./args.ts";
import { noPositionals } from "./check.ts";
import type { Command } from "./command.ts";

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
  return {
    ...base,
    listen: stringFlag(args, "listen") ?? "127.0.0.1:7370",
    ...(tokensPath !== undefined && { tokensPath }),
    ...(instance !== undefined && { instance }),
    api: !boolFlag(args, "no-api"),
    keepMs: durationFlag(args, "keep", "30 days"),
    graceMs: durationFlag(args, "grace", "30 seconds"),
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
  flags: [],
  uses: INSTANCE_FLAGS.map((f) => f.name),
  async run(argv, io) {
    const args = parseArgs(argv, []);
    noPositionals(args, "run");
    const settings = serviceSettings(args);
    // Bad flags are found before anything is opened or written.
    await checkServiceSettings(args, settings);
    const service = await startService(settings);
    return await service.done;
  },
};
