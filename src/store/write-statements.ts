/**
 * The SQL the write queue sends: one batch's claims, activity rows and their
 * conditions (write-queue.ts says why each is written as it is).
 */
import type { InStatement } from "@libsql/client";
import type { RunRecord } from "../engine/types.ts";
import type { Dialect } from "./dialect.ts";

/** Rows per multi-row INSERT; at most 14 parameters each stays far below SQLite's limit. */
const ROWS_PER_STATEMENT = 500;

/** A claim asked for by `claim` (with no row), and who waits for its answer. */
export interface PendingClaim {
  readonly label: string;
  readonly scheduledFor: number;
  readonly waiters: { resolve: (ours: boolean) => void; reject: (e: unknown) => void }[];
}

type Value = string | number | null;

/** A column of a multi-row statement's rows: what the statement calls it, its PostgreSQL type, its value in a row. */
interface Column<T> {
  readonly name: string;
  readonly pgType: string;
  readonly of: (row: T) => Value;
}

/** Where a statement reads its rows from, its parameters in order, and how it names each column. */
interface RowsSource {
  readonly from: string;
  readonly args: Value[];
  readonly ref: (name: string) => string;
}

/**
 * The rows of one statement as a FROM clause. On SQLite a column whose value
 * is the same in every row (the instance always; in a burst the status, the
 * trigger, the occurrence, the empty texts) is one parameter of a one-row `k`
 * instead of one per row in the VALUES list `v`: libSQL prepares every
 * statement anew, and preparing and binding were a third of a batch's cost.
 * It also makes a check on such a column (the fence on `instances`) one
 * lookup per statement instead of one per row. PostgreSQL keeps every column
 * in `v`: postgres.js keeps each distinct text prepared on its connection, so
 * statements there vary only with their number of rows (and the upsert's two
 * forms, activityInsert).
 */
function rowsSource<T>(rows: readonly T[], columns: readonly Column<T>[], dialect: Dialect): RowsSource {
  const pg = dialect === "postgresql";
  const first = rows[0]!;
  const shared: Column<T>[] = [];
  const perRow: Column<T>[] = [];
  for (const c of columns) {
    let same = !pg;
    if (same) {
      const value = c.of(first);
      for (let i = 1; i < rows.length && same; i++) same = c.of(rows[i]!) === value;
    }
    (same ? shared : perRow).push(c);
  }
  const refs = new Map<string, string>();
  const args: Value[] = [];
  const from: string[] = [];
  if (shared.length > 0) {
    shared.forEach((c, i) => {
      refs.set(c.name, `k.c${i + 1}`);
      args.push(c.of(first));
    });
    from.push(`(SELECT ${shared.map((c, i) => (pg ? `?::${c.pgType} AS c${i + 1}` : `? AS c${i + 1}`)).join(", ")}) AS k`);
  }
  if (perRow.length > 0) {
    perRow.forEach((c, i) => refs.set(c.name, `v.column${i + 1}`));
    const tuple = `(${perRow.map((c) => (pg ? `?::${c.pgType}` : "?")).join(", ")})`;
    for (const r of rows) for (const c of perRow) args.push(c.of(r));
    from.push(`(VALUES ${Array.from({ length: rows.length }, () => tuple).join(", ")}) AS v`);
  }
  return { from: from.join(", "), args, ref: (name) => refs.get(name)! };
}

/** An activity row's values; `claim` is 1 when the row needs this instance's claim. */
const ACTIVITY_COLUMNS: readonly Column<RunRecord>[] = [
  { name: "run_id", pgType: "text", of: (r) => r.runId },
  { name: "label", pgType: "text", of: (r) => r.label },
  { name: "scheduled_for", pgType: "bigint", of: (r) => r.scheduledFor },
  { name: "started_at", pgType: "bigint", of: (r) => r.startedAt },
  { name: "ended_at", pgType: "bigint", of: (r) => r.endedAt ?? null },
  { name: "status", pgType: "text", of: (r) => r.status },
  { name: "message", pgType: "text", of: (r) => r.message },
  { name: "output", pgType: "text", of: (r) => r.output },
  { name: "error", pgType: "text", of: (r) => r.error },
  { name: "attempt", pgType: "integer", of: (r) => r.attempt },
  { name: "trigger", pgType: "text", of: (r) => r.trigger },
  { name: "instance", pgType: "text", of: (r) => r.instance },
  { name: "kwargs", pgType: "json", of: (r) => (r.kwargs ? JSON.stringify(r.kwargs) : null) },
  { name: "claim", pgType: "integer", of: (r) => (needsClaim(r) ? 1 : 0) },
];
const INSERTED = ["run_id", "label", "job_id", "scheduled_for", "started_at", "ended_at", "status", "message", "output", "error", "attempt", "trigger", "instance", "kwargs"];

