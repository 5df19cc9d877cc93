/**
 * Flags and helpers shared by export-supervisord and export-systemd: which
 * instance settings the generated service pins, and its name.
 */
import path from "node:path";
import { DEFAULT_STOP_WAIT_SECONDS, runCommandLine, SERVICE_NAME, type ServiceSpec } from "../export/index.ts";
import { INSTANCE_FLAGS, UsageError, instanceSettings, stringFlag, type FlagDef, type ParsedArgs } from "./args.ts";
import { DISCOVERY_FLAGS } from "./discover.ts";

export const SERVICE_FLAGS: readonly FlagDef[] = [
  ...INSTANCE_FLAGS,
  { name: "listen", env: true, value: "HOST:PORT", help: "API address the service listens on (default 127.0.0.1:7370; one port per tenant)" },
  ...DISCOVERY_FLAGS,
  { name: "name", short: "n", value: "NAME", help: "program / unit name, one per tenant (default tickd)" },
  { name: "write", short: "w", boolean: true, help: "write the files instead of printing them" },
  { name: "stop-wait", value: "SECONDS", help: `how long the manager waits after SIGTERM before killing (default ${DEFAULT_STOP_WAIT_SECONDS}; above tickd's 30 s grace)` },
];

export function serviceSpec(args: ParsedArgs): ServiceSpec {
  const settings = instanceSettings(args);
  const name = stringFlag(args, "name") ?? "tickd";
  if (!SERVICE_NAME.test(name)) throw new UsageError(`-n: "${name}" is not a usable name; use letters, digits, _, -, . (e.g. tickd_acme)`);
  const stopWaitText = stringFlag(args, "stop-wait");
  const stopWaitSeconds = stopWaitText === undefined ? DEFAULT_STOP_WAIT_SECONDS : Number(stopWaitText);
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
  });
  const dbFile = settings.dbUrl.startsWith("file:") ? path.resolve(settings.dbUrl.slice("file:".length).replace(/^\/\/(?=\/)/, "")) : undefined;
  const writablePaths = dbFile ? [path.dirname(dbFile)] : [];
  return { name, configPath: settings.configPath, root: settings.root, command, stopWaitSeconds, writablePaths };
}
