/**
 * The outbox (notifications, notification_attempts): what the write queue
 * inserts with the runs that raised alerts, what the sender reads and
 * settles, and what the API, `tickd history --alerts` and the dashboard show.
 * Channel addresses leave this file only through redactAddress.
 */
import type { InStatement } from "@libsql/client";
import { and, asc, desc, eq, lte, sql } from "drizzle-orm";
import { notifications, type NotificationRow } from "../../schema/db.ts";
import { redactAddress, type NotifyEvent } from "../config/notify.ts";
import type { Store } from "./client.ts";

/** An alert for one channel, as the notifier raises it. */
export interface OutboxRecord {
  /** Unique per alert and channel; a second insert of the same key adds nothing. */
  readonly key: string;
  readonly label: string;
  readonly event: string;
  readonly runId: string;
  readonly channel: string;
  /** JSON text of the payload. */
  readonly payload: string;
  readonly createdAt: number;
}

const ROWS_PER_STATEMENT = 200;

/** INSERTs of outbox rows, for the write queue's batch (due at once). */
export function outboxStatements(records: readonly OutboxRecord[]): InStatement[] {
  const statements: InStatement[] = [];
  for (let i = 0; i < records.length; i += ROWS_PER_STATEMENT) {
    const chunk = records.slice(i, i + ROWS_PER_STATEMENT);
    const args: (string | number)[] = [];
    for (const r of chunk) args.push(r.key, r.label, r.event, r.runId, r.channel, r.payload, r.createdAt, r.createdAt);
    statements.push({
      sql:
        "INSERT INTO notifications (key, label, event, run_id, channel, payload, next_attempt_at, created_at) VALUES " +
        chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ") +
        " ON CONFLICT(key) DO NOTHING",
      args,
    });
  }
  return statements;
}

/** Pending notifications due at `now`, oldest first. */
export function duePending(store: Store, now: number, limit: number): Promise<NotificationRow[]> {
  return store.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.state, "pending"), lte(notifications.nextAttemptAt, now)))
    .orderBy(asc(notifications.nextAttemptAt), asc(notifications.id))
    .limit(limit);
}

/** When the earliest pending notification is due; null when none is pending. */
export async function nextPendingAt(store: Store): Promise<number | null> {
  const rs = await store.client.execute("SELECT MIN(next_attempt_at) AS at FROM notifications WHERE state = 'pending'");
  const at = rs.rows[0]?.at;
  return at === null || at === undefined ? null : Number(at);
}

/** One delivery attempt's outcome, and what becomes of its notification. */
export interface AttemptOutcome {
  readonly id: number;
  readonly channel: string;
  readonly at: number;
  readonly ok: boolean;
  /** Redacted reason; "" when ok. */
  readonly error: string;
  readonly durationMs: number;
  /** The row's state after it: delivered, failed (given up), or pending again at `nextAttemptAt`. */
  readonly state: "pending" | "delivered" | "failed";
  readonly nextAttemptAt: number;
}

/** Record attempts and settle their rows, in one transaction. */
export async function recordAttempts(store: Store, outcomes: readonly AttemptOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const statements: InStatement[] = [];
  for (const o of outcomes) {
    statements.push({
      sql: "INSERT INTO notification_attempts (notification_id, channel, at, ok, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
      args: [o.id, o.channel, o.at, o.ok ? 1 : 0, o.error, o.durationMs],
    });
    statements.push({
      sql:
        "UPDATE notifications SET state = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?," +
        " ended_at = CASE WHEN ? = 'pending' THEN NULL ELSE ? END WHERE id = ?",
      args: [o.state, o.nextAttemptAt, o.ok ? "" : o.error, o.state, o.at, o.id],
    });
  }
  await store.exclusive(() => store.client.batch(statements, "write"));
}

/** A notification as the API and the CLI show it: the channel redacted. */
export interface NotificationView {
  readonly id: number;
  readonly label: string;
  /** Written only from NOTIFY_EVENTS (the notifier raises nothing else). */
  readonly event: NotifyEvent;
  readonly runId: string;
  /** Redacted. */
  readonly channel: string;
  readonly state: "pending" | "delivered" | "failed";
  readonly attempts: number;
  readonly lastError: string;
  readonly createdAt: number;
  readonly endedAt: number | null;
  readonly nextAttemptAt: number | null;
}

