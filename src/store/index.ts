/** The store: libSQL via Drizzle, embedded migrations, the engine's write path, repositories. */
export { openStore, isEmbeddedUrl, databaseFile, noDatabaseYet, type Store, type StoreDb, type StoreOptions } from "./client.ts";
export { applyMigrations, MIGRATIONS_TABLE, type EmbeddedMigration, type MigrationReport } from "./migrate.ts";
export { MIGRATIONS } from "./migrations.generated.ts";
export { capText, formatBytes, OUTPUT_CAP_BYTES } from "./output-cap.ts";
export { pidAlive, parseInstanceName, HEARTBEAT_EVERY_MS, LEASE_MS, STALE_AFTER_MS, TAKEOVER_BOUND_MS, type AbandonReport } from "./lifecycle.ts";
export type { WriteStats } from "./write-queue.ts";
export type { JobRetention, PruneReport, RetentionPolicy, StoreSize } from "./retention.ts";
export { dailyRollups, dayOf, DAY_MS, type DailyRollup } from "./rollups.ts";
export {
  listActivities,
  countActivities,
  getActivity,
  lastRun,
  lastRuns,
  countsByStatus,
  countsByJobAndStatus,
  activityCursor,
  decodeActivityCursor,
  MAX_PAGE_SIZE,
  type ActivityFilter,
  type ActivityPage,
  type ListActivitiesOptions,
} from "./activity.ts";
export {
  listJobs,
  getJob,
  syncIniJobs,
  operatorSwitch,
  writeDiscoveredJobs,
  setActive,
  updateSchedule,
  specColumns,
  type DiscoveredWrites,
  type JobColumns,
  type ScheduleFields,
} from "./jobs.ts";
export type { ActivityRow, JobRow, ClaimRow, InstanceRow } from "../../schema/db.ts";
