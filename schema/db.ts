/**
 * The database schema: the one source drizzle-kit reads to generate
 * `migrations/` (make migrations), and the tables the repositories in
 * src/store/ query. camelCase in TypeScript, snake_case in SQL. Instants are
 * epoch milliseconds stored as INTEGER.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Per-job options kept as one JSON column (SPEC 1); the names follow the job file. */
export interface JobOptions {
  /** Milliseconds; absent = no timeout. */
  timeoutMs?: number;
  overlap?: "skip" | "queue" | "allow";
  retries?: number;
  retryDelayMs?: number;
  catchup?: "skip" | "once";
  jitterMs?: number;
  /** Where callbacks run: absent = in their module's worker. */
  isolate?: "worker" | "none";
  /** Milliseconds; absent = occurrences are never recorded missed. */
  graceMs?: number;
  /** Dead man's switch address; absent = no pings. */
  ping?: string;
  /** `keep`: the newest N runs, or the runs of the last ms; absent = the instance's --keep. */
  keep?: { runs: number } | { ms: number };
  /** `keep_failures`: runs that went wrong are kept this long, ms; absent = as `keep`. */
  keepFailuresMs?: number;
  /** Channel addresses; absent = the instance's --notify, [] = none. */
  notify?: string[];
  /** Events that alert; absent = all. */
  notifyOn?: string[];
  alertAfter?: number;
  realertMs?: number;
  warnAfterMs?: number;
}

/**
 * Which fields an operator changed by hand (API mutations). Discovery leaves
 * these alone when it re-reads an app's registrations (SPEC 4).
 */
export interface OperatorEdits {
  active?: boolean;
  /** Epoch ms of the operator's last on/off switch (shown as "where it came from"). */
  activeAt?: number;
  schedule?: boolean;
  /**
   * Job-file jobs only: the file's `active` value when the operator switched
   * the job. The operator's choice holds until the file's value changes.
   */
  fileActive?: boolean;
  /**
   * Why the operator switched the job off, when they said (pauseJob, tickd
   * pause): the note, who (the API role, "cli"), and until when (epoch ms; it
   * resumes by itself then). Absent for a plain switch; cleared when it is on.
   */
  pause?: { note: string; by: string; until: number | null };
}

/** Every job the instance knows: from the job file (source "ini") or discovered from apps. */
export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    label: text("label").notNull(),
    source: text("source", { enum: ["ini", "discovered"] }).notNull(),
    /** Discovered jobs: the app name given to schedule.register; "" for ini jobs. */
    app: text("app").notNull().default(""),
    /** The file the job came from (job file or the app's scheduler module). */
    file: text("file").notNull().default(""),
    /** Target: "call" (callback is a dotted path), "command" or "url". */
    targetKind: text("target_kind", { enum: ["call", "command", "url"] }).notNull().default("call"),
    /** Dotted path, shell command or URL, by targetKind. */
    callback: text("callback").notNull(),
    /** HTTP method for url targets; "" otherwise. */
    method: text("method").notNull().default(""),
    /** `every` as written ("10 minutes", "monday"); null for cron jobs. */
    every: text("every"),
    at: text("at"),
    cron: text("cron"),
    /** IANA zone; null = the instance zone. */
    timezone: text("timezone"),
    /** Epoch ms after which the job is no longer scheduled. */
    until: integer("until"),
    options: text("options", { mode: "json" }).$type<JobOptions>().notNull().default(sql`'{}'`),
    kwargs: text("kwargs", { mode: "json" }).$type<Record<string, string | number | boolean>>().notNull().default(sql`'{}'`),
    description: text("description").notNull().default(""),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    /** A discovered job whose registration vanished; kept for its history. */
    missing: integer("missing", { mode: "boolean" }).notNull().default(false),
    operatorEdited: text("operator_edited", { mode: "json" }).$type<OperatorEdits>().notNull().default(sql`'{}'`),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("jobs_label_unique").on(t.label)],
);

/** One row per run (SPEC 5): inserted "running" when it starts, updated when it ends. */
export const activity = sqliteTable(
  "activity",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: text("run_id").notNull(),
    label: text("label").notNull(),
    /** The job row at the time of the run; null when the job is gone or was never stored. */
    jobId: integer("job_id"),
    scheduledFor: integer("scheduled_for").notNull(),
    startedAt: integer("started_at").notNull(),
    endedAt: integer("ended_at"),
    status: text("status").notNull(),
    message: text("message").notNull().default(""),
    output: text("output").notNull().default(""),
    error: text("error").notNull().default(""),
    attempt: integer("attempt").notNull().default(1),
    trigger: text("trigger").notNull().default("schedule"),
    instance: text("instance").notNull(),
    /** Parameters an operator gave this run (runJobNow kwargs, run-job --kwarg); null = the job's own. */
    kwargs: text("kwargs", { mode: "json" }).$type<Record<string, string | number | boolean>>(),
  },
  (t) => [
    uniqueIndex("activity_run_id_unique").on(t.runId),
    index("activity_label_started_idx").on(t.label, t.startedAt),
    // claim checks ("did this occurrence run?") and lastScheduled look runs up by occurrence
    index("activity_label_scheduled_idx").on(t.label, t.scheduledFor),
    index("activity_started_idx").on(t.startedAt),
    index("activity_status_idx").on(t.status),
  ],
);

