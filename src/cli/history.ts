/**
 * `tickd history [LABEL]`: the latest runs from the store, newest first, as a
 * table (started, label, status, duration, message) or as JSON.
 */
import { STATUSES, type Status } from "../sdk/index.ts";
import { toStatus } from "../sdk/status.ts";
import { databaseFile, listActivities, MAX_PAGE_SIZE, noDatabaseYet, openStore, type ActivityRow } from "../store/index.ts";
import { UsageError, boolFlag, instanceSettings, parseArgs, stringFlag, type FlagDef } from "./args.ts";
import { EXIT, type Command } from "./command.ts";
import { alertHistory, alertsJson, alertsTable } from "./history-alerts.ts";
import { runJson } from "./json.ts";

const FLAGS: readonly FlagDef[] = [
  { name: "json", boolean: true, help: "print a JSON array instead of a table, with the fields and values of the API's runs (runId, status SUCCESS, …)" },
  { name: "alerts", boolean: true, help: "show the alerts raised and how their delivery went, instead of runs" },
  { name: "limit", short: "n", value: "N", help: `how many runs, newest first (default 20, at most ${MAX_PAGE_SIZE})` },
  { name: "status", value: "S[,S]", repeat: true, choices: STATUSES, help: `only runs with these statuses (${STATUSES.join(", ")}; either case)` },
];

/** Width of the message column in the table; the full text is in --json. */
const MESSAGE_WIDTH = 60;

export const historyCommand: Command = {
  name: "history",
  usage: "history [LABEL] [--json] [--limit N] [--status S] [--alerts]",
  summary: "show recent runs from the store",
  flags: FLAGS,
  uses: ["config", "db", "timezone"],
  examples: [
    { run: "history", does: "the latest 20 runs of every job" },
    { run: 'history "nightly backup" --status failure,error --limit 5', does: "the 5 latest failed runs of one job" },
    { run: "history --json --limit 100", does: "as JSON, the fields named as in the GraphQL API" },
    { run: "history --alerts", does: "the alerts raised and how their delivery went" },
  ],
  operand: { kind: "label" },
  async run(argv, io) {
    const args = parseArgs(argv, FLAGS);
    if (args.positionals.length > 1) throw new UsageError(`history takes at most one LABEL, got ${args.positionals.length} (quote a label with spaces)`);
    const label = args.positionals[0];
    const limit = parseLimit(stringFlag(args, "limit"));
    const status = parseStatuses((args.flags.status as string[] | undefined) ?? []);
    const settings = instanceSettings(args);
    const json = boolFlag(args, "json");

    // A database not created yet holds no runs (a missing folder is the store's error).
    if (noDatabaseYet(settings.dbUrl)) {
      if (json) io.out("[]");
      else io.err(`no runs recorded yet: there is no database at ${databaseFile(settings.dbUrl)} (tickd run creates it)`);
      return EXIT.ok;
    }
    let rows: readonly ActivityRow[];
    const store = await openStore(settings.dbUrl, { instance: "tickd-history", register: false });
    if (boolFlag(args, "alerts")) {
      if (status.length > 0) {
        await store.close();
        throw new UsageError("--status filters runs; --alerts shows alerts: give one of them");
      }
      const alerts = await alertHistory(store, label, limit).finally(() => store.close());
      if (json) io.out(alertsJson(alerts));
      else if (alerts.length === 0) io.err(label === undefined ? "no alerts raised" : `no alerts of "${label}" raised`);
      else io.out(alertsTable(alerts, settings.timezone));
      return EXIT.ok;
    }
    try {
      rows = (await listActivities(store, { label, statuses: status, first: limit })).rows;
    } finally {
      await store.close();
    }
    if (json) {
      io.out(JSON.stringify(rows.map(runJson), null, 2));
    } else if (rows.length === 0) {
      io.err(label === undefined ? "no runs recorded" : `no runs of "${label}" recorded`);
    } else {
      io.out(table(rows, settings.timezone));
    }
    return EXIT.ok;
  },
};

function parseLimit(text: string | undefined): number {
  if (text === undefined) return 20;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw new UsageError(`--limit: expected a whole number from 1 to ${MAX_PAGE_SIZE}, got "${text}"`);
  return n;
}

function parseStatuses(values: readonly string[]): Status[] {
  const result: Status[] = [];
  for (const s of values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "")) {
    const status = toStatus(s);
    if (status === undefined) throw new UsageError(`--status: "${s}" is not a status; expected one of ${STATUSES.join(", ")} (either case)`);
    result.push(status);
  }
  return result;
}

/** "850ms", "12.3s", "4m05s", "2h03m". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function table(rows: readonly ActivityRow[], zone: string): string {
  // sv-SE formats as "2026-03-02 10:00:00": sortable and unambiguous.
  const when = new Intl.DateTimeFormat("sv-SE", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  const cells = rows.map((r) => {
    const firstLine = (r.message || (r.error.split("\n")[0] ?? "")).split("\n")[0]!;
    return [
      when.format(r.startedAt),
      r.label,
      r.status,
      r.endedAt === null ? "-" : formatDuration(r.endedAt - r.startedAt),
      firstLine.length > MESSAGE_WIDTH ? `${firstLine.slice(0, MESSAGE_WIDTH - 1)}…` : firstLine,
    ];
  });
  const header = [`STARTED (${zone})`, "LABEL", "STATUS", "DURATION", "MESSAGE"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), ...cells.map(line)].join("\n");
}
