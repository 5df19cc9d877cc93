/**
 * Reading run history (the activity table) for the API, the CLI and /metrics.
 * Writes go through the engine's queue (write-queue.ts), never through here.
 */
import { Buffer } from "node:buffer";
import { and, count, desc, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { activity, type ActivityRow } from "../../schema/db.ts";
import { FAILING_STATUSES, type Status } from "../sdk/index.ts";
import { TickdError } from "../errors.ts";
import type { Store } from "./client.ts";

/** Which runs: the `activities` query's filter and `tickd history`'s, epoch ms. */
export interface ActivityFilter {
  /** Exact job label. */
  readonly label?: string;
  /** Any of these statuses; empty or absent = all. */
  readonly statuses?: readonly Status[];
  /** Runs that started at or after this instant, epoch ms. */
  readonly since?: number;
  /** Runs that started before this instant, epoch ms. */
  readonly until?: number;
  /** Any of these triggers; empty or absent = all. */
  readonly triggers?: readonly string[];
  /** Runs of the jobs an app registered (discovered jobs' `app`). */
  readonly app?: string;
  /** Case-insensitive substring of the run's message. */
  readonly search?: string;
}

export interface ListActivitiesOptions extends ActivityFilter {
  /** Page size, 1..1000. */
  readonly first: number;
  /** Cursor of the last row of the previous page (endCursor). */
  readonly after?: string;
}

export interface ActivityPage {
  /** Newest first (started_at, then id, descending). */
  readonly rows: readonly ActivityRow[];
  readonly hasNextPage: boolean;
  /** Cursor of the last row; null on an empty page. */
  readonly endCursor: string | null;
}

/** Largest page listActivities returns. */
export const MAX_PAGE_SIZE = 1000;

/**
 * Opaque, stable cursor of a row: its position in the newest-first order
 * (started_at, id). Stable under inserts and deletes of other rows.
 */
export function activityCursor(row: Pick<ActivityRow, "startedAt" | "id">): string {
  return Buffer.from(`a1:${row.startedAt}:${row.id}`).toString("base64url");
}

export function decodeActivityCursor(cursor: string): { startedAt: number; id: number } {
  const m = /^a1:(-?\d+):(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw new TickdError("usage", `invalid activity cursor ${JSON.stringify(cursor)}; pass an endCursor from a previous page`);
  return { startedAt: Number(m[1]), id: Number(m[2]) };
}

export function filterConditions(f: ActivityFilter): SQL[] {
  const conditions: SQL[] = [];
  if (f.label !== undefined) conditions.push(eq(activity.label, f.label));
  if (f.statuses && f.statuses.length > 0) conditions.push(inArray(activity.status, [...f.statuses]));
  if (f.since !== undefined) conditions.push(gte(activity.startedAt, f.since));
  if (f.until !== undefined) conditions.push(lt(activity.startedAt, f.until));
  if (f.triggers && f.triggers.length > 0) conditions.push(inArray(activity.trigger, [...f.triggers]));
  if (f.app !== undefined) conditions.push(sql`${activity.label} IN (SELECT label FROM jobs WHERE app = ${f.app})`);
  if (f.search !== undefined && f.search !== "") {
    const needle = `%${f.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql`lower(${activity.message}) LIKE ${needle} ESCAPE '\\'`);
  }
  return conditions;
}

export async function listActivities(store: Store, options: ListActivitiesOptions): Promise<ActivityPage> {
  if (!Number.isInteger(options.first) || options.first < 1 || options.first > MAX_PAGE_SIZE) {
    throw new TickdError("usage", `first must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${options.first}`);
  }
  const conditions = filterConditions(options);
  if (options.after !== undefined) {
    const c = decodeActivityCursor(options.after);
    conditions.push(or(lt(activity.startedAt, c.startedAt), and(eq(activity.startedAt, c.startedAt), lt(activity.id, c.id)))!);
  }
  const rows = await store.db
    .select()
    .from(activity)
    .where(and(...conditions))
    .orderBy(desc(activity.startedAt), desc(activity.id))
    .limit(options.first + 1);
  const hasNextPage = rows.length > options.first;
  const page = hasNextPage ? rows.slice(0, options.first) : rows;
  const last = page.at(-1);
  return { rows: page, hasNextPage, endCursor: last ? activityCursor(last) : null };
}

/** How many runs match a filter (for connection totalCount). */
export async function countActivities(store: Store, filter: ActivityFilter = {}): Promise<number> {
  const [row] = await store.db.select({ n: count() }).from(activity).where(and(...filterConditions(filter)));
  return row?.n ?? 0;
}

export async function getActivity(store: Store, runId: string): Promise<ActivityRow | undefined> {
  const [row] = await store.db.select().from(activity).where(eq(activity.runId, runId)).limit(1);
  return row;
}

/** The latest run (by start) of a job, or undefined. */
export async function lastRun(store: Store, label: string): Promise<ActivityRow | undefined> {
  const [row] = await store.db.select().from(activity).where(eq(activity.label, label)).orderBy(desc(activity.startedAt), desc(activity.id)).limit(1);
  return row;
}

/** The latest run of each label, in one query; labels without runs are absent from the map. */
export async function lastRuns(store: Store, labels: readonly string[]): Promise<Map<string, ActivityRow>> {
  const result = new Map<string, ActivityRow>();
  if (labels.length === 0) return result;
  // One correlated lookup per label over the (label, started_at) index.
  const latestIds = sql`(SELECT (SELECT b.id FROM activity b WHERE b.label = l.value ORDER BY b.started_at DESC, b.id DESC LIMIT 1) FROM json_each(${JSON.stringify([...new Set(labels)])}) l)`;
  const rows = await store.db.select().from(activity).where(inArray(activity.id, latestIds));
  for (const row of rows) result.set(row.label, row);
  return result;
}

/**
 * The newest `count` runs of each label, newest first, in one query (one
 * index walk per label): the job table's strip of recent runs.
 */
export async function recentRuns(store: Store, labels: readonly string[], count: number): Promise<Map<string, ActivityRow[]>> {
  const result = new Map<string, ActivityRow[]>();
  if (labels.length === 0 || count < 1) return result;
  const ids = sql`(SELECT b.id FROM json_each(${JSON.stringify([...new Set(labels)])}) l JOIN activity b ON b.id IN (SELECT c.id FROM activity c WHERE c.label = l.value ORDER BY c.started_at DESC, c.id DESC LIMIT ${count}))`;
  const rows = await store.db.select().from(activity).where(inArray(activity.id, ids)).orderBy(desc(activity.startedAt), desc(activity.id));
  for (const row of rows) {
    const list = result.get(row.label) ?? [];
    list.push(row);
    result.set(row.label, list);
  }
  return result;
}

/** Number of runs per status (e.g. { success: 120, failure: 3 }). */
export async function countsByStatus(store: Store): Promise<Record<string, number>> {
  const rows = await store.db.select({ status: activity.status, n: count() }).from(activity).groupBy(activity.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** Number of runs per job and status. */
export async function countsByJobAndStatus(store: Store): Promise<{ label: string; status: string; count: number }[]> {
  const rows = await store.db
    .select({ label: activity.label, status: activity.status, n: count() })
    .from(activity)
    .groupBy(activity.label, activity.status)
    .orderBy(activity.label, activity.status);
  return rows.map((r) => ({ label: r.label, status: r.status, count: r.n }));
}

/** What /metrics starts from for one job: its history as recorded, epoch ms. */
export interface JobHealth {
  /** When its last successful run ended; null when none is recorded. */
  readonly lastSuccessAt: number | null;
  /** When its last finished run started. */
  readonly lastRunAt: number | null;
  /**
   * Occurrences that went wrong (FAILING_STATUSES) since its last success,
   * each by its outcome: an attempt followed by a later attempt of the same
   * occurrence (a retry) is not counted, whatever became of the retry.
   */
  readonly failuresInRow: number;
}

/**
 * Every recorded job's health, in one query (the history within retention).
 * The service reads it once at start, for the notifier and /metrics.
 */
/**
 * Whether activity row `a` counts in its job's failure streak: it went wrong
 * (FAILING_STATUSES) and is its occurrence's last attempt, so a failure its
 * retry made good counts for nothing. The one rule for /metrics, the notifier
 * after a restart, and the dashboard's marks.
 */
function countsInStreak(a: string): string {
  const failing = FAILING_STATUSES.map((s) => `'${s}'`).join(", ");
  return `${a}.status IN (${failing}) AND NOT EXISTS (SELECT 1 FROM activity r WHERE r.label = ${a}.label AND r.scheduled_for = ${a}.scheduled_for AND r.attempt > ${a}.attempt)`;
}

export async function jobHealth(store: Store): Promise<Map<string, JobHealth>> {
  const rs = await store.client.execute(
    `WITH last_ok AS (SELECT label, MAX(started_at) AS at FROM activity WHERE status = 'success' GROUP BY label)
     SELECT a.label AS label,
            MAX(CASE WHEN a.status = 'success' THEN a.ended_at END) AS last_success,
            MAX(CASE WHEN a.status <> 'running' THEN a.started_at END) AS last_run,
            SUM(CASE WHEN ${countsInStreak("a")} AND a.started_at > COALESCE(o.at, -1) THEN 1 ELSE 0 END) AS failing
     FROM activity a LEFT JOIN last_ok o ON o.label = a.label
     GROUP BY a.label`,
  );
  const health = new Map<string, JobHealth>();
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  for (const row of rs.rows) {
    health.set(String(row.label), { lastSuccessAt: num(row.last_success), lastRunAt: num(row.last_run), failuresInRow: Number(row.failing ?? 0) });
  }
  return health;
}

/** What makes a job stand out in the dashboard's job table (issue 15), epoch ms. */
export interface JobFlags {
  /** Occurrences that went wrong since its last success (countsInStreak); skipped and cancelled runs neither break nor extend it. */
  readonly failuresInRow: number;
  /** Start of its oldest run still recorded `running`; null when none goes on. */
  readonly runningSince: number | null;
  /** Start of its newest `missed` record at or after `missedSince`; null when none. */
  readonly lastMissedAt: number | null;
}

/**
 * The flags of these jobs in three queries, whatever their history's size:
 * the streak walks each job's (label, started_at) index back to its last
 * success only; running and missed rows are few, found by the status index.
 */
export async function jobFlags(store: Store, labels: readonly string[], missedSince: number): Promise<Map<string, JobFlags>> {
  const result = new Map<string, JobFlags>();
  if (labels.length === 0) return result;
  const list = JSON.stringify([...new Set(labels)]);
  const [streaks, running, missed] = await Promise.all([
    store.client.execute({
      sql: `SELECT l.value AS label,
              (SELECT COUNT(*) FROM activity a WHERE a.label = l.value AND ${countsInStreak("a")}
                 AND a.started_at > COALESCE((SELECT s.started_at FROM activity s WHERE s.label = l.value AND s.status = 'success' ORDER BY s.started_at DESC LIMIT 1), -1)) AS failing
            FROM json_each(?) l`,
      args: [list],
    }),
    store.client.execute({ sql: "SELECT label, MIN(started_at) AS since FROM activity WHERE status = 'running' AND label IN (SELECT value FROM json_each(?)) GROUP BY label", args: [list] }),
    store.client.execute({
      sql: "SELECT label, MAX(started_at) AS at FROM activity WHERE status = 'missed' AND started_at >= ? AND label IN (SELECT value FROM json_each(?)) GROUP BY label",
      args: [missedSince, list],
    }),
  ]);
  const since = new Map(running.rows.map((r) => [String(r.label), Number(r.since)]));
  const missedAt = new Map(missed.rows.map((r) => [String(r.label), Number(r.at)]));
  for (const row of streaks.rows) {
    const label = String(row.label);
    result.set(label, { failuresInRow: Number(row.failing ?? 0), runningSince: since.get(label) ?? null, lastMissedAt: missedAt.get(label) ?? null });
  }
  return result;
}
