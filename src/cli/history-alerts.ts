/**
 * `tickd history --alerts [LABEL]`: the latest alerts from the outbox, newest
 * first — each one's event, channel (redacted), delivery state and attempts.
 */
import { listNotifications, type NotificationView } from "../store/notifications.ts";
import type { Store } from "../store/index.ts";

export async function alertHistory(store: Store, label: string | undefined, limit: number): Promise<NotificationView[]> {
  return listNotifications(store, { ...(label !== undefined && { label }), first: limit });
}

/** The alerts as the API's Notification shows them (its fields; the outbox's row id is the store's own). */
export function alertsJson(rows: readonly NotificationView[]): string {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return JSON.stringify(
    rows.map(({ id: _rowId, ...r }) => ({ ...r, createdAt: iso(r.createdAt), endedAt: iso(r.endedAt), nextAttemptAt: iso(r.nextAttemptAt) })),
    null,
    2,
  );
}

export function alertsTable(rows: readonly NotificationView[], zone: string): string {
  const when = new Intl.DateTimeFormat("sv-SE", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  const header = [`RAISED (${zone})`, "LABEL", "EVENT", "STATE", "ATTEMPTS", "CHANNEL", "LAST ERROR"];
  const cells = rows.map((r) => [when.format(r.createdAt), r.label, r.event, r.state, String(r.attempts), r.channel, r.lastError.split("\n")[0]!.slice(0, 60)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), ...cells.map(line)].join("\n");
}
