/**
 * Every command, in the order `tickd help` lists them. The one list that
 * main(), --help, the shell completions and the man page read.
 */
import type { Command } from "./command.ts";
import { checkCommand } from "./check.ts";
import { listCommand } from "./list.ts";
import { nextCommand } from "./next.ts";
import { runCommand } from "./run.ts";
import { runJobCommand } from "./run-job.ts";
import { historyCommand } from "./history.ts";
import { migrateCommand } from "./migrate.ts";
import { backupCommand, restoreCommand } from "./backup.ts";
import { discoverCommand } from "./discover.ts";
import { exportIniCommand } from "./export-ini.ts";
import { exportSupervisordCommand } from "./export-supervisord.ts";
import { exportSystemdCommand } from "./export-systemd.ts";
import { pauseCommand, resumeCommand } from "./pause.ts";
import { cancelCommand } from "./cancel.ts";
import { backfillCommand } from "./backfill.ts";
import { completionsCommand } from "./completions.ts";
import { manCommand } from "./man.ts";

export const COMMANDS: readonly Command[] = [
  runCommand,
  checkCommand,
  listCommand,
  nextCommand,
  runJobCommand,
  pauseCommand,
  resumeCommand,
  cancelCommand,
  backfillCommand,
  historyCommand,
  migrateCommand,
  backupCommand,
  restoreCommand,
  discoverCommand,
  exportIniCommand,
  exportSupervisordCommand,
  exportSystemdCommand,
  // Made from the list they are part of: called only once it is built.
  completionsCommand(() => COMMANDS),
  manCommand(() => COMMANDS),
];

/** The names `tickd` takes first besides the commands. */
export const BUILTINS = ["help", "version"] as const;
