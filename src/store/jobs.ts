/**
 * The jobs table: what the instance knows about each job, for listing, the
 * API and discovery. Rules about *when* to change a row live with the caller
 * (discovery's rules are in src/discovery/discover.ts); these functions only
 * read and write rows, each in one statement or one transaction.
 *
 * The table's one writer: the job file's rows (syncIniJobs), discovery's
 * (writeDiscoveredJobs) and the operator's edits all go through here.
 * Operator edits: setActive and updateSchedule record that an operator changed
 * the field (operatorEdited.active / .schedule); discovery then keeps those
 * fields as the operator left them.
 */
import { and, asc, eq, inArray, notInArray, sql } from "drizzle-orm";
import { JOB_KEYS, operatorScheduleColumns, optionKeys } from "../config/keys.ts";
import type { JobSpec } from "../config/types.ts";
import { jobs, type JobOptions, type JobRow, type NewJobRow, type OperatorEdits } from "../../schema/db.ts";
import { TickdError } from "../errors.ts";
import type { Store } from "./client.ts";

/** Schedule columns (as written in a job file) that an operator may edit. */
export interface ScheduleFields {
  readonly every?: string | null;
  readonly at?: string | null;
  readonly cron?: string | null;
  readonly timezone?: string | null;
  readonly until?: number | null;
}

/** The columns a JobSpec determines (everything but id, active, missing, edits and timestamps). */
export type JobColumns = Omit<NewJobRow, "id" | "active" | "missing" | "operatorEdited" | "createdAt" | "updatedAt">;

/**
 * A job's columns, by the key table (src/config/keys.ts): each key goes to its
 * row's column, options into the `options` JSON under their JobSpec field.
 */
export function specColumns(spec: JobSpec): JobColumns {
  const t = spec.target;
  const columns: Record<string, unknown> = {
    label: spec.label,
    source: spec.origin.source,
    app: spec.origin.app ?? "",
    file: spec.origin.file,
    targetKind: t.kind,
    // The target's own columns: what it runs, and a url job's method as given.
    callback: t.kind === "call" ? t.callback : t.kind === "command" ? t.command : t.url,
    method: t.kind === "url" ? t.method : "",
  };
  for (const row of JOB_KEYS) if (row.group === "schedule") columns[row.column] = (row.stored ?? row.text)(spec) ?? null;
  const options: Record<string, unknown> = {};
  for (const row of optionKeys()) {
    const value = (spec as unknown as Record<string, unknown>)[row.field];
    if (row.column === "options") {
      if (value !== undefined) options[row.field] = value;
    } else if (row.column !== "active") columns[row.column] = value ?? null;
  }
  columns.options = options as JobOptions;
  columns.kwargs = { ...spec.kwargs };
  return columns as JobColumns;
}

export async function listJobs(store: Store, filter: { source?: "ini" | "discovered"; includeMissing?: boolean } = {}): Promise<JobRow[]> {
  const conditions = [];
  if (filter.source) conditions.push(eq(jobs.source, filter.source));
  if (filter.includeMissing === false) conditions.push(eq(jobs.missing, false));
  return store.db.select().from(jobs).where(and(...conditions)).orderBy(asc(jobs.label));
}

export async function getJob(store: Store, label: string): Promise<JobRow | undefined> {
  const [row] = await store.db.select().from(jobs).where(eq(jobs.label, label)).limit(1);
  return row;
}


/** Rows per multi-row INSERT of new jobs (SQLite allows 32,766 parameters a statement). */
const INSERT_CHUNK = 500;

/**
 * Make the `ini` rows mirror the job file: insert new labels, update changed
 * ones (active follows the file), delete ini rows no longer in it. Discovered
 * rows are untouched; a label held by a discovered row is left to it.
 * One transaction.
 */
export async function syncIniJobs(store: Store, specs: readonly JobSpec[], now: number = store.clock.now()): Promise<{ added: string[]; updated: string[]; removed: string[] }> {
  const added: string[] = [];
  const updated: string[] = [];
  const removed: string[] = [];
  await store.exclusive((db) => db.transaction(async (tx) => {
    const existing = new Map((await tx.select().from(jobs)).map((r) => [r.label, r]));
    const inserts: NewJobRow[] = [];
    for (const spec of specs) {
      const columns = { ...specColumns(spec), source: "ini" as const };
      const row = existing.get(spec.label);
      if (!row) {
        inserts.push({ ...columns, active: spec.active, createdAt: now, updatedAt: now });
        added.push(spec.label);
      } else if (row.source === "ini") {
        const override = operatorSwitch(row, spec.active) !== undefined;
        const next = { ...columns, active: override ? row.active : spec.active };
        const edits = override ? row.operatorEdited : {};
        if (JSON.stringify(pick(row, next)) !== JSON.stringify(next) || JSON.stringify(row.operatorEdited) !== JSON.stringify(edits)) {
          await tx.update(jobs).set({ ...next, operatorEdited: edits, updatedAt: now }).where(eq(jobs.id, row.id));
          updated.push(spec.label);
        }
      }
    }
    // New jobs go in as multi-row inserts: a first start with 1,000 jobs is a
    // handful of statements, not 1,000.
    for (let i = 0; i < inserts.length; i += INSERT_CHUNK) await tx.insert(jobs).values(inserts.slice(i, i + INSERT_CHUNK));
    const keep = specs.map((s) => s.label);
    const gone = await tx
      .delete(jobs)
      .where(and(eq(jobs.source, "ini"), keep.length > 0 ? notInArray(jobs.label, keep) : undefined))
      .returning({ label: jobs.label });
    removed.push(...gone.map((g) => g.label));
  }));
  return { added, updated, removed };
}

