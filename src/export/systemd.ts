/**
 * `export-systemd`: a unit for this tenant and a template unit `tickd@.service`
 * whose instance name (`%i`) picks a tenant folder.
 *
 * Type=simple: tickd does not speak sd_notify, and `simple` with Restart=on-failure
 * is what an operator expects from a foreground daemon.
 *
 * The service runs unprivileged: DynamicUser=yes makes a user for it (none
 * needs to exist), and its database lives in the state folder systemd makes
 * writable for that user, /var/lib/tickd/NAME (StateDirectory=; `%S` is
 * /var/lib), unless the operator gave --db. Everything else — the job file,
 * the callback modules — it only reads.
 */
import path from "node:path";
import type { ServiceSpec } from "./service.ts";

export interface SystemdFiles {
  /** `NAME.service` */
  readonly unitName: string;
  readonly unit: string;
  /** Always `tickd@.service`: one template serves every tenant. */
  readonly templateName: string;
  readonly template: string;
}

/** Escape specifiers: a literal `%` in a path is `%%` in a unit file. */
export function systemdEscape(text: string): string {
  return text.replaceAll("%", "%%");
}

/**
 * Quote one ExecStart word (or ReadWritePaths entry) whose specifiers are
 * already escaped: `$` is a variable there and is doubled; words with spaces
 * or quotes go in double quotes.
 */
export function systemdQuote(escaped: string): string {
  const w = escaped.replaceAll("$", "$$");
  if (/^[^\s"'\\;]+$/.test(w)) return w;
  return `"${w.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** A literal word for ExecStart. */
export function systemdWord(word: string): string {
  return systemdQuote(systemdEscape(word));
}

function hardening(paths: readonly string[], underTmp: boolean): string[] {
  return [
    "# Hardening: the scheduler writes only its database.",
    "NoNewPrivileges=yes",
    // DynamicUser= implies a private /tmp, which hides a job file kept under /tmp.
    underTmp ? "# PrivateTmp is implied by DynamicUser=: a job file under /tmp is not visible to the service; keep it elsewhere" : "PrivateTmp=yes",
    "ProtectSystem=strict",
    ...(paths.length > 0 ? [`ReadWritePaths=${paths.map(systemdQuote).join(" ")}`] : []),
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectControlGroups=yes",
    "RestrictSUIDSGID=yes",
    "RestrictRealtime=yes",
    "LockPersonality=yes",
  ];
}

/**
 * Who the service runs as and where its database is: a dynamic user, and
 * `stateDir` (specifier text, under /var/lib) holding scheduler.db unless
 * the database was given. Environment=, not a flag: a tenant's tickd.env
 * (read after it) may still point TICKD_DB elsewhere.
 */
function identity(stateDir: string | null, givenDbDir: string | null): string[] {
  return [
    "# An unprivileged user made for the service (no account needs to exist).",
    "DynamicUser=yes",
    ...(stateDir !== null
      ? [
          `# The database: /var/lib/${stateDir}/scheduler.db, writable by that user only (back it up with`,
          `# tickd backup --db file:/var/lib/${stateDir}/scheduler.db --to FILE).`,
          `StateDirectory=${stateDir}`,
          `Environment=TICKD_DB=file:%S/${stateDir}/scheduler.db`,
        ]
      : givenDbDir !== null
        ? [`# The database given with --db is in ${givenDbDir}: that folder must be writable by the service's user.`]
        : []),
  ];
}

function unitText(o: {
  description: string;
  exec: string;
  /** Specifier-escaped path. */
  workdir: string;
  /** Specifier-escaped paths. */
  writable: string[];
  underTmp: boolean;
  stopWait: number;
  identity: string[];
  extra?: string[];
}): string {
  return [
    "[Unit]",
    `Description=${o.description}`,
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    ...o.identity,
    ...(o.extra ?? []),
    `ExecStart=${o.exec}`,
    // SIGHUP re-reads the job file and applies the difference.
    "ExecReload=/bin/kill -HUP $MAINPID",
    "KillSignal=SIGTERM",
    // Only the main process gets TERM first, so jobs' child processes are not
    // killed before tickd records them; the rest get SIGKILL after the timeout.
    "KillMode=mixed",
    `TimeoutStopSec=${o.stopWait}`,
    "Restart=on-failure",
    "RestartSec=5",
    // WorkingDirectory takes the rest of the line as the path: no quoting, specifiers only.
    `WorkingDirectory=${o.workdir}`,
    ...hardening(o.writable, o.underTmp),
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

const isUnderTmp = (p: string) => p === "/tmp" || p.startsWith("/tmp/") || p.startsWith("/var/tmp/");

export function exportSystemd(service: ServiceSpec): SystemdFiles {
  // A database the operator gave is used where it is (a file: its folder stays writable); else the state folder.
  const givenDirs = service.databaseGiven ? [...new Set(service.writablePaths ?? [])] : [];
  const unit = unitText({
    description: `tickd scheduler (${service.name})`,
    exec: service.command.map((w) => systemdWord(w)).join(" "),
    workdir: systemdEscape(service.root),
    writable: givenDirs.map(systemdEscape),
    underTmp: isUnderTmp(service.configPath),
    stopWait: service.stopWaitSeconds,
    identity: identity(service.databaseGiven ? null : `tickd/${service.name}`, givenDirs[0] ?? null),
  });

  // The template assumes the multi-tenant layout <tenants>/<name>/config/scheduler.ini
  // (README, Multi-tenant): %i replaces the tenant folder, the config's
  // folder's parent. Each tenant's port and other settings come from an
  // optional <tenant>/config/tickd.env (TICKD_LISTEN=...).
  const tenantRoot = path.dirname(path.dirname(service.configPath));
  const tenantsDir = path.dirname(tenantRoot);
  const configRel = path.relative(tenantRoot, service.configPath);
  // Escaped text with the one intended specifier, %i, added after escaping.
  const tenantText = (rel: string) => `${systemdEscape(tenantsDir)}/%i${rel ? `/${systemdEscape(rel)}` : ""}`;
  // A --root inside the tenant folder is the same folder of each tenant; one
  // outside it (code shared by all tenants) stays as it is.
  const rootRel = path.relative(tenantRoot, service.root);
  const rootInTenant = !rootRel.startsWith("..") && !path.isAbsolute(rootRel);
  const rootText = rootInTenant ? tenantText(rootRel) : systemdEscape(service.root);
  const exe = service.command.slice(0, service.command.indexOf("run"));
  const exec = [
    ...exe.map((w) => systemdWord(w)),
    "run",
    "--config",
    systemdQuote(tenantText(configRel)),
    // run's default root is the tenant folder; any other root is passed on.
    ...(service.root === tenantRoot ? [] : ["--root", systemdQuote(rootText)]),
  ].join(" ");
  const template = unitText({
    description: "tickd scheduler (tenant %i)",
    exec,
    workdir: rootText,
    writable: [],
    underTmp: isUnderTmp(tenantsDir),
    stopWait: service.stopWaitSeconds,
    identity: identity("tickd/%i", null),
    extra: [`EnvironmentFile=-${tenantText(path.join(path.dirname(configRel), "tickd.env"))}`],
  });
  return { unitName: `${service.name}.service`, unit, templateName: "tickd@.service", template };
}
