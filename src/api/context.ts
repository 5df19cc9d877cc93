/**
 * What the API needs from the rest of tickd, kept narrow so the run command's
 * wiring is a handful of lines and tests can pass real parts. Nothing here is
 * Bun-specific.
 */
import type { RunRecord, SchedulerControl } from "../engine/types.ts";
import type { JobCatalog } from "../jobs/index.ts";
import type { Status } from "../sdk/index.ts";
import type { Role } from "./auth.ts";
import type { SubscriptionGauge } from "./pubsub.ts";
import type { EventLog } from "./events.ts";

/** Filters of the `activities` query, already validated and converted to epoch ms: the store's. */
export type { ActivityFilter } from "../store/activity.ts";
import type { ActivityFilter, JobFlags, JobHealth } from "../store/activity.ts";
import type { DailyRollup } from "../store/rollups.ts";
import type { RunOrder, RunPosition } from "../store/run-page.ts";
import type { StoreSize } from "../store/retention.ts";
import type { ChannelHealth, NotificationView } from "../store/notifications.ts";
import type { NotifyOutcome } from "../notify/index.ts";

/** One page of runs, newest first, each with an opaque cursor the store understands. */
export interface ActivityPage {
  readonly items: readonly { readonly run: RunRecord; readonly cursor: string }[];
  readonly hasNextPage: boolean;
}

/** One page of runs in a chosen order (the `runs` connections), positions as the store's keyset. */
export interface RunPageResult {
  readonly items: readonly { readonly run: RunRecord; readonly position: RunPosition }[];
  /** first: more after this page; last: more before it. */
  readonly more: boolean;
}

/** Read side of the activity table (src/store). */
export interface ActivityReader {
  /** Runs in `order`, forwards (first/after) or backwards (last/before); optional (the `runs` connections need it). */
  page?(filter: ActivityFilter, options: { order: RunOrder; first?: number; last?: number; after?: RunPosition; before?: RunPosition }): Promise<RunPageResult>;
  /** Newest first (startedAt desc, then insertion order desc); `after` is a cursor from a previous page. */
  list(filter: ActivityFilter, first: number, after?: string): Promise<ActivityPage>;
  get(runId: string): Promise<RunRecord | null>;
  /** How many runs match (all pages); optional. */
  count?(filter: ActivityFilter): Promise<number>;
  /** The most recent finished-or-running run per label; labels without runs are absent. */
  lastRuns(labels: readonly string[]): Promise<ReadonlyMap<string, RunRecord>>;
  /** Number of recorded runs per status (all time, within retention). */
  countsByStatus(): Promise<Partial<Record<Status, number>>>;
  /** The newest `count` runs of each label, newest first; labels without runs are absent. */
  recentRuns(labels: readonly string[], count: number): Promise<ReadonlyMap<string, readonly RunRecord[]>>;
  /** Daily roll-ups of these jobs from `since` to before `until` (stored, or computed for days not rolled up yet), oldest first. */
  rollups(labels: readonly string[], since: number, until: number): Promise<readonly DailyRollup[]>;
  /** Each recorded job's last success, last run and failure streak: where /metrics starts from. Optional. */
  jobHealth?(): Promise<ReadonlyMap<string, JobHealth>>;
  /** These jobs' failure streaks, runs going on and missed records since `missedSince` (Job.health). Optional. */
  jobFlags?(labels: readonly string[], missedSince: number): Promise<ReadonlyMap<string, JobFlags>>;
}

/** The outbox as the API shows it (src/store/notifications.ts): channels redacted. */
export interface NotificationReader {
  /** Newest first; one job's when `label` is given. */
  list(options: { label?: string; first: number }): Promise<readonly NotificationView[]>;
  /** Every channel tried, failing ones first. */
  channels(): Promise<readonly ChannelHealth[]>;
  /** Delivery attempts since start, by outcome (tickd_notifications_total). */
  counts(): Readonly<Record<NotifyOutcome, number>>;
}

export interface ApiDeps {
  readonly scheduler: SchedulerControl;
  /**
   * The catalog of jobs and the operator's decisions (src/jobs/): what a job
   * is, whether it is on and who said so, the problems of jobs left out, and
   * activate/deactivate, schedule, run now, discover, export, reload.
   */
  readonly jobs: JobCatalog;
  readonly activities: ActivityReader;
  /** tickd's version (src/version.ts) */
  readonly version: string;
  /** The store's size (bytes, rows), for `scheduler { store }` and /metrics. Optional. */
  storeSize?(): Promise<StoreSize>;
  /** Alerts and their delivery; absent when the instance sends none (tests). */
  readonly notifications?: NotificationReader;
  /** A cheap store round trip for /healthz; throws when the store is unreachable. Optional. */
  ping?(): Promise<void>;
}

/** Per-request context handed to every resolver. */
export interface ApiContext {
  readonly deps: ApiDeps;
  /** The caller's role; null when unauthenticated (only /healthz and /metrics are then served). */
  readonly role: Role | null;
  /** "cli" when the tickd CLI sent the request; recorded with pauses and cancels. */
  readonly via?: "cli";
  /** The events subscriptions read, with ids to resume from (events.ts). */
  readonly events: EventLog;
  /** The id a reconnecting client last saw (Last-Event-ID, or extensions.lastEventId); its subscription resumes after it. */
  readonly lastEventId?: string;
  /** Ids of the events this operation's subscription has yielded and not yet answered (sse.ts takes them in order). */
  readonly eventIds: string[];
  /** Counts open subscriptions (every subscribe resolver wraps its stream in it). */
  readonly subscriptions: SubscriptionGauge;
  /** Batches lastRun lookups of one request into one store query. */
  readonly lastRun: (label: string) => Promise<RunRecord | null>;
  /** The API's clock (the process's one clock), epoch ms. */
  readonly now: () => number;
  /** Batches Job.recentRuns of one request into one store query. */
  readonly recentRuns: (label: string, count: number) => Promise<readonly RunRecord[]>;
  /** Batches Job.health of one request into one store round (three queries); null when the store has no history of the job. */
  readonly jobFlags: (label: string) => Promise<JobFlags | null>;
}
