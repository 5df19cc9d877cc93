/**
 * ApiDeps from the real parts: the engine (SchedulerControl), the store's
 * repositories, discovery and export. The run command calls `createApiDeps`
 * and hands the result to startApi.
 */
import path from "node:path";
import type { JobSpec } from "../config/types.ts";
import { activeDiscoveredSpecs, discoverJobs, rowToSpec, type DiscoverAppsOptions } from "../discovery/index.ts";
import type { RunRecord, SchedulerControl, Trigger } from "../engine/types.ts";
import { TickdError } from "../errors.ts";
import { writeFileAtomic } from "../export/atomic.ts";
import { exportIni } from "../export/index.ts";
import type { Status } from "../sdk/index.ts";
import type { Store } from "../store/client.ts";
import { activityCursor, countActivities, countsByJobAndStatus, countsByStatus, getActivity, jobHealth, listActivities, lastRuns } from "../store/activity.ts";
import { getJob, listJobs, setActive, updateSchedule } from "../store/jobs.ts";
import type { ActivityRow } from "../../schema/db.ts";
import type { ActivityReader, ApiDeps, StoredJob } from "./context.ts";

export interface WiringOptions {
  readonly scheduler: SchedulerControl;
  readonly store: Store;
  readonly version: string;
  /** --apps, --module-name, --root, zone: what discoverJobs imports. Undefined = discovery not configured. */
  readonly discovery?: Omit<DiscoverAppsOptions, "zone">;
  /** Where exportIni (not preview) writes. Default: `scheduler.export.ini` beside the job file, never the job file itself. */
  readonly exportPath?: string;
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
  };
}

export function activityReader(store: Store): ActivityReader {
  return {
    async list(filter, first, after) {
      if (first === 0) return { items: [], hasNextPage: false };
      const page = await listActivities(store, { ...filter, first, ...(after !== undefined && { after }) });
      return { items: page.rows.map((row) => ({ run: runFromRow(row), cursor: activityCursor(row) })), hasNextPage: page.hasNextPage };
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
    countsByStatus: async () => (await countsByStatus(store)) as Partial<Record<Status, number>>,
    countsByJobAndStatus: async () => (await countsByJobAndStatus(store)) as { label: string; status: Status; count: number }[],
    jobHealth: () => jobHealth(store),
  };
}

export function createApiDeps(options: WiringOptions): ApiDeps {
  const { scheduler, store } = options;
  const zone = scheduler.timezone;

  /** Give the engine the active discovered jobs as the store now has them. */
  async function applyDiscovered(): Promise<void> {
    const { specs } = await activeDiscoveredSpecs(store, zone);
    await scheduler.setDiscoveredJobs(specs);
  }

  return {
    scheduler,
    activities: activityReader(store),
    version: options.version,
    async runNow(label) {
      const run = await scheduler.runNow(label);
      await store.flush();
      return run;
    },
    async ping() {
      await store.client.execute("SELECT 1");
      const health = store.health();
      if (!health.ok) throw new TickdError("store", health.reason ?? "the store does not take writes");
    },
    async storedJobs() {
      const rows = await listJobs(store, { source: "discovered", includeMissing: true });
      const out: StoredJob[] = [];
      for (const row of rows) {
        if (scheduler.job(row.label)) continue;
        const { spec } = rowToSpec(row, zone);
        if (spec) out.push({ spec, active: row.active, missing: row.missing });
      }
      return out;
    },
    async setActive(label, active) {
      const row = await getJob(store, label);
      if (row && row.source === "discovered") {
        await setActive(store, label, active);
        await applyDiscovered();
      } else {
        // A job-file job: switch it live, and remember the switch so a
        // restart or reload keeps it (until the file's `active` changes).
        if (active) await scheduler.activate(label);
        else await scheduler.deactivate(label);
        if (row) await setActive(store, label, active);
      }
    },
    async updateSchedule(label, edit) {
      const row = await getJob(store, label);
      if (!row) throw new TickdError("not-found", `no job labelled ${JSON.stringify(label)}`);
      if (row.source !== "discovered") {
        throw new TickdError("forbidden", `job ${JSON.stringify(label)} comes from the job file ${row.file}; change it there and reload`);
      }
      // Validate the edited row exactly as discovery would load it (the job-file rules).
      const candidate = { ...row, every: edit.every ?? null, at: edit.at ?? null, cron: edit.cron ?? null, timezone: edit.timezone ?? null };
      const { spec, problems } = rowToSpec(candidate, zone);
      if (!spec) throw new TickdError("config-invalid", problems.join("; "));
      await updateSchedule(store, label, { every: candidate.every, at: candidate.at, cron: candidate.cron, timezone: candidate.timezone });
      await applyDiscovered();
      const state = scheduler.job(label);
      return state ?? { spec, active: row.active, nextRunAt: null, running: 0 };
    },
    async discover() {
      if (!options.discovery) {
        throw new TickdError("usage", "discovery is not configured: start tickd with --apps DIR,... to discover jobs");
      }
      const result = await discoverJobs(store, { ...options.discovery, zone, control: scheduler });
      if (!result.applied) {
        throw new TickdError("usage", result.problems.map((p) => p.message).join("; ") || "discovery did not run");
      }
      return { added: result.added, updated: result.updated, missing: result.missing };
    },
    async exportIni(preview) {
      const jobs = scheduler.jobs().map((s) => s.spec);
      const jobFile: JobSpec[] = jobs.filter((s) => s.origin.source === "ini");
      const discovered: JobSpec[] = jobs.filter((s) => s.origin.source === "discovered");
      const { text } = exportIni({ jobFile, discovered, generatedAt: store.clock.now() });
      if (preview) return { text, path: null };
      const target = options.exportPath ?? path.join(path.dirname(scheduler.configPath || "."), "scheduler.export.ini");
      if (scheduler.configPath && path.resolve(target) === path.resolve(scheduler.configPath)) {
        throw new TickdError("forbidden", "exportIni will not overwrite the live job file; choose another export path");
      }
      writeFileAtomic(target, text);
      return { text, path: path.resolve(target) };
    },
  };
}