/**
 * The operator's on/off switch of a job-file job whose file says `fileActive`,
 * when it still holds: it holds while the file says what it said when they
 * switched; an edit of `active` in the file wins again. The row is the one
 * holding the job's label (a job-file row, or the discovered row a job
 * exported into the file shadows).
 */
export function operatorSwitch(row: JobRow | undefined, fileActive: boolean): { active: boolean; at: number | null } | undefined {
  const edits = row?.operatorEdited;
  if (!row || edits?.active !== true || edits.fileActive !== fileActive) return undefined;
  return { active: row.active, at: edits.activeAt ?? null };
}

function pick(row: JobRow, like: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(like).map((k) => [k, row[k as keyof JobRow]]));
}

/** What discovery decided about the discovered rows (its rules: src/discovery/discover.ts). */
export interface DiscoveredWrites {
  /** New discovered jobs: their columns (source "discovered") and whether they start on. */
  readonly insert: readonly { readonly columns: JobColumns; readonly active: boolean }[];
  /** Existing discovered rows, by id: the columns that change. */
  readonly update: readonly { readonly id: number; readonly columns: Partial<JobColumns> & { readonly missing?: boolean } }[];
  /** Discovered rows, by id, whose registration vanished: flagged missing, never deleted (their history stays). */
  readonly missing: readonly number[];
}

/**
 * Bring the discovered rows in line with what discovery found: one
 * transaction in the store's exclusive section (the engine's batched writes
 * in this process wait, so it never interleaves with them). `decide` sees
 * every row of the table as it stands inside the transaction, and says what
 * to write; only discovered rows are written.
 */
export async function writeDiscoveredJobs(store: Pick<Store, "exclusive" | "clock">, decide: (rows: readonly JobRow[]) => DiscoveredWrites, now: number = store.clock.now()): Promise<void> {
  await store.exclusive((db) => db.transaction(async (tx) => {
    const writes = decide(await tx.select().from(jobs));
    const inserts: NewJobRow[] = writes.insert.map(({ columns, active }) => ({ ...columns, source: "discovered", active, operatorEdited: {}, createdAt: now, updatedAt: now }));
    for (let i = 0; i < inserts.length; i += INSERT_CHUNK) await tx.insert(jobs).values(inserts.slice(i, i + INSERT_CHUNK));
    for (const { id, columns } of writes.update) {
      await tx.update(jobs).set({ ...columns, updatedAt: now }).where(and(eq(jobs.id, id), eq(jobs.source, "discovered")));
    }
    if (writes.missing.length > 0) {
      await tx.update(jobs).set({ missing: true, updatedAt: now }).where(and(inArray(jobs.id, [...writes.missing]), eq(jobs.source, "discovered")));
    }
  }));
}

/**
 * Set a job's active flag as an operator did. It survives re-discovery, and
 * for a job-file job restarts and reloads too, until the file's own `active`
 * changes (syncIniJobs). `fileActive`: what the job file says, when it holds
 * the label (default: inferred for job-file rows). Throws not-found.
 */
export async function setActive(store: Store, label: string, active: boolean, now: number = store.clock.now(), fileActive?: boolean, pause?: OperatorEdits["pause"]): Promise<JobRow> {
  const row = await store.exclusive(async (db) => {
    const [current] = await db.select().from(jobs).where(eq(jobs.label, label));
    if (!current) return undefined;
    const edits: OperatorEdits = { ...current.operatorEdited, active: true, activeAt: now };
    // A pause's note lives with the switch-off it explains; switching on ends it.
    delete edits.pause;
    if (!active && pause) edits.pause = pause;
    // `fileActive` given: the job file holds this label (see operatorSwitch).
    if (fileActive !== undefined) edits.fileActive = fileActive;
    else if (current.source === "ini") {
      // What the file says: the recorded value while an override holds, else the row's own.
      edits.fileActive = current.operatorEdited?.active === true ? current.operatorEdited.fileActive : current.active;
    }
    const [updated] = await db.update(jobs).set({ active, operatorEdited: edits, updatedAt: now }).where(eq(jobs.id, current.id)).returning();
    return updated;
  });
  if (!row) throw new TickdError("not-found", `no job labelled "${label}"; see \`tickd list\``);
  return row;
}

/**
 * Change schedule columns as an operator did (survives re-discovery). Only the
 * given fields change; validation of the result is the caller's (load it
 * through the job-file rules before scheduling). Throws not-found.
 */
export async function updateSchedule(store: Store, label: string, fields: ScheduleFields, now: number = store.clock.now()): Promise<JobRow> {
  const set: Record<string, unknown> = {};
  for (const k of operatorScheduleColumns()) if (fields[k as keyof ScheduleFields] !== undefined) set[k] = fields[k as keyof ScheduleFields];
  const [row] = await store.exclusive((db) => db
    .update(jobs)
    .set({ ...set, operatorEdited: scheduleEdited(store), updatedAt: now })
    .where(eq(jobs.label, label))
    .returning());
  if (!row) throw new TickdError("not-found", `no job labelled "${label}"; see \`tickd list\``);
  return row;
}

/** operatorEdited with `schedule: true` set, in the store's SQL (JSON text on SQLite, json on PostgreSQL). */
function scheduleEdited(store: Store) {
  return store.dialect === "postgresql"
    ? sql`jsonb_set(${jobs.operatorEdited}::jsonb, '{schedule}', 'true'::jsonb)::json`
    : sql`json_set(${jobs.operatorEdited}, '$.schedule', json('true'))`;
}
