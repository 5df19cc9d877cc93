/**
 * `discover` (CLI and the discoverJobs mutation): import the apps' scheduler
 * modules and bring the store's discovered jobs in line.
 *
 * Rules, each guarded by a test in test/discovery/discover.test.ts:
 * - a job is identified by (app, callback); its label may change;
 * - new jobs are inactive unless registered with `active: true`;
 * - an existing job keeps its active flag (the operator's decision), and its
 *   schedule when an operator edited it (operatorEdited.schedule);
 * - a job whose registration vanished is marked missing (never deleted: its
 *   history stays); it comes back, with its flags, if the registration returns;
 * - a module that failed to import leaves its jobs as they were;
 * - a registration without every, at or cron is a manual job (every =
 *   manual, listed in `unscheduled`): never scheduled, run only by hand,
 *   until an operator gives it a schedule;
 * - an unknown app folder is bad usage: nothing is written at all.
 * The rules decide here, as a pure function of the table; the store's
 * writeDiscoveredJobs (src/store/jobs.ts, the table's one writer) applies them
 * in one transaction. Which discovered jobs are then on, and what the live
 * engine is given, is the job catalog's (src/jobs/).
 */
import { operatorScheduleColumns } from "../config/keys.ts";
import type { Diagnostic } from "../config/types.ts";
import type { JobRow } from "../../schema/db.ts";
import { scheduleWarnings } from "../schedule/index.ts";
import { writeDiscoveredJobs, type DiscoveredWrites, type JobColumns, type Store } from "../store/index.ts";
import { discoverApps, type DiscoverAppsOptions, type DiscoverAppsResult, type DiscoveryProblem } from "./apps.ts";
import { registrationColumns } from "./rows.ts";

/** What discovery needs of the store: its jobs table's writer (store/jobs.ts) runs in `exclusive`, dated by `clock`. */
export type JobsStore = Pick<Store, "exclusive" | "clock">;

export interface DiscoverJobsOptions extends DiscoverAppsOptions {
  /** The instance zone (required here: stored jobs are re-validated in it). */
  readonly zone: string;
  /** Epoch ms written as created/updated time. Default: the store clock's now. */
  readonly now?: number;
  /** The apps' registrations when the caller imported them already (discoverApps with these options); default: import them here. */
  readonly found?: DiscoverAppsResult;
}

export interface DiscoverJobsResult {
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly missing: readonly string[];
  /** Discovered jobs already stored exactly as registered. */
  readonly unchanged: readonly string[];
  /** Registered without a schedule and not given one by an operator yet: manual jobs (every = manual). */
  readonly unscheduled: readonly string[];
  readonly problems: readonly DiscoveryProblem[];
  /** Registrations whose schedule never fires (schedule/warnings.ts): stored all the same, as `check` leaves such jobs in. */
  readonly warnings: readonly Diagnostic[];
  /** False when bad usage (an unknown app folder) stopped discovery before any write. */
  readonly applied: boolean;
}

const COMPARED: readonly (keyof JobRow)[] = ["label", "file", "callback", "every", "at", "cron", "timezone", "until", "options", "kwargs", "description", "missing"];

function differs(row: JobRow, next: Record<string, unknown>): boolean {
  return COMPARED.some((k) => k in next && JSON.stringify(row[k]) !== JSON.stringify(next[k as string]));
}

type Found = Awaited<ReturnType<typeof discoverApps>>;

interface Decision {
  readonly writes: DiscoveredWrites;
  readonly added: string[];
  readonly updated: string[];
  readonly missing: string[];
  readonly unchanged: string[];
  readonly unscheduled: string[];
  readonly problems: DiscoveryProblem[];
}

/** Discovery's rules (above) over the jobs table as it stands: what to write, and what to report. */
function decide(all: readonly JobRow[], found: Found): Decision {
  const d: Decision = { writes: { insert: [], update: [], missing: [] }, added: [], updated: [], missing: [], unchanged: [], unscheduled: [], problems: [] };
  const insert = d.writes.insert as DiscoveredWrites["insert"][number][];
  const update = d.writes.update as DiscoveredWrites["update"][number][];
  const missing = d.writes.missing as number[];
  const failed = new Set(found.failedModules);
  const discovered = all.filter((r) => r.source === "discovered");
  const byIdentity = new Map(discovered.map((r) => [`${r.app}\u0000${r.callback}`, r]));
  const byLabel = new Map(all.map((r) => [r.label, r]));
  const seen = new Set<number>();

  for (const reg of found.registrations) {
    const existing = byIdentity.get(`${reg.app}\u0000${reg.callback}`);
    const holder = byLabel.get(reg.spec.label);
    if (holder && holder.id !== existing?.id) {
      d.problems.push({
        kind: "invalid-registration",
        file: reg.file,
        label: reg.spec.label,
        message: `the label is already used by ${holder.source === "ini" ? "a job of the job file" : `${holder.callback} (app ${holder.app})`}; give this registration a distinct label option`,
      });
      if (existing) seen.add(existing.id);
      continue;
    }
    const columns: Record<string, unknown> = registrationColumns(reg.spec, reg.app, reg.callback, reg.file);
    if (reg.manual && !existing?.operatorEdited?.schedule) d.unscheduled.push(reg.spec.label);
    if (!existing) {
      insert.push({ columns: columns as JobColumns, active: reg.activeRequested });
      d.added.push(reg.spec.label);
      continue;
    }
    seen.add(existing.id);
    if (existing.operatorEdited?.schedule) for (const k of operatorScheduleColumns()) delete columns[k];
    if (!differs(existing, columns)) {
      d.unchanged.push(existing.label);
      continue;
    }
    if (existing.label !== reg.spec.label) byLabel.delete(existing.label);
    byLabel.set(reg.spec.label, existing);
    update.push({ id: existing.id, columns });
    d.updated.push(reg.spec.label);
  }

  for (const row of discovered) {
    if (seen.has(row.id) || row.missing || failed.has(row.file)) continue;
    missing.push(row.id);
    d.missing.push(row.label);
  }
  return d;
}

export async function discoverJobs(store: JobsStore, options: DiscoverJobsOptions): Promise<DiscoverJobsResult> {
  const found = options.found ?? (await discoverApps(options));
  if (found.problems.some((p) => p.kind === "unknown-app")) {
    return { added: [], updated: [], missing: [], unchanged: [], unscheduled: [], problems: [...found.problems], warnings: [], applied: false };
  }
  const now = options.now ?? store.clock.now();
  let decision: Decision | undefined;
  // Decided inside the store's transaction, on the rows as they stand there.
  await writeDiscoveredJobs(store, (rows) => (decision = decide(rows, found)).writes, now);
  const { added, updated, missing, unchanged, unscheduled } = decision!;
  const warnings = scheduleWarnings(
    found.registrations.map((reg) => reg.spec),
    options.zone,
    now,
  );
  return { added, updated, missing, unchanged, unscheduled, problems: [...found.problems, ...decision!.problems], warnings, applied: true };
}
