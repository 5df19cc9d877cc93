/**
 * Retention: what the hourly prune deletes, and the store's size.
 *
 * Each job keeps its runs by its own `keep` (the newest N runs, or the runs
 * of the last so long) or else by the instance's `--keep`; runs that went
 * wrong (FAILING_STATUSES) are kept for `keep_failures` when the job has it.
 * One transaction first writes the daily roll-ups of the days that are over
 * (rollups.ts), then deletes only runs whose day has its roll-up: so runs of
 * the current UTC day stay until the day is over (a job keeps at most its
 * `keep` plus one day of runs), and nothing is deleted that no roll-up counts.
 * Running runs are never deleted.
 */
import type { Client, InStatement } from "@libsql/client";
import type { Dialect } from "./dialect.ts";
import { FAILING_STATUSES } from "../sdk/status.ts";
import { dayOf, ROLLED_UP, writeRollups } from "./rollups.ts";

/** A job's own retention (its `keep` and `keep_failures` keys). */
export interface JobRetention {
  readonly label: string;
  /** The newest `runs` runs, or the runs that started in the last `ms`; absent = the instance's keep. */
  readonly keep?: { readonly runs: number } | { readonly ms: number };
  /** Failing runs are kept at least this long, ms; absent = as the other runs. */
  readonly keepFailuresMs?: number;
}

export interface RetentionPolicy {
  /** The instance's `--keep`, ms: for jobs without their own `keep`, and runs of jobs that are gone. */
  readonly keepMs: number;
  /** Jobs with a `keep` or `keep_failures` of their own. */
  readonly jobs: readonly JobRetention[];
}

export interface PruneReport {
  /** Activity rows deleted. */
  readonly deleted: number;
  /** Roll-ups written (job-days). */
  readonly rolledUp: number;
}

const failing = FAILING_STATUSES.map((s) => `'${s}'`).join(", ");

/** Roll up the days that are over, then delete what the policy no longer keeps, in one transaction. */
export async function prune(client: Client, policy: RetentionPolicy, now: number, dialect: Dialect = "sqlite"): Promise<PruneReport> {
  const today = dayOf(now);
  const statements: InStatement[] = [writeRollups(today, dialect)];
  const own = policy.jobs.filter((j) => j.keep !== undefined || j.keepFailuresMs !== undefined);
  for (const job of own) {
    const keep = job.keep ?? { ms: policy.keepMs };
    const conditions = ["label = ?", "status <> 'running'", ROLLED_UP];
    const args: (string | number)[] = [job.label];
    if ("runs" in keep) {
      conditions.push("id NOT IN (SELECT id FROM activity WHERE label = ? ORDER BY started_at DESC, id DESC LIMIT ?)");
      args.push(job.label, keep.runs);
    } else {
      conditions.push("started_at < ?");
      args.push(now - keep.ms);
    }
    if (job.keepFailuresMs !== undefined) {
      conditions.push(`NOT (status IN (${failing}) AND started_at >= ?)`);
      args.push(now - job.keepFailuresMs);
    }
    statements.push({ sql: `DELETE FROM activity WHERE ${conditions.join(" AND ")}`, args });
  }
  statements.push({
    sql: `DELETE FROM activity WHERE started_at < ? AND status <> 'running' AND label NOT IN (SELECT value FROM json_each(?)) AND ${ROLLED_UP}`,
    args: [now - policy.keepMs, JSON.stringify(own.map((j) => j.label))],
  });
  const deletes = statements.length - 1;
  // Claims only guard occurrences against running twice: older than the oldest run kept, they guard nothing.
  statements.push({
    sql: "DELETE FROM claims WHERE scheduled_for < ? AND scheduled_for < COALESCE((SELECT MIN(a.scheduled_for) FROM activity a WHERE a.label = claims.label), ?)",
    args: [today, today],
  });
  const results = await client.batch(statements, "write");
  let deleted = 0;
  for (let i = 1; i <= deletes; i++) deleted += results[i]?.rowsAffected ?? 0;
  return { deleted, rolledUp: results[0]?.rowsAffected ?? 0 };
}

/** How big the store is: for `scheduler { store }` and /metrics. */
export interface StoreSize {
  /** The database's pages in bytes (page_count × page_size); for a libSQL server, what it reports; on PostgreSQL, pg_database_size. */
  readonly bytes: number;
  /** Rows of run history (activity). */
  readonly runs: number;
  /** Daily roll-ups kept. */
  readonly rollups: number;
}

export async function storeSize(client: Client, dialect: Dialect = "sqlite"): Promise<StoreSize> {
  const bytes = dialect === "postgresql" ? ["SELECT pg_database_size(current_database())", "SELECT 1"] : ["PRAGMA page_count", "PRAGMA page_size"];
  const [pages, size, runs, rollups] = await client.batch(
    [...bytes, "SELECT COUNT(*) AS n FROM activity", "SELECT COUNT(*) AS n FROM rollups"],
    "read",
  );
  const first = (rs: typeof pages) => Number(rs?.rows[0]?.[0] ?? 0);
  return { bytes: first(pages) * first(size), runs: Number(runs?.rows[0]?.n ?? 0), rollups: Number(rollups?.rows[0]?.n ?? 0) };
}
