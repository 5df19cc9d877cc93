/**
 * The same tables on PostgreSQL (`--db postgres://…`): drizzle-kit reads this
 * for migrations/pg (make migrations). schema/db.ts says what each table and
 * column means; this file only says how PostgreSQL stores it, and
 * test/store/pg-schema.test.ts keeps the two in step (same tables, columns,
 * nullability, keys and indexes).
 *
 * Storage: instants (epoch ms) are bigint, read back as numbers; booleans are
 * boolean; JSON columns are json, read back as their text so the repositories
 * (which speak SQLite's dialect through Drizzle's sqlite-core, see
 * src/store/pg-client.ts) parse them as they do on SQLite. json, not jsonb:
 * it keeps the text as written, key order included, as SQLite does, and the
 * repositories compare stored JSON with what they would write.
 */
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, json, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { JobOptions, OperatorEdits } from "./db.ts";

/** Epoch milliseconds. */
const ms = (name: string) => bigint(name, { mode: "number" });

export const jobs = pgTable(
  "jobs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    label: text("label").notNull(),
    source: text("source", { enum: ["ini", "discovered"] }).notNull(),
    app: text("app").notNull().default(""),
    file: text("file").notNull().default(""),
    targetKind: text("target_kind", { enum: ["call", "command", "url"] }).notNull().default("call"),
    callback: text("callback").notNull(),
    method: text("method").notNull().default(""),
    every: text("every"),
    at: text("at"),
    cron: text("cron"),
    timezone: text("timezone"),
    until: ms("until"),
    options: json("options").$type<JobOptions>().notNull().default(sql`'{}'::json`),
    kwargs: json("kwargs").$type<Record<string, string | number | boolean>>().notNull().default(sql`'{}'::json`),
    description: text("description").notNull().default(""),
    active: boolean("active").notNull().default(true),
    missing: boolean("missing").notNull().default(false),
    operatorEdited: json("operator_edited").$type<OperatorEdits>().notNull().default(sql`'{}'::json`),
    createdAt: ms("created_at").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [uniqueIndex("jobs_label_unique").on(t.label)],
);

export const activity = pgTable(
  "activity",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    runId: text("run_id").notNull(),
    label: text("label").notNull(),
    jobId: bigint("job_id", { mode: "number" }),
    scheduledFor: ms("scheduled_for").notNull(),
    startedAt: ms("started_at").notNull(),
    endedAt: ms("ended_at"),
    status: text("status").notNull(),
    message: text("message").notNull().default(""),
    output: text("output").notNull().default(""),
    error: text("error").notNull().default(""),
    attempt: integer("attempt").notNull().default(1),
    trigger: text("trigger").notNull().default("schedule"),
    instance: text("instance").notNull(),
    kwargs: json("kwargs").$type<Record<string, string | number | boolean>>(),
  },
  (t) => [
    uniqueIndex("activity_run_id_unique").on(t.runId),
    index("activity_label_started_idx").on(t.label, t.startedAt),
    index("activity_label_scheduled_idx").on(t.label, t.scheduledFor),
    index("activity_started_idx").on(t.startedAt),
    index("activity_status_idx").on(t.status),
  ],
);

export const claims = pgTable(
  "claims",
  {
    label: text("label").notNull(),
    scheduledFor: ms("scheduled_for").notNull(),
    instance: text("instance").notNull(),
    claimedAt: ms("claimed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.scheduledFor, t.label] }), index("claims_instance_idx").on(t.instance, t.scheduledFor)],
);

export const anchors = pgTable("anchors", {
  label: text("label").primaryKey(),
  grid: text("grid").notNull(),
  anchor: ms("anchor").notNull(),
  setAt: ms("set_at").notNull(),
});

export const rollups = pgTable(
  "rollups",
  {
    label: text("label").notNull(),
    day: ms("day").notNull(),
    runs: integer("runs").notNull(),
    statuses: json("statuses").$type<Record<string, number>>().notNull(),
    p50Ms: ms("p50_ms"),
    p95Ms: ms("p95_ms"),
    maxMs: ms("max_ms"),
  },
  (t) => [primaryKey({ columns: [t.label, t.day] }), index("rollups_day_idx").on(t.day)],
);

export const instances = pgTable("instances", {
  name: text("name").primaryKey(),
  hostname: text("hostname").notNull(),
  pid: integer("pid").notNull(),
  startedAt: ms("started_at").notNull(),
  heartbeat: ms("heartbeat").notNull(),
});

export const notifications = pgTable(
  "notifications",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    key: text("key").notNull(),
    label: text("label").notNull(),
    event: text("event").notNull(),
    runId: text("run_id").notNull(),
    channel: text("channel").notNull(),
    payload: text("payload").notNull(),
    state: text("state", { enum: ["pending", "delivered", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ms("next_attempt_at").notNull(),
    lastError: text("last_error").notNull().default(""),
    createdAt: ms("created_at").notNull(),
    endedAt: ms("ended_at"),
  },
  (t) => [
    uniqueIndex("notifications_key_unique").on(t.key),
    index("notifications_pending_idx").on(t.state, t.nextAttemptAt),
    index("notifications_label_idx").on(t.label, t.createdAt),
  ],
);

export const notificationAttempts = pgTable(
  "notification_attempts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    notificationId: bigint("notification_id", { mode: "number" }).notNull(),
    channel: text("channel").notNull(),
    at: ms("at").notNull(),
    ok: boolean("ok").notNull(),
    error: text("error").notNull().default(""),
    durationMs: integer("duration_ms").notNull(),
  },
  (t) => [index("notification_attempts_notification_idx").on(t.notificationId), index("notification_attempts_channel_idx").on(t.channel, t.at)],
);
