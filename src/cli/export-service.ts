/**
 * Flags and helpers shared by export-supervisord and export-systemd: which
 * instance settings the generated service pins, and its name.
 */
import path from "node:path";
import { DEFAULT_STOP_WAIT_SECONDS, runCommandLine, SERVICE_NAME, type ServiceSpec } from "../export/index.ts";
import { DURATION_HINT, parseDuration } from "../config/durations.ts";
import { loadJobFile } from "../config/index.ts";
import { TickdError } from "../errors.ts";
import { databaseFile } from "../store/index.ts";
import { UsageError, boolFlag, stringFlag, type FlagDef, type ParsedArgs } from "./args.ts";
import { checkServiceSettings, serviceSettings } from "./run.ts";

export const SERVICE_FLAGS: readonly FlagDef[] = [
  { name: "name", short: "n", value: "NAME", help: "program / unit name, one per tenant (default tickd)" },
  { name: "write", short: "w", boolean: true, help: "write the files instead of printing them" },
  { name: "stop-wait", value: "SECONDS", help: `how long the manager waits after SIGTERM before killing (default ${DEFAULT_STOP_WAIT_SECONDS}, or --grace + 15)` },
];

/**
 * The service a unit runs, checked first as `run` checks it at start (a job
 * file that is there and is INI, --listen, --tokens, --root): a unit that
 * could not start is refused, and nothing is written.
 */
export async function serviceSpec(args: ParsedArgs): Promise<ServiceSpec> {
  const settings = serviceSettings(args);
  try {
    await loadJobFile(settings.configPath, settings.timezone);
    await checkServiceSettings(args, settings);
  } catch (error) {
    if (!(error instanceof TickdError)) throw error;
    throw new TickdError(error.code, `${error.message.replace(/\.$/, "")}; the service could not start, so nothing was written`, { cause: error });
  }
  const name = stringFlag(args, "name") ?? "tickd";
  if (!SERVICE_NAME.test(name)) throw new UsageError(`-n: "${name}" is not a usable name; use letters, digits, _, -, . (e.g. tickd_acme)`);
  const graceText = stringFlag(args, "grace");
  const graceMs = graceText === undefined ? undefined : parseDuration(graceText);
  if (graceText !== undefined && graceMs === undefined) throw new UsageError(`--grace: "${graceText}" is not a duration; ${DURATION_HINT}`);
  const stopWaitText = stringFlag(args, "stop-wait");
  // The manager must wait longer than tickd's own grace, or it kills jobs tickd was letting finish.
  const fromGrace = graceMs === undefined ? DEFAULT_STOP_WAIT_SECONDS : Math.max(DEFAULT_STOP_WAIT_SECONDS, Math.ceil(graceMs / 1000) + 15);
  const stopWaitSeconds = stopWaitText === undefined ? fromGrace : Number(stopWaitText);
  if (!Number.isInteger(stopWaitSeconds) || stopWaitSeconds <= 0) throw new UsageError(`--stop-wait: "${stopWaitText}" is not a whole number of seconds`);
  const given = (flag: string) => stringFlag(args, flag);
  // Only settings the operator gave (flag or TICKD_* variable) are pinned; the
  // rest keep run's defaults, which derive from the absolute --config.
  const command = runCommandLine(settings.configPath, {
    root: given("root"),
    db: given("db"),
    listen: given("listen"),
    timezone: given("timezone"),
    apps: given("apps") && given("apps")!.split(",").map((a) => path.resolve(a.trim())).join(","),
    moduleName: given("module-name"),
    logFormat: given("log-format"),
    tokens: given("tokens"),
    publicUrl: given("public-url"),
    instance: given("instance"),
    keep: given("keep"),
    grace: graceText,
    noApi: boolFlag(args, "no-api"),
  });
  const databaseGiven = given("db") !== undefined;
  const dbFile = databaseFile(settings.dbUrl);
  const writablePaths = dbFile ? [path.dirname(path.resolve(dbFile))] : [];
  return { name, configPath: settings.configPath, root: settings.root, command, stopWaitSeconds, writablePaths, databaseGiven };
}
