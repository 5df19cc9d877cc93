/**
 * ApiDeps from the real parts: the engine (SchedulerControl), the catalog of
 * jobs (src/jobs/) and the store's activity repository. The run command calls
 * `createApiDeps` and hands the result to startApi.
 */
import type { RunRecord, SchedulerControl, Trigger } from "../engine/types.ts";
import { TickdError } from "../errors.ts";
import type { JobCatalog } from "../jobs/index.ts";
import type { Status } from "../sdk/index.ts";
import type { Store } from "../store/client.ts";
import { activityCursor, countActivities, countsByStatus, getActivity, jobFlags, jobHealth, listActivities, lastRuns, recentRuns } from "../store/activity.ts";
import { dailyRollups } from "../store/rollups.ts";
import { listRuns } from "../store/run-page.ts";
import type { ActivityRow } from "../../schema/db.ts";
import type { ActivityReader, ApiDeps, NotificationReader } from "./context.ts";
import type { Sender } from "../notify/index.ts";
import { channelHealth, listNotifications } from "../store/notifications.ts";

export interface WiringOptions {
  readonly scheduler: SchedulerControl;
  readonly store: Store;
  /** The instance's catalog of jobs, attached to `scheduler` (src/jobs/). */
  readonly catalog: JobCatalog;
  readonly version: string;
  /** The outbox's sender: its counts and failing channels reach /metrics and the API. */
  readonly sender?: Sender;
}

export function runFromRow(row: ActivityRow): RunRecord {
  return {
    runId: row.runId,
    label: row.label,
    scheduledFor: row.scheduledFor,
    startedAt: row.startedAt,
    ...(row.endedAt !== null && { endedAt: row.endedAt }),
    status: row.status as Status,
    message: row.message,
    output: row.output,
    error: row.error,
    attempt: row.attempt,
    trigger: row.trigger as Trigger,
    instance: row.instance,
    ...(row.kwargs !== null && { kwargs: row.kwargs }),
  };
}

export function activityReader(store: Store): ActivityReader {
  return {
    async list(filter, first, after) {
      if (first === 0) return { items: [], hasNextPage: false };
      const page = await listActivities(store, { ...filter, first, ...(after !== undefined && { after }) });
      return { items: page.rows.map((row) => ({ run: runFromRow(row), cursor: activityCursor(row) })), hasNextPage: page.hasNextPage };
    },
    async page(filter, options) {
      const page = await listRuns(store, { filter, ...options });
      return { items: page.rows.map(({ row, position }) => ({ run: runFromRow(row), position })), more: page.more };
    },
    count: (filter) => countActivities(store, filter),
    async get(runId) {
      const row = await getActivity(store, runId);
      return row ? runFromRow(row) : null;
    },
    async lastRuns(labels) {
      const rows = await lastRuns(store, labels);
      return new Map([...rows].map(([label, row]) => [label, runFromRow(row)]));
    },
    async recentRuns(labels, count) {
      const rows = await recentRuns(store, labels, count);
      return new Map([...rows].map(([label, list]) => [label, list.map(runFromRow)]));
    },
    rollups: (labels, since, until) => dailyRollups(store, labels, since, until),
    countsByStatus: async () => (await countsByStatus(store)) as Partial<Record<Status, number>>,
    jobHealth: () => jobHealth(store),
    jobFlags: (labels, missedSince) => jobFlags(store, labels, missedSince),
  };
}

export function createApiDeps(options: WiringOptions): ApiDeps {
  const { scheduler, store, catalog } = options;
  return {
    scheduler,
    jobs: catalog,
    activities: activityReader(store),
    version: options.version,
    storeSize: () => store.size(),
    ...(options.sender !== undefined && { notifications: notificationReader(store, options.sender) }),
    async ping() {
      await store.client.execute("SELECT 1");
      const health = store.health();
      if (!health.ok) throw new TickdError("store", health.reason ?? "the store does not take writes");
    },
  };
}

export function notificationReader(store: Store, sender: Sender): NotificationReader {
  return {
    list: (options) => listNotifications(store, options),
    channels: () => channelHealth(store),
    counts: () => sender.counts,
  };
}
