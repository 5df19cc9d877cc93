/**
 * The SQL the write queue sends: one batch's claims, activity rows and their
 * conditions (write-queue.ts says why each is written as it is).
 */
import type { InStatement } from "@libsql/client";
import type { RunRecord } from "../engine/types.ts";
import type { Dialect } from "./dialect.ts";

/** Rows per multi-row INSERT; 14 parameters each stays far below SQLite's limit. */
const ROWS_PER_STATEMENT = 500;

/** A claim asked for by `claim` (with no row), and who waits for its answer. */
export interface PendingClaim {
  readonly label: string;
  readonly scheduledFor: number;
  readonly waiters: { resolve: (ours: boolean) => void; reject: (e: unknown) => void }[];
}

const ACTIVITY_COLUMNS =
  "run_id, label, job_id, scheduled_for, started_at, ended_at, status, message, output, error, attempt, trigger, instance, kwargs";
/** One row of the VALUES list; its 14th value is 1 when the row needs this instance's claim. */
const ACTIVITY_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/** PostgreSQL types a VALUES list's parameters as text unless told: the same row, typed. */
const PG_ACTIVITY_VALUES = "(?::text, ?::text, ?::bigint, ?::bigint, ?::bigint, ?::text, ?::text, ?::text, ?::text, ?::integer, ?::text, ?::text, ?::json, ?::integer)";
const ACTIVITY_SELECT =
  "SELECT v.column1, v.column2, (SELECT id FROM jobs WHERE label = v.column2), v.column3, v.column4, v.column5, v.column6," +
  " v.column7, v.column8, v.column9, v.column10, v.column11, v.column12, v.column13 FROM (VALUES ";
// Manual runs are not occurrences of the schedule and need no claim. A
// "running" row (a start) is also fenced: written only while its instance's
// row exists, i.e. no other instance has taken it over (lifecycle.ts). On
// PostgreSQL the instance row is read FOR SHARE, so a takeover committing
// meanwhile waits for this batch, and its later statements see these rows.
const activityWhere = (lock: string) =>
  ") AS v WHERE v.column14 = 0 OR (EXISTS (SELECT 1 FROM claims c WHERE c.label = v.column2 AND c.scheduled_for = v.column3 AND c.instance = v.column12)" +
  ` AND (v.column6 <> 'running' OR EXISTS (SELECT 1 FROM instances i WHERE i.name = v.column12${lock})))`;
const ACTIVITY_WHERE = activityWhere("");
const PG_ACTIVITY_WHERE = activityWhere(" FOR SHARE");
// A late "running" write never overwrites a finished row (status guard). The
// trigger may change: a run that waited out a store outage starts as a catch-up.
const ACTIVITY_UPSERT =
  " ON CONFLICT(run_id) DO UPDATE SET started_at = excluded.started_at, ended_at = excluded.ended_at, status = excluded.status," +
  " message = excluded.message, output = excluded.output, error = excluded.error, trigger = excluded.trigger" +
  " WHERE activity.status = 'running' OR excluded.status <> 'running' RETURNING run_id";
// Ours when inserted now, or when this instance name already holds it and no
// run of it is recorded (an earlier life claimed ahead and died before running).
const CLAIM_UPSERT =
  " ON CONFLICT(label, scheduled_for) DO UPDATE SET claimed_at = excluded.claimed_at" +
  " WHERE claims.instance = excluded.instance AND NOT EXISTS" +
  " (SELECT 1 FROM activity a WHERE a.label = claims.label AND a.scheduled_for = claims.scheduled_for)" +
  " RETURNING label, scheduled_for";
// Rows of occurrences nobody claimed ahead (a run due at once, a missed one) take the claim with the row.
const CLAIM_WITH_ROW = " ON CONFLICT(label, scheduled_for) DO NOTHING";
/**
 * Claims are taken only while the claiming instance's row exists (fenced as
 * starts are): an instance taken over claims nothing until it has registered
 * again, so no claim outlives the row that says whose it is.
 */
function claimInsert(rows: number, dialect: Dialect, conflict: string): string {
  const values = dialect === "postgresql" ? "(?::text, ?::bigint, ?::text, ?::bigint)" : "(?, ?, ?, ?)";
  const lock = dialect === "postgresql" ? " FOR SHARE" : "";
  return (
    "INSERT INTO claims (label, scheduled_for, instance, claimed_at) SELECT v.column1, v.column2, v.column3, v.column4 FROM (VALUES " +
    Array.from({ length: rows }, () => values).join(", ") +
    `) AS v WHERE EXISTS (SELECT 1 FROM instances i WHERE i.name = v.column3${lock})${conflict}`
  );
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

/** Claims taken with rows (an occurrence nobody claimed ahead), so the rows' condition can hold. */
export function claimsForRows(runs: readonly RunRecord[], now: number, dialect: Dialect = "sqlite"): InStatement[] {
  const seen = new Set<string>();
  const rows: RunRecord[] = [];
  for (const r of runs) {
    if (!needsClaim(r)) continue;
    const key = claimKey(r.label, r.scheduledFor);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push(r);
  }
  // PostgreSQL locks each claim key as it inserts it: two instances claiming
  // the same occurrences in the same order wait for each other, never deadlock.
  if (dialect === "postgresql") rows.sort(byOccurrence);
  const statements: InStatement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const args: (string | number)[] = [];
    for (const r of chunk) args.push(r.label, r.scheduledFor, r.instance, now);
    statements.push({ sql: claimInsert(chunk.length, dialect, CLAIM_WITH_ROW), args });
  }
  return statements;
}

export function activityStatements(runs: readonly RunRecord[], dialect: Dialect = "sqlite"): InStatement[] {
  const values = dialect === "postgresql" ? PG_ACTIVITY_VALUES : ACTIVITY_VALUES;
  const statements: InStatement[] = [];
  for (let i = 0; i < runs.length; i += ROWS_PER_STATEMENT) {
    const chunk = runs.slice(i, i + ROWS_PER_STATEMENT);
    const args: (string | number | null)[] = [];
    for (const r of chunk) {
      args.push(r.runId, r.label, r.scheduledFor, r.startedAt, r.endedAt ?? null, r.status, r.message, r.output, r.error, r.attempt, r.trigger, r.instance, r.kwargs ? JSON.stringify(r.kwargs) : null, needsClaim(r) ? 1 : 0);
    }
    statements.push({
      sql: `INSERT INTO activity (${ACTIVITY_COLUMNS}) ${ACTIVITY_SELECT}${chunk.map(() => values).join(", ")}${dialect === "postgresql" ? PG_ACTIVITY_WHERE : ACTIVITY_WHERE}${ACTIVITY_UPSERT}`,
      args,
    });
  }
  return statements;
}

export function claimStatements(claims: readonly PendingClaim[], instance: string, now: number, dialect: Dialect = "sqlite"): InStatement[] {
  if (dialect === "postgresql") claims = [...claims].sort(byOccurrence);
  const statements: InStatement[] = [];
  for (let i = 0; i < claims.length; i += ROWS_PER_STATEMENT) {
    const chunk = claims.slice(i, i + ROWS_PER_STATEMENT);
    const args: (string | number)[] = [];
    for (const c of chunk) args.push(c.label, c.scheduledFor, instance, now);
    statements.push({ sql: claimInsert(chunk.length, dialect, CLAIM_UPSERT), args });
  }
  return statements;
}

function byOccurrence(a: { label: string; scheduledFor: number }, b: { label: string; scheduledFor: number }): number {
  return a.label < b.label ? -1 : a.label > b.label ? 1 : a.scheduledFor - b.scheduledFor;
}