/** What the queue knows of a batch's runs, which spares a statement work (activityStatements). */
export interface RunsKnown {
  /** Runs whose "running" row went in as ours, with the start it recorded. */
  readonly held?: ReadonlyMap<string, number>;
  /** Runs whose begin waits for this batch: only their rows need to be returned. */
  readonly begun?: ReadonlyMap<string, unknown>;
}

function activityInsert(chunk: readonly RunRecord[], dialect: Dialect, known: RunsKnown): InStatement {
  const { from, args, ref } = rowsSource(chunk, ACTIVITY_COLUMNS, dialect);
  const values = INSERTED.map((c) => (c === "job_id" ? `(SELECT id FROM jobs WHERE label = ${ref("label")})` : ref(c)));
  // Manual runs are not occurrences of the schedule and need no claim. A
  // "running" row (a start) is also fenced: written only while its instance's
  // row exists, i.e. no other instance has taken it over (lifecycle.ts). On
  // PostgreSQL the instance row is read FOR SHARE, so a takeover committing
  // meanwhile waits for this batch, and its later statements see these rows.
  const where =
    `${ref("claim")} = 0 OR (EXISTS (SELECT 1 FROM claims c WHERE c.label = ${ref("label")} AND c.scheduled_for = ${ref("scheduled_for")} AND c.instance = ${ref("instance")})` +
    ` AND (${ref("status")} <> 'running' OR EXISTS (SELECT 1 FROM instances i WHERE i.name = ${ref("instance")}${lockOf(dialect)})))`;
  // Setting an indexed column rewrites its index entries even to the same
  // value: a final row whose start is the one its running row recorded leaves
  // started_at (two indexes) alone.
  const held = known.held;
  const sameStart = held !== undefined && held.size > 0 && chunk.every((r) => held.get(r.runId) === r.startedAt);
  const begun = known.begun;
  const returning = begun === undefined || chunk.some((r) => begun.has(r.runId));
  const upsert = `${sameStart ? ACTIVITY_UPDATE : `started_at = excluded.started_at, ${ACTIVITY_UPDATE}`}${ACTIVITY_GUARD}${returning ? " RETURNING run_id" : ""}`;
  return { sql: `INSERT INTO activity (${INSERTED.join(", ")}) SELECT ${values.join(", ")} FROM ${from} WHERE ${where} ON CONFLICT(run_id) DO UPDATE SET ${upsert}`, args };
}

const lockOf = (dialect: Dialect) => (dialect === "postgresql" ? " FOR SHARE" : "");

// A late "running" write never overwrites a finished row (status guard). The
// trigger may change: a run that waited out a store outage starts as a catch-up.
const ACTIVITY_UPDATE =
  "ended_at = excluded.ended_at, status = excluded.status, message = excluded.message, output = excluded.output, error = excluded.error, trigger = excluded.trigger";
const ACTIVITY_GUARD = " WHERE activity.status = 'running' OR excluded.status <> 'running'";
// Ours when inserted now, or when this instance name already holds it and no
// run of it is recorded (an earlier life claimed ahead and died before running).
const CLAIM_UPSERT =
  " ON CONFLICT(label, scheduled_for) DO UPDATE SET claimed_at = excluded.claimed_at" +
  " WHERE claims.instance = excluded.instance AND NOT EXISTS" +
  " (SELECT 1 FROM activity a WHERE a.label = claims.label AND a.scheduled_for = claims.scheduled_for)" +
  " RETURNING label, scheduled_for";
// Rows of occurrences nobody claimed ahead (a run due at once, a missed one) take the claim with the row.
const CLAIM_WITH_ROW = " ON CONFLICT(label, scheduled_for) DO NOTHING";

