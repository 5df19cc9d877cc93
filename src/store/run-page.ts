/**
 * Pages of runs in any of the orders the API offers (by when the occurrence
 * was due, when the run started, or how long it took; either direction),
 * forwards (first/after) or backwards (last/before). Keyset paging: a cursor
 * is a row's position in its order (the sort value, then the row id), so
 * pages stay stable while runs are added and pruned.
 */
import { and, asc, desc, eq, gt, lt, or, sql, type SQL } from "drizzle-orm";
import { activity, type ActivityRow } from "../../schema/db.ts";
import { filterConditions, MAX_PAGE_SIZE, type ActivityFilter } from "./activity.ts";
import type { Store } from "./client.ts";

/** What runs can be ordered by. `duration` sorts runs still going (no end yet) as the shortest. */
export const RUN_ORDER_FIELDS = ["scheduledFor", "startedAt", "duration"] as const;
export type RunOrderField = (typeof RUN_ORDER_FIELDS)[number];
export const ORDER_DIRECTIONS = ["asc", "desc"] as const;
export type OrderDirection = (typeof ORDER_DIRECTIONS)[number];

export interface RunOrder {
  readonly field: RunOrderField;
  readonly direction: OrderDirection;
}

/** A row's position in an order: its sort value and id. */
export interface RunPosition {
  readonly value: number;
  readonly id: number;
}

export interface ListRunsOptions {
  readonly filter: ActivityFilter;
  readonly order: RunOrder;
  /** Exactly one of first and last: the page size, 0..MAX_PAGE_SIZE. */
  readonly first?: number;
  readonly last?: number;
  /** Rows strictly after / before these positions in the order. */
  readonly after?: RunPosition;
  readonly before?: RunPosition;
}

export interface RunPage {
  /** In the order asked for, whichever way the page was read. */
  readonly rows: readonly { readonly row: ActivityRow; readonly position: RunPosition }[];
  /** first: more rows after this page; last: more rows before it. */
  readonly more: boolean;
}

function sortKey(field: RunOrderField): SQL<number> {
  if (field === "scheduledFor") return sql<number>`${activity.scheduledFor}`;
  if (field === "startedAt") return sql<number>`${activity.startedAt}`;
  return sql<number>`coalesce(${activity.endedAt} - ${activity.startedAt}, -1)`;
}

/** The row's sort value, as the SQL computes it. */
export function runSortValue(row: Pick<ActivityRow, "scheduledFor" | "startedAt" | "endedAt">, field: RunOrderField): number {
  if (field === "scheduledFor") return row.scheduledFor;
  if (field === "startedAt") return row.startedAt;
  return row.endedAt === null ? -1 : row.endedAt - row.startedAt;
}

/** Rows past `p` going `direction` (asc: greater). */
function beyond(key: SQL<number>, p: RunPosition, direction: OrderDirection): SQL {
  const cmp = direction === "asc" ? gt : lt;
  return or(cmp(key, p.value), and(eq(key, p.value), cmp(activity.id, p.id)))!;
}

export async function listRuns(store: Store, options: ListRunsOptions): Promise<RunPage> {
  const size = options.first ?? options.last ?? 0;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) throw new RangeError(`page size must be 0..${MAX_PAGE_SIZE}, got ${size}`);
  if (size === 0) return { rows: [], more: false };
  const { field, direction } = options.order;
  const key = sortKey(field);
  const opposite: OrderDirection = direction === "asc" ? "desc" : "asc";
  const conditions = filterConditions(options.filter);
  if (options.after) conditions.push(beyond(key, options.after, direction));
  if (options.before) conditions.push(beyond(key, options.before, opposite));
  // Backwards: read the order reversed from `before`, then turn the page round.
  const reading = options.last !== undefined ? opposite : direction;
  const by = reading === "asc" ? asc : desc;
  const rows = await store.db
    .select()
    .from(activity)
    .where(and(...conditions))
    .orderBy(by(key), by(activity.id))
    .limit(size + 1);
  const more = rows.length > size;
  const page = more ? rows.slice(0, size) : rows;
  if (options.last !== undefined) page.reverse();
  return { rows: page.map((row) => ({ row, position: { value: runSortValue(row, field), id: row.id } })), more };
}
