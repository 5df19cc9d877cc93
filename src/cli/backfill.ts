/**
 * `tickd backfill LABEL --from ISO --to ISO [--dry-run] [--again]`: run a
 * job's occurrences in a range in the running service (its API, see
 * service-api.ts), printing a progress line until it ends; `--cancel` stops
 * the job's backfill going on. Run it again to resume: what ran is skipped.
 */
import { sleep, systemClock } from "../clock.ts";
import { UsageError, boolFlag, parseArgs, stringFlag, type FlagDef } from "./args.ts";
import { EXIT, type Command } from "./command.ts";
import { SERVICE_FLAGS, callService } from "./service-api.ts";

const FLAGS: readonly FlagDef[] = [
  { name: "from", value: "ISO", help: "first instant of the range (inclusive)" },
  { name: "to", value: "ISO", help: "last instant of the range (inclusive)" },
  { name: "dry-run", boolean: true, help: "print how many occurrences would run; run nothing" },
  { name: "again", boolean: true, help: "also re-run occurrences already recorded" },
  { name: "cancel", boolean: true, help: "stop the job's backfill going on (after its current run)" },
  ...SERVICE_FLAGS,
];

interface Progress {
  count: number;
  skipped: number;
  done: number;
  state: string;
}

const FIELDS = "count skipped done state";
/** How often the progress line is refreshed. */
const POLL_MS = 500;

function instant(args: Parameters<typeof stringFlag>[0], name: string): string {
  const text = stringFlag(args, name);
  if (text === undefined) throw new UsageError(`backfill needs --${name} ISO`);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`--${name} ${JSON.stringify(text)}: expected an ISO-8601 instant, e.g. 2026-01-01T00:00:00Z`);
  return new Date(ms).toISOString();
}

export const backfillCommand: Command = {
  name: "backfill",
  usage: "backfill LABEL --from ISO --to ISO [--dry-run] [--again] [--cancel] [--url URL]",
  summary: "run a job's occurrences in a past range (trigger backfill), oldest first, skipping those recorded",
  flags: FLAGS,
  uses: ["listen"],
  async run(argv, io) {
    const args = parseArgs(argv, FLAGS);
    if (args.positionals.length !== 1) throw new UsageError(`backfill takes exactly one LABEL (quote labels with spaces), got ${args.positionals.length}`);
    const label = args.positionals[0]!;
    if (boolFlag(args, "cancel")) {
      const data = await callService<{ cancelBackfill: boolean }>(args, "mutation ($label: String!) { cancelBackfill(label: $label) }", { label });
      io.out(data.cancelBackfill ? `${label}: backfill cancelled (after the run going on)` : `${label}: no backfill going on`);
      return EXIT.ok;
    }
    const variables = { label, from: instant(args, "from"), to: instant(args, "to"), dryRun: boolFlag(args, "dry-run"), again: boolFlag(args, "again") };
    const started = await callService<{ backfillJob: Progress }>(
      args,
      `mutation ($label: String!, $from: DateTime!, $to: DateTime!, $dryRun: Boolean, $again: Boolean) { backfillJob(label: $label, from: $from, to: $to, dryRun: $dryRun, again: $again) { ${FIELDS} } }`,
      variables,
    );
    let p = started.backfillJob;
    if (p.state === "dry_run") {
      io.out(`${label}: ${p.count} occurrence(s) would run${p.skipped ? `, ${p.skipped} already recorded skipped` : ""}`);
      return EXIT.ok;
    }
    io.out(`${label}: backfill of ${p.count} occurrence(s)${p.skipped ? ` (${p.skipped} already recorded skipped)` : ""}`);
    while (p.state === "running") {
      await sleep(systemClock, POLL_MS);
      p = (await callService<{ job: { backfill: Progress } | null }>(args, `query ($label: String!) { job(label: $label) { backfill { ${FIELDS} } } }`, { label })).job?.backfill ?? { ...p, state: "done" };
      io.out(`${label}: ${p.done}/${p.count} run, ${p.state}`);
    }
    return p.state === "done" ? EXIT.ok : EXIT.failure;
  },
};