/** A claim to insert: the occurrence, who claims it, when. */
interface ClaimRow {
  readonly label: string;
  readonly scheduledFor: number;
}
const claimColumns = <T extends ClaimRow>(instance: (r: T) => string, now: number): readonly Column<T>[] => [
  { name: "label", pgType: "text", of: (r) => r.label },
  { name: "scheduled_for", pgType: "bigint", of: (r) => r.scheduledFor },
  { name: "instance", pgType: "text", of: instance },
  { name: "claimed_at", pgType: "bigint", of: () => now },
];

/**
 * Claims are taken only while the claiming instance's row exists (fenced as
 * starts are): an instance taken over claims nothing until it has registered
 * again, so no claim outlives the row that says whose it is.
 */
function claimInsert<T extends ClaimRow>(chunk: readonly T[], columns: readonly Column<T>[], dialect: Dialect, conflict: string): InStatement {
  const { from, args, ref } = rowsSource(chunk, columns, dialect);
  return {
    sql:
      `INSERT INTO claims (label, scheduled_for, instance, claimed_at) SELECT ${ref("label")}, ${ref("scheduled_for")}, ${ref("instance")}, ${ref("claimed_at")}` +
      ` FROM ${from} WHERE EXISTS (SELECT 1 FROM instances i WHERE i.name = ${ref("instance")}${lockOf(dialect)})${conflict}`,
    args,
  };
}

export const claimKey = (label: string, scheduledFor: number) => `${scheduledFor}\u0000${label}`;

/**
 * A run's row needs the claim of its occurrence unless it is a manual run, a
 * deliberate re-run (backfill --again), or a missed gap's record
 * (engine/missed.ts), which must leave a catch-up run of the same occurrence
 * its claim.
 */
export function needsClaim(run: RunRecord): boolean {
  return run.trigger !== "manual" && run.claim !== false && run.missed === undefined;
}

/**
 * Claims taken with rows (an occurrence nobody claimed ahead), so the rows'
 * condition can hold. `held`: runs whose "running" row this instance wrote:
 * their claim exists and stays (a claim with a run is never dropped), so
 * their later rows need not take it again; `won`: occurrences this instance
 * claimed ahead (WriteQueue.won says when that is known to hold).
 */
export function claimsForRows(runs: readonly RunRecord[], now: number, dialect: Dialect = "sqlite", held?: ReadonlyMap<string, number>, won?: ReadonlySet<string>): InStatement[] {
  const seen = new Set<string>();
  const rows: RunRecord[] = [];
  for (const r of runs) {
    if (!needsClaim(r) || held?.has(r.runId)) continue;
    const key = claimKey(r.label, r.scheduledFor);
    if (seen.has(key) || won?.has(key)) continue;
    seen.add(key);
    rows.push(r);
  }
  // PostgreSQL locks each claim key as it inserts it: two instances claiming
  // the same occurrences in the same order wait for each other, never deadlock.
  if (dialect === "postgresql") rows.sort(byOccurrence);
  const columns = claimColumns<RunRecord>((r) => r.instance, now);
  const statements: InStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) statements.push(claimInsert(rows.slice(i, i + ROWS_PER_STATEMENT), columns, dialect, CLAIM_WITH_ROW));
  return statements;
}

export function activityStatements(runs: readonly RunRecord[], dialect: Dialect = "sqlite", known: RunsKnown = {}): InStatement[] {
  const statements: InStatement[] = [];
  for (let i = 0; i < runs.length; i += ROWS_PER_STATEMENT) statements.push(activityInsert(runs.slice(i, i + ROWS_PER_STATEMENT), dialect, known));
  return statements;
}

export function claimStatements(claims: readonly PendingClaim[], instance: string, now: number, dialect: Dialect = "sqlite"): InStatement[] {
  if (dialect === "postgresql") claims = [...claims].sort(byOccurrence);
  const columns = claimColumns<PendingClaim>(() => instance, now);
  const statements: InStatement[] = [];
  for (let i = 0; i < claims.length; i += ROWS_PER_STATEMENT) statements.push(claimInsert(claims.slice(i, i + ROWS_PER_STATEMENT), columns, dialect, CLAIM_UPSERT));
  return statements;
}

function byOccurrence(a: { label: string; scheduledFor: number }, b: { label: string; scheduledFor: number }): number {
  return a.label < b.label ? -1 : a.label > b.label ? 1 : a.scheduledFor - b.scheduledFor;
}
