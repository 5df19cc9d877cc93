/**
 * `tickd discover`: import each app's scheduler module and bring the store's
 * discovered jobs in line (new ones added inactive, changed ones updated, gone
 * ones marked missing with their history kept). Prints what changed; exit 1 when a module
 * failed or a registration was rejected, 2 for bad usage (unknown app folder).
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { loadJobFile } from "../config/load.ts";
import { discoveredSpecs, readCatalog } from "../jobs/index.ts";
import { discoverApps, discoverJobs, formatProblem, openJobsDb, type DiscoverJobsResult } from "../discovery/index.ts";
import { UsageError, boolFlag, instanceSettings, parseArgs, requireRoot, type FlagDef } from "./args.ts";
import { noDatabaseYet } from "../store/index.ts";
import { displayPath, noPositionals, plural, printWarning } from "./check.ts";
import { EXIT, type Command, type Output } from "./command.ts";

const FLAGS: readonly FlagDef[] = [{ name: "json", boolean: true, help: "print the result as JSON" }];

function printText(result: DiscoverJobsResult, active: readonly string[], io: Output): void {
  const activeLabels = new Set(active);
  const unscheduled = new Set(result.unscheduled);
  const state = (label: string) => `${activeLabels.has(label) ? "active" : "inactive"}${unscheduled.has(label) ? ", manual: runs only by hand until given a schedule" : ""}`;
  for (const label of result.added) io.out(`added     ${label} (${state(label)})`);
  for (const label of result.updated) io.out(`updated   ${label} (${state(label)})`);
  for (const label of result.missing) io.out(`missing   ${label} (registration gone; history kept)`);
  for (const p of result.problems) io.err(formatProblem({ ...p, file: displayPath(p.file) }));
  if (!result.applied) {
    io.err("nothing was changed; fix --apps and run discover again");
    return;
  }
  io.out(
    `${plural(result.added.length, "job")} added, ${result.updated.length} updated, ${result.missing.length} missing, ${result.unchanged.length} unchanged; ` +
      `${active.length} discovered ${active.length === 1 ? "job is" : "jobs are"} active`,
  );
  if (result.added.some((l) => !activeLabels.has(l) && !unscheduled.has(l))) {
    io.out("New jobs start inactive: activate them in the dashboard or with the activateJob mutation.");
  }
  if (unscheduled.size > 0) {
    io.out(
      `${plural(unscheduled.size, "job")} registered without a schedule ${unscheduled.size === 1 ? "is" : "are"} manual (every = manual): never scheduled, ` +
        "run only by hand once active (tickd run-job, runJobNow, the dashboard); give one a schedule in the dashboard or with the updateJobSchedule mutation.",
    );
  }
}

export const discoverCommand: Command = {
  name: "discover",
  usage: "discover [--apps DIR,...] [--module-name NAME] [--json]",
  summary: "import apps' scheduler modules and upsert their jobs",
  flags: FLAGS,
  uses: ["config", "root", "db", "timezone", "apps", "module-name"],
  async run(argv, io) {
    const args = parseArgs(argv, FLAGS);
    noPositionals(args, "discover");
    const settings = instanceSettings(args);
    const { apps } = settings;
    if (apps.length === 0) throw new UsageError("no app folders given; pass --apps DIR,... or set TICKD_APPS");
    // An unknown folder is a typo in --apps: say so before the store is even opened,
    // so a mistyped command leaves no database behind.
    const unknown = apps.map((a) => path.resolve(a)).filter((folder) => !statSync(folder, { throwIfNoEntry: false })?.isDirectory());
    if (unknown.length > 0) {
      for (const folder of unknown) io.err(`${displayPath(folder)}: no such app folder; check --apps`);
      io.err("nothing was changed; fix --apps and run discover again");
      return EXIT.usage;
    }
    requireRoot(args, settings);
    const options = { apps: apps.map((a) => path.resolve(a)), moduleName: settings.moduleName, root: settings.root, zone: settings.timezone };
    // With no database yet, import the modules first: when they register
    // nothing, nothing changes, and no database is created for it.
    const found = noDatabaseYet(settings.dbUrl) ? await discoverApps(options) : undefined;
    const opened = await openJobsDb(found && found.registrations.length === 0 ? ":memory:" : settings.dbUrl);
    let result: DiscoverJobsResult;
    let active: string[];
    try {
      result = await discoverJobs(opened.store, { ...options, ...(found && { found }) });
      // Which discovered jobs are on, as the catalog says (the job file's copy of a label wins).
      const fileJobs = existsSync(settings.configPath) ? (await loadJobFile(settings.configPath, settings.timezone)).jobs : [];
      active = discoveredSpecs(await readCatalog(opened.store, fileJobs, settings.timezone)).map((s) => s.label);
    } finally {
      await opened.close();
    }
    // To stderr in both forms, as `check` prints them: stdout stays the result.
    for (const warning of result.warnings) printWarning(warning, io);
    if (boolFlag(args, "json")) {
      io.out(
        JSON.stringify(
          {
            applied: result.applied,
            added: result.added,
            updated: result.updated,
            missing: result.missing,
            unchanged: result.unchanged,
            unscheduled: result.unscheduled,
            active,
            problems: result.problems,
          },
          null,
          2,
        ),
      );
    } else {
      printText(result, active, io);
    }
    if (!result.applied) return EXIT.usage;
    return result.problems.length > 0 ? EXIT.failure : EXIT.ok;
  },
};
