/**
 * `tickd migrate`: apply the migrations embedded in this binary to --db (by
 * default the scheduler.db beside the job file) and say what was applied.
 * `tickd run` does the same at start; this is for deploy scripts.
 */
import { openStore } from "../store/index.ts";
import { boolFlag, instanceSettings, parseArgs, type FlagDef } from "./args.ts";

const FLAGS: readonly FlagDef[] = [{ name: "json", boolean: true, help: 'print {"db","applied":[tag,…],"known":[tag,…]} instead' }];
import { noPositionals } from "./check.ts";
import { EXIT, type Command } from "./command.ts";

export const migrateCommand: Command = {
  name: "migrate",
  usage: "migrate [--db URL] [-P PATH] [--json]",
  summary: "apply database migrations and exit",
  flags: FLAGS,
  uses: ["config", "db"],
  examples: [
    { run: "migrate", does: "bring config/scheduler.db up to date (tickd run does it too)" },
    { run: "migrate --db file:/var/lib/tickd/scheduler.db", does: "another database" },
  ],
  async run(argv, io) {
    const args = parseArgs(argv, FLAGS);
    noPositionals(args, "migrate");
    const { dbUrl } = instanceSettings(args);
    const store = await openStore(dbUrl, { instance: "tickd-migrate", register: false });
    await store.close();
    const { applied, known } = store.migrations;
    if (boolFlag(args, "json")) {
      io.out(JSON.stringify({ db: dbUrl, applied, known }, null, 2));
      return EXIT.ok;
    }
    for (const tag of applied) io.out(`applied ${tag}`);
    io.out(
      applied.length === 0
        ? `${dbUrl} is up to date (${known.length} migration${known.length === 1 ? "" : "s"})`
        : `${dbUrl}: applied ${applied.length} of ${known.length} migration${known.length === 1 ? "" : "s"}`,
    );
    return EXIT.ok;
  },
};
