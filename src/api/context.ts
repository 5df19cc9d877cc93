/**
 * What the API needs from the rest of tickd, kept narrow so the run command's
 * wiring is a handful of lines and tests can pass real parts. Nothing here is
 * Bun-specific.
 */
import type { JobSpec } from "../config/types.ts";
import type { JobState, ReloadSummary, RunRecord, SchedulerControl } from "../engine/types.ts";
import type { Status } from "../sdk/index.ts";
import type { Role } from "./auth.ts";
import type { ApiPubSub, SubscriptionGauge } from "./pubsub.ts";

/** Filters of the `activities` query, already validated and converted to epoch ms: the store's. */
export type { ActivityFilter } from "../store/activity.ts";
import type { ActivityFilter, JobHealth } from "../store/activity.ts";

/** One page of runs, newest first, each with an opaque cursor the store understands. */
export interface ActivityPage {
  readonly items: readonly { readonly run: RunRecord; readonly cursor: string }[];
  readonly hasNextPage: boolean;
}

/** Read side of the activity table (src/store). */
export interface ActivityReader {
  /** Newest first (startedAt desc, then insertion order desc); `after` is a cursor from a previous page. */
  list(filter: ActivityFilter, first: number, after?: string): Promise<ActivityPage>;
  get(runId: string): Promise<RunRecord | null>;
  /** How many runs match (all pages); optional. */
  count?(filter: ActivityFilter): Promise<number>;
  /** The most recent finished-or-running run per label; labels without runs are absent. */
  lastRuns(labels: readonly string[]): Promise<ReadonlyMap<string, RunRecord>>;
  /** Number of recorded runs per status (all time, within retention). */
  countsByStatus(): Promise<Partial<Record<Status, number>>>;
  /** Per job and status, for /metrics. */
  countsByJobAndStatus(): Promise<readonly { label: string; status: Status; count: number }[]>;
  /** Each recorded job's last success, last run and failure streak: where /metrics starts from. Optional. */
  jobHealth?(): Promise<ReadonlyMap<string, JobHealth>>;
}

/**
 * A job the store knows but the engine does not schedule: an inactive
 * discovered job, or one whose registration vanished (missing, SPEC 4).
 */
export interface StoredJob {
  readonly spec: JobSpec;
  readonly active: boolean;
  readonly missing: boolean;
}

export interface DiscoverSummary {
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly missing: readonly string[];
}

/** What the exportIni mutation answers (the GraphQL type keeps its name, ExportResult). */
export interface ExportedIni {
  readonly text: string;
  /** Where the file was written; null for a preview. */
  readonly path: string | null;
}

/** A schedule edit for a discovered job: the job-file keys, as text, validated like the job file. */
export interface ScheduleEdit {
  readonly every?: string | null;
  readonly at?: string | null;
  readonly cron?: string | null;
  readonly timezone?: string | null;
}

export interface ApiDeps {
  readonly scheduler: SchedulerControl;
  readonly activities: ActivityReader;
  /** tickd's version (src/version.ts) */
  readonly version: string;
  /** Stored jobs the engine does not hold (inactive or missing discovered jobs); default none. */
  storedJobs?(): Promise<readonly StoredJob[]>;
  /** Run discovery (src/discovery) and apply it to the store and the live schedule. */
  discover(): Promise<DiscoverSummary>;
  /** Write (or preview) the active jobs as a job file (src/export). */
  exportIni(preview: boolean): Promise<ExportedIni>;
  /**
   * Change a discovered job's schedule: validate like the job file, persist as
   * an operator edit, apply live. Throws TickdError "config-invalid" with the
   * validator's message, "not-found", or "forbidden" for job-file jobs.
   */
  updateSchedule(label: string, edit: ScheduleEdit): Promise<JobState>;
  /**
   * Activate or deactivate as an operator (persisted, applied live). Default:
   * scheduler.activate/deactivate. Throws TickdError "not-found".
   */
  setActive?(label: string, active: boolean): Promise<void>;
  /**
   * Run a job once now and resolve when its record is durable, so a query
   * right after sees it. Default: scheduler.runNow.
   */
  runNow?(label: string): Promise<RunRecord>;
  /** A cheap store round trip for /healthz; throws when the store is unreachable. Optional. */
  ping?(): Promise<void>;
  /** Re-read the job file (defaults to scheduler.reload). */
  reload?(): Promise<ReloadSummary>;
}

/** Per-request context handed to every resolver. */
export interface ApiContext {
  readonly deps: ApiDeps;
  /** The caller's role; null when unauthenticated (only /healthz and /metrics are then served). */
  readonly role: Role | null;
  readonly pubsub: ApiPubSub;
  /** Counts open subscriptions (every subscribe resolver wraps its stream in it). */
  readonly subscriptions: SubscriptionGauge;
  /** Batches lastRun lookups of one request into one store query. */
  readonly lastRun: (label: string) => Promise<RunRecord | null>;
}
