/**
 * `export-systemd`: a unit for this tenant and a template unit `tickd@.service`
 * whose instance name (`%i`) picks a tenant folder.
 *
 * Type=simple: tickd does not speak sd_notify, and `simple` with Restart=on-failure
 * is what an operator expects from a foreground daemon.
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
    "# Hardening: the scheduler only needs to write its database folder.",
    "NoNewPrivileges=yes",
    ...(underTmp ? [] : ["PrivateTmp=yes"]),
    "ProtectSystem=strict",
    `ReadWritePaths=${paths.map(systemdQuote).join(" ")}`,
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectControlGroups=yes",
    "RestrictSUIDSGID=yes",
    "RestrictRealtime=yes",
    "LockPersonality=yes",
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
  const configDir = path.dirname(service.configPath);
  const unit = unitText({
    description: `tickd scheduler (${service.name})`,
    exec: service.command.map((w) => systemdWord(w)).join(" "),
    workdir: systemdEscape(service.root),
    writable: [...new Set([configDir, ...(service.writablePaths ?? [])])].map(systemdEscape),
    underTmp: isUnderTmp(service.configPath),
    stopWait: service.stopWaitSeconds,
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
    writable: [tenantText(path.dirname(configRel) === "." ? "" : path.dirname(configRel))],
    underTmp: isUnderTmp(tenantsDir),
    stopWait: service.stopWaitSeconds,
    extra: [`EnvironmentFile=-${tenantText(path.join(path.dirname(configRel), "tickd.env"))}`],
  });
  return { unitName: `${service.name}.service`, unit, templateName: "tickd@.service", template };
}
