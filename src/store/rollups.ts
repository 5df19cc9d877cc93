/**
 * Daily roll-ups: per job and UTC day, its runs by status and the p50, p95 and
 * maximum duration of the runs that did work (TIMED_STATUSES). The prune writes
 * them (retention.ts) for each day that is over and has no run still going,
 * in the same transaction that then deletes runs, and deletes only runs whose
 * day has its roll-up: so a chart of last year reads roll-ups where the runs
 * are gone. For days not rolled up yet (today), readers compute the same row
 * from the runs, by the same SQL.
 *
 * Percentiles are nearest-rank (the smallest duration with at least p% of the
 * day's durations at or below it), exact: a day is rolled up once, from all its runs.
 */
import type { InStatement } from "@libsql/client";
import type { RollupRow } from "../../schema/db.ts";
import type { Dialect } from "./dialect.ts";
import { TIMED_STATUSES } from "../sdk/status.ts";
import type { Store } from "./client.ts";

export const DAY_MS = 86_400_000;

/** Midnight (UTC) of the day holding `at`, epoch ms. */
export function dayOf(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}

const timed = TIMED_STATUSES.map((s) => `'${s}'`).join(", ");

/**
 * SELECT label, day, runs, statuses, p50_ms, p95_ms, max_ms over the finished
 * runs that `where` (over activity, aliased a) admits, one row per label and day.
 * Days holding a running run are left out when `complete` (they are not over yet).
 */
function rollupQuery(where: string, complete: boolean): string {
  return `WITH r AS (
      SELECT a.label AS label, (a.started_at / ${DAY_MS}) * ${DAY_MS} AS day, a.status AS status,
             CASE WHEN a.status IN (${timed}) AND a.ended_at IS NOT NULL THEN a.ended_at - a.started_at END AS d
      FROM activity a WHERE ${where}
    ),
    open_days AS (SELECT DISTINCT label, day FROM r WHERE status = 'running'),
    f AS (SELECT * FROM r WHERE status <> 'running'${complete ? " AND NOT EXISTS (SELECT 1 FROM open_days o WHERE o.label = r.label AND o.day = r.day)" : ""}),
    by_status AS (SELECT label, day, status, COUNT(*) AS n FROM f GROUP BY label, day, status),
    ranked AS (SELECT label, day, d, ROW_NUMBER() OVER (PARTITION BY label, day ORDER BY d) AS rn, COUNT(*) OVER (PARTITION BY label, day) AS n FROM f WHERE d IS NOT NULL),
    pct AS (SELECT label, day, MIN(CASE WHEN rn * 100 >= 50 * n THEN d END) AS p50, MIN(CASE WHEN rn * 100 >= 95 * n THEN d END) AS p95, MAX(d) AS mx FROM ranked GROUP BY label, day)
    SELECT s.label AS label, s.day AS day, SUM(s.n) AS runs, json_group_object(s.status, s.n) AS statuses,
           MAX(p.p50) AS p50_ms, MAX(p.p95) AS p95_ms, MAX(p.mx) AS max_ms
    FROM by_status s LEFT JOIN pct p ON p.label = s.label AND p.day = s.day
    GROUP BY s.label, s.day`;
}

/**
 * The statement that writes the roll-ups of every day before `before` (a UTC
 * midnight) not rolled up yet. Only days from the latest rolled-up day on are
 * read (and those holding a run still going): earlier ones were complete at an earlier prune.
 */
export function writeRollups(before: number, dialect: Dialect = "sqlite"): InStatement {
  // A day left out because a run was still going is read again until it is rolled up.
  // (SQLite's two-argument MIN is NULL when an argument is; PostgreSQL's LEAST
  // skips NULLs, so there the missing latest day is 0, which gives the same answer.)
  const latest = dialect === "postgresql" ? "LEAST(COALESCE((SELECT MAX(day) FROM rollups), 0)" : "MIN((SELECT MAX(day) FROM rollups)";
  const where = `a.started_at < ? AND a.started_at >= COALESCE(${latest}, COALESCE((SELECT (MIN(started_at) / ${DAY_MS}) * ${DAY_MS} FROM activity WHERE status = 'running'), ${Number.MAX_SAFE_INTEGER})), 0)
    AND NOT EXISTS (SELECT 1 FROM rollups x WHERE x.label = a.label AND x.day = (a.started_at / ${DAY_MS}) * ${DAY_MS})`;
  return { sql: `INSERT OR IGNORE INTO rollups (label, day, runs, statuses, p50_ms, p95_ms, max_ms) ${rollupQuery(where, true)}`, args: [before] };
}

/** SQL true for an activity row (alias `activity`) whose day is rolled up: only these may be deleted. */
export const ROLLED_UP = `EXISTS (SELECT 1 FROM rollups x WHERE x.label = activity.label AND x.day = (activity.started_at / ${DAY_MS}) * ${DAY_MS})`;

/** A job's day, as charts read it. */
export interface DailyRollup {
  readonly label: string;
  /** UTC midnight, epoch ms. */
  readonly day: number;
  readonly runs: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly maxMs: number | null;
}

function fromRow(row: Record<string, unknown>): DailyRollup {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const statuses = typeof row.statuses === "string" ? (JSON.parse(row.statuses) as Record<string, number>) : ((row.statuses ?? {}) as Record<string, number>);
  return { label: String(row.label), day: Number(row.day), runs: Number(row.runs), statuses, p50Ms: num(row.p50_ms), p95Ms: num(row.p95_ms), maxMs: num(row.max_ms) };
}

/**
 * The days of `labels` from `since` to before `until` (epoch ms), oldest
 * first: stored roll-ups, and for the days without one, the same row computed
 * from the runs still there (today; a day with a run still going).
 */
export async function dailyRollups(store: Store, labels: readonly string[], since: number, until: number): Promise<DailyRollup[]> {
  if (labels.length === 0) return [];
  const list = JSON.stringify([...new Set(labels)]);
  const from = dayOf(since);
  const [stored, live] = await store.client.batch(
    [
      { sql: "SELECT label, day, runs, statuses, p50_ms, p95_ms, max_ms FROM rollups WHERE label IN (SELECT value FROM json_each(?)) AND day >= ? AND day < ?", args: [list, from, until] },
      {
        sql: rollupQuery(
          `a.label IN (SELECT value FROM json_each(?)) AND a.started_at >= ? AND a.started_at < ?
           AND NOT EXISTS (SELECT 1 FROM rollups x WHERE x.label = a.label AND x.day = (a.started_at / ${DAY_MS}) * ${DAY_MS})`,
          false,
        ),
        args: [list, from, until],
      },
    ],
    "read",
  );
  const rows = [...(stored?.rows ?? []), ...(live?.rows ?? [])].map((r) => fromRow(r as unknown as Record<string, unknown>));
  return rows.sort((a, b) => a.day - b.day || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

export type { RollupRow };