export function viewNotification(row: NotificationRow): NotificationView {
  return {
    id: row.id,
    label: row.label,
    event: row.event as NotifyEvent,
    runId: row.runId,
    channel: redactAddress(row.channel),
    state: row.state,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt,
    endedAt: row.endedAt,
    nextAttemptAt: row.state === "pending" ? row.nextAttemptAt : null,
  };
}

/** The latest notifications, newest first; of one job when `label` is given. */
export async function listNotifications(store: Store, options: { label?: string; first: number }): Promise<NotificationView[]> {
  const rows = await store.db
    .select()
    .from(notifications)
    .where(options.label === undefined ? undefined : eq(notifications.label, options.label))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(options.first);
  return rows.map(viewNotification);
}

/** A channel's record of deliveries, from its attempts. */
export interface ChannelHealth {
  /** Redacted. */
  readonly channel: string;
  /** Its latest attempt failed. */
  readonly failing: boolean;
  /** Failed attempts since its last success (or ever). */
  readonly failuresInRow: number;
  readonly lastError: string;
  readonly lastAttemptAt: number;
  readonly lastSuccessAt: number | null;
  /** Notifications that ended failed (all attempts used). */
  readonly gaveUp: number;
  readonly pending: number;
}

/** Every channel that has been tried, failing ones first. */
export async function channelHealth(store: Store): Promise<ChannelHealth[]> {
  // `ok` is 0/1 on SQLite, a boolean on PostgreSQL.
  const [isOk, notOk] = store.dialect === "postgresql" ? ["ok", "NOT f.ok"] : ["ok = 1", "f.ok = 0"];
  const rs = await store.client.execute(
    `WITH ok AS (SELECT channel, MAX(at) AS at FROM notification_attempts WHERE ${isOk} GROUP BY channel),
          last AS (SELECT channel, MAX(id) AS id FROM notification_attempts GROUP BY channel)
     SELECT a.channel AS channel, a.ok AS ok, a.error AS error, a.at AS at, ok.at AS ok_at,
            (SELECT COUNT(*) FROM notification_attempts f WHERE f.channel = a.channel AND ${notOk} AND f.at > COALESCE(ok.at, -1)) AS in_row,
            (SELECT COUNT(*) FROM notifications n WHERE n.channel = a.channel AND n.state = 'failed') AS gave_up,
            (SELECT COUNT(*) FROM notifications n WHERE n.channel = a.channel AND n.state = 'pending') AS pending
     FROM last JOIN notification_attempts a ON a.id = last.id LEFT JOIN ok ON ok.channel = a.channel`,
  );
  const byChannel = new Map<string, ChannelHealth>();
  for (const r of rs.rows) {
    const shown = redactAddress(String(r.channel));
    const health: ChannelHealth = {
      channel: shown,
      failing: Number(r.ok) === 0,
      failuresInRow: Number(r.in_row),
      lastError: String(r.error),
      lastAttemptAt: Number(r.at),
      lastSuccessAt: r.ok_at === null ? null : Number(r.ok_at),
      gaveUp: Number(r.gave_up),
      pending: Number(r.pending),
    };
    // Two addresses that differ only in their secrets show as one: the failing one wins.
    const seen = byChannel.get(shown);
    if (!seen || (health.failing && !seen.failing)) byChannel.set(shown, health);
  }
  return [...byChannel.values()].sort((a, b) => Number(b.failing) - Number(a.failing) || a.channel.localeCompare(b.channel));
}

/** Per job, its latest streak alert (any event but slow), for the notifier's state after a restart. */
export async function latestStreakAlerts(store: Store): Promise<Map<string, { event: string; createdAt: number }>> {
  if (store.dialect === "postgresql") {
    // SQLite takes the bare column `event` from the row holding MAX(created_at); PostgreSQL says so with DISTINCT ON.
    const pg = await store.client.execute(
      "SELECT DISTINCT ON (label) label, event, created_at FROM notifications WHERE event <> 'slow' ORDER BY label, created_at DESC, id DESC",
    );
    return new Map(pg.rows.map((r) => [String(r.label), { event: String(r.event), createdAt: Number(r.created_at) }]));
  }
  const rs = await store.db
    .select({ label: notifications.label, event: notifications.event, createdAt: sql<number>`MAX(${notifications.createdAt})` })
    .from(notifications)
    .where(sql`${notifications.event} <> 'slow'`)
    .groupBy(notifications.label);
  return new Map(rs.map((r) => [r.label, { event: r.event, createdAt: Number(r.createdAt) }]));
}