/**
 * One row per occurrence an instance took: the unique key keeps two instances
 * from running it twice. The key begins with the occurrence's instant, so each
 * batch's claims go in side by side at its end; beginning with the label, a
 * batch of 1,000 jobs rewrote a page of it for each job once it outgrew them.
 */
export const claims = sqliteTable(
  "claims",
  {
    label: text("label").notNull(),
    scheduledFor: integer("scheduled_for").notNull(),
    instance: text("instance").notNull(),
    claimedAt: integer("claimed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scheduledFor, t.label] }), index("claims_instance_idx").on(t.instance, t.scheduledFor)],
);

/**
 * Where each `every` job's grid of occurrences starts: its first occurrence
 * when it was first scheduled with this schedule, by whichever instance was
 * first. Every instance and every later start steps from it, so an occurrence
 * is the same instant everywhere and its claim protects it. A new schedule
 * (`grid` differs) starts a new grid.
 */
export const anchors = sqliteTable("anchors", {
  label: text("label").primaryKey(),
  /** The schedule and zone the anchor belongs to (JSON). */
  grid: text("grid").notNull(),
  /** Epoch ms of an occurrence on the grid. */
  anchor: integer("anchor").notNull(),
  setAt: integer("set_at").notNull(),
});

/**
 * One row per job and UTC day: what its runs of that day were, written by the
 * hourly prune once the day is over and none of its runs is still running,
 * and before any of them is deleted (src/store/rollups.ts). Charts read these
 * for the days whose runs retention has removed.
 */
export const rollups = sqliteTable(
  "rollups",
  {
    label: text("label").notNull(),
    /** The UTC day: epoch ms of its midnight. */
    day: integer("day").notNull(),
    /** Finished runs that day (every status). */
    runs: integer("runs").notNull(),
    /** Runs by status in its stored spelling, e.g. { "success": 1430, "failure": 10 }. */
    statuses: text("statuses", { mode: "json" }).$type<Record<string, number>>().notNull(),
    /** Durations of the runs that ran (success, failure, error, timeout), nearest rank, ms; null when none ran. */
    p50Ms: integer("p50_ms"),
    p95Ms: integer("p95_ms"),
    maxMs: integer("max_ms"),
  },
  (t) => [primaryKey({ columns: [t.label, t.day] }), index("rollups_day_idx").on(t.day)],
);

/** Instances that opened the store: where they run, so dead ones can be recognised. */
export const instances = sqliteTable("instances", {
  name: text("name").primaryKey(),
  hostname: text("hostname").notNull(),
  pid: integer("pid").notNull(),
  startedAt: integer("started_at").notNull(),
  heartbeat: integer("heartbeat").notNull(),
});

/**
 * The outbox: one row per alert and channel, written in the same transaction
 * as the run that raised it (write-queue.ts), so an alert survives a crash
 * exactly when its run's record does. The sender (src/notify/) delivers
 * `pending` rows whose `next_attempt_at` has come, and ends each `delivered`
 * or, after its last attempt, `failed`.
 */
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Unique per alert and channel (`${runId}:${event}:${n}:${channel}`): a replayed write adds nothing. */
    key: text("key").notNull(),
    label: text("label").notNull(),
    /** One of NOTIFY_EVENTS. */
    event: text("event").notNull(),
    /** The run the alert is about. */
    runId: text("run_id").notNull(),
    /** The channel address as written (secrets included: never shown; see redactAddress). */
    channel: text("channel").notNull(),
    /** The documented JSON payload, as sent. */
    payload: text("payload").notNull(),
    state: text("state", { enum: ["pending", "delivered", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    /** The latest failed attempt's reason (secrets redacted); "" when none. */
    lastError: text("last_error").notNull().default(""),
    createdAt: integer("created_at").notNull(),
    /** When it was delivered or given up on. */
    endedAt: integer("ended_at"),
  },
  (t) => [
    uniqueIndex("notifications_key_unique").on(t.key),
    index("notifications_pending_idx").on(t.state, t.nextAttemptAt),
    index("notifications_label_idx").on(t.label, t.createdAt),
  ],
);

/** Every delivery attempt of a notification: when, whether it went through, and why not. */
export const notificationAttempts = sqliteTable(
  "notification_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    notificationId: integer("notification_id").notNull(),
    channel: text("channel").notNull(),
    at: integer("at").notNull(),
    ok: integer("ok", { mode: "boolean" }).notNull(),
    /** Why it failed (secrets redacted); "" when it went through. */
    error: text("error").notNull().default(""),
    durationMs: integer("duration_ms").notNull(),
  },
  (t) => [index("notification_attempts_notification_idx").on(t.notificationId), index("notification_attempts_channel_idx").on(t.channel, t.at)],
);

export type JobRow = typeof jobs.$inferSelect;
export type NewJobRow = typeof jobs.$inferInsert;
export type ActivityRow = typeof activity.$inferSelect;
export type NewActivityRow = typeof activity.$inferInsert;
export type ClaimRow = typeof claims.$inferSelect;
export type InstanceRow = typeof instances.$inferSelect;
export type AnchorRow = typeof anchors.$inferSelect;
export type RollupRow = typeof rollups.$inferSelect;
export type NotificationRow = typeof notifications.$inferSelect;
export type NotificationAttemptRow = typeof notificationAttempts.$inferSelect;
