/**
 * `tickd migrate`: apply the migrations embedded in this binary to --db (by
 * default the scheduler.db beside the job file) and say what was applied.
 * `tickd run` does the same at start; this is for deploy scripts.
 *
 * `tickd migrate --from file:… --to postgres://…`: copy a store into a new,
 * empty one — jobs with their operator state, history, claims, anchors,
 * roll-ups and alerts (store/copy.ts) — to move to several servers.
 */
import { copyStore } from "../store/copy.ts";
import { openStore } from "../store/index.ts";
import { UsageError, boolFlag, instanceSettings, parseArgs, stringFlag, type FlagDef } from "./args.ts";
import { hidePassword } from "../store/pg-client.ts";
import { noPositionals } from "./check.ts";
import { EXIT, type Command } from "./command.ts";

const MIGRATE_FLAGS: readonly FlagDef[] = [
  { name: "from", value: "URL", help: "the store to copy (file:PATH or a libSQL server; with --to)" },
  { name: "to", value: "URL", help: "the new, empty store to copy it into, e.g. postgres://USER:PASSWORD@HOST/DB" },
  { name: "json", boolean: true, help: 'print {"db","applied":[tag,…],"known":[tag,…]} (or, copying, {"from","to","rows":{table:n}}) instead' },
];

export const migrateCommand: Command = {
  name: "migrate",
  usage: "migrate [--db URL] [-P PATH] [--json] | migrate --from URL --to URL [--json]",
  summary: "apply database migrations and exit, or copy a store into a new one",
  flags: MIGRATE_FLAGS,
  uses: ["config", "db"],
  examples: [
    { run: "migrate", does: "bring config/scheduler.db up to date (tickd run does it too)" },
    { run: "migrate --db file:/var/lib/tickd/scheduler.db", does: "another database" },
  ],
  async run(argv, io) {
    const args = parseArgs(argv, MIGRATE_FLAGS);
    noPositionals(args, "migrate");
    const from = stringFlag(args, "from");
    const to = stringFlag(args, "to");
    if (from !== undefined || to !== undefined) {
      if (!from || !to) throw new UsageError("migrate --from URL --to URL: give both, the store to copy and the new one to copy it into");
      const report = await copyStore(from, to);
      if (boolFlag(args, "json")) {
        io.out(JSON.stringify({ from: report.from, to: report.to, rows: report.rows }, null, 2));
        return EXIT.ok;
      }
      for (const [table, n] of Object.entries(report.rows)) io.out(`copied ${n} row${n === 1 ? "" : "s"} of ${table}`);
      io.out(`copied ${report.from} into ${report.to}`);
      return EXIT.ok;
    }
    const { dbUrl } = instanceSettings(args);
    const store = await openStore(dbUrl, { instance: "tickd-migrate", register: false });
    await store.close();
    const { applied, known } = store.migrations;
    if (boolFlag(args, "json")) {
      io.out(JSON.stringify({ db: hidePassword(dbUrl), applied, known }, null, 2));
      return EXIT.ok;
    }
    for (const tag of applied) io.out(`applied ${tag}`);
    io.out(
      applied.length === 0
        ? `${store.url} is up to date (${known.length} migration${known.length === 1 ? "" : "s"})`
        : `${store.url}: applied ${applied.length} of ${known.length} migration${known.length === 1 ? "" : "s"}`,
    );
    return EXIT.ok;
  },
};
