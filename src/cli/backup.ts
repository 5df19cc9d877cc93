/**
 * `tickd backup --to FILE` and `tickd restore --from FILE`: a consistent copy
 * of the embedded database while the service runs, and putting one back
 * while it does not (store/backup.ts says how).
 */
import { systemClock } from "../clock.ts";
import { backupDatabase, restoreDatabase, type BackupSummary } from "../store/backup.ts";
import { UsageError, boolFlag, instanceSettings, parseArgs, stringFlag, type FlagDef } from "./args.ts";
import { noPositionals } from "./check.ts";
import { EXIT, type Command } from "./command.ts";

const JSON_FLAG: FlagDef = { name: "json", boolean: true, help: 'print {"file","bytes","runs","jobs"} (restore: and "kept") instead' };
const BACKUP_FLAGS: readonly FlagDef[] = [{ name: "to", value: "FILE", complete: "file", help: "the new file to write the backup to" }, JSON_FLAG];
const RESTORE_FLAGS: readonly FlagDef[] = [{ name: "from", value: "FILE", complete: "file", help: "the backup to put in the database's place" }, JSON_FLAG];

function describe(s: BackupSummary): string {
  return `${s.runs} run${s.runs === 1 ? "" : "s"}, ${s.jobs} stored job${s.jobs === 1 ? "" : "s"}, ${Math.max(1, Math.round(s.bytes / 1024))} KB`;
}

export const backupCommand: Command = {
  name: "backup",
  usage: "backup --to FILE [--db URL] [--config PATH] [--json]",
  summary: "copy the database consistently, even while tickd runs",
  flags: BACKUP_FLAGS,
  uses: ["config", "db"],
  examples: [
    { run: "backup --to scheduler-backup.db", does: "a consistent copy, also while tickd runs" },
    { run: "backup --db file:/var/lib/tickd/scheduler.db --to /backups/tickd-$(date +%F).db", does: "another database, dated" },
  ],
  async run(argv, io) {
    const args = parseArgs(argv, BACKUP_FLAGS);
    noPositionals(args, "backup");
    const to = stringFlag(args, "to");
    if (!to) throw new UsageError("backup needs --to FILE, the new file to write the copy to");
    const { dbUrl } = instanceSettings(args);
    const summary = await backupDatabase(dbUrl, to);
    if (boolFlag(args, "json")) {
      io.out(JSON.stringify(summary, null, 2));
      return EXIT.ok;
    }
    io.out(`backed up ${dbUrl} to ${to} (${describe(summary)})`);
    return EXIT.ok;
  },
};

export const restoreCommand: Command = {
  name: "restore",
  usage: "restore --from FILE [--db URL] [--config PATH] [--json]",
  summary: "put a backup in the database's place (tickd must be stopped)",
  flags: RESTORE_FLAGS,
  uses: ["config", "db"],
  examples: [
    { run: "restore --from scheduler-backup.db", does: "put it back, with tickd stopped; the replaced database is kept" },
  ],
  async run(argv, io) {
    // The command's one clock read, at its start: the process's clock (src/clock.ts).
    const now = systemClock.now();
    const args = parseArgs(argv, RESTORE_FLAGS);
    noPositionals(args, "restore");
    const from = stringFlag(args, "from");
    if (!from) throw new UsageError("restore needs --from FILE, a backup made by tickd backup");
    const { dbUrl } = instanceSettings(args);
    const report = await restoreDatabase(dbUrl, from, now);
    if (boolFlag(args, "json")) {
      io.out(JSON.stringify(report, null, 2));
      return EXIT.ok;
    }
    io.out(`restored ${from} to ${report.file} (${describe(report)})`);
    if (report.kept) io.out(`the database it replaced is kept in ${report.kept}`);
    return EXIT.ok;
  },
};
