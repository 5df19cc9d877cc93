/**
 * History as the dashboard draws it (issue 16): each job's recent runs (the
 * job table's strip), daily roll-ups (runs by status, duration p50/p95/max;
 * they outlive the runs retention deletes), the job's retention keys, and
 * the store's size on `scheduler`.
 */
import { keepText } from "../../config/keys.ts";
import type { Keep } from "../../config/types.ts";
import { STATUSES, type Status } from "../../sdk/index.ts";
import { DAY_MS, dayOf, type DailyRollup } from "../../store/rollups.ts";
import type { StoreSize } from "../../store/retention.ts";
import { builder } from "../builder.ts";
import type { ApiContext } from "../context.ts";
import { apiError } from "../errors.ts";
import { listJobs } from "../jobs.ts";
import { intMs } from "../int.ts";
import { keyDoc, type JobModel } from "../models.ts";
import { RunRef, JobRef } from "./refs.ts";
import { SchedulerRef, StatusCountRef } from "./scheduler.ts";

/** Most runs Job.recentRuns returns. */
const MAX_RECENT = 100;
/** Longest span of roll-ups one query may ask for: a bit over a year of days. */
const MAX_ROLLUP_DAYS = 400;

const DailyRollupRef = builder.objectRef<DailyRollup>("DailyRollup").implement({
  description:
    "One job's runs of one UTC day: counts by status and the duration percentiles of the runs that did work (success, failure, error, timeout). " +
    "Days that are over are stored when the hourly prune runs and kept after retention deletes their runs; the current day is computed from the runs.",
  fields: (t) => ({
    label: t.exposeString("label", { description: "The job's label." }),
    day: t.field({ type: "DateTime", description: "The day's start, 00:00 UTC.", resolve: (r) => r.day }),
    runs: t.exposeInt("runs", { description: "Finished runs that day, every status." }),
    statuses: t.field({
      type: [StatusCountRef],
      description: "Runs by status, every status listed (0 when none).",
      resolve: (r) => STATUSES.filter((s) => s !== "running").map((status) => ({ status, count: r.statuses[status] ?? 0 })),
    }),
    successRate: t.float({
      nullable: true,
      description: "Successes over the runs that did work (success, failure, error, timeout, abandoned), 0..1; null when none did.",
      resolve: (r) => {
        const worked = ["success", "failure", "error", "timeout", "abandoned"].reduce((n, s) => n + (r.statuses[s] ?? 0), 0);
        return worked === 0 ? null : (r.statuses.success ?? 0) / worked;
      },
    }),
    p50: t.field({ type: "Duration", nullable: true, description: "Median duration (nearest rank); null when no run did work.", resolve: (r) => r.p50Ms }),
    p95: t.field({ type: "Duration", nullable: true, description: "95th percentile duration (nearest rank); null when no run did work.", resolve: (r) => r.p95Ms }),
    max: t.field({ type: "Duration", nullable: true, description: "Longest duration; null when no run did work.", resolve: (r) => r.maxMs }),
    p50Ms: t.int({ nullable: true, description: "Median duration, ms (nearest rank); null when no run did work.", deprecationReason: "Use p50 (a Duration).", resolve: (r) => intMs("p50Ms", "p50", r.p50Ms) }),
    p95Ms: t.int({ nullable: true, description: "95th percentile duration, ms (nearest rank).", deprecationReason: "Use p95 (a Duration).", resolve: (r) => intMs("p95Ms", "p95", r.p95Ms) }),
    maxMs: t.int({ nullable: true, description: "Longest duration, ms.", deprecationReason: "Use max (a Duration).", resolve: (r) => intMs("maxMs", "max", r.maxMs) }),
  }),
});

/** since/until -> a checked span of whole days (default: the last 30 days through now). */
function span(ctx: ApiContext, since: number | null | undefined, until: number | null | undefined): { since: number; until: number } {
  const now = ctx.now();
  const end = until ?? dayOf(now) + DAY_MS;
  const start = dayOf(since ?? end - 30 * DAY_MS);
  if (end <= start) throw apiError("BAD_USER_INPUT", "rollups: until must be after since", "until");
  if (end - start > MAX_ROLLUP_DAYS * DAY_MS) throw apiError("BAD_USER_INPUT", `rollups: at most ${MAX_ROLLUP_DAYS} days at once`, "since");
  return { since: start, until: end };
}

const field = (job: JobModel, name: string) => (job as unknown as Record<string, unknown>)[name];

builder.objectFields(JobRef, (t) => ({
  recentRuns: t.field({
    type: [RunRef],
    description: `The job's newest runs, newest first (at most ${MAX_RECENT}); the job table's strip. Batched: one store query for every job of a request.`,
    args: { count: t.arg.int({ defaultValue: 30, description: `How many, 1..${MAX_RECENT}.` }) },
    complexity: (args) => ({ field: 1, multiplier: Math.max(1, Math.min(args.count ?? 30, MAX_RECENT) / 10) }),
    resolve: (job, { count }, ctx) => {
      const n = count ?? 30;
      if (n < 1 || n > MAX_RECENT) throw apiError("BAD_USER_INPUT", `recentRuns(count): expected 1..${MAX_RECENT}, got ${n}`, "count");
      return ctx.recentRuns(job.label, n);
    },
  }),
  rollups: t.field({
    type: [DailyRollupRef],
    description: `The job's days from since (default 30 days ago) to before until (default the end of today), oldest first; days without runs are absent. At most ${MAX_ROLLUP_DAYS} days.`,
    args: { since: t.arg({ type: "DateTime", description: "The first day (its UTC day); default 30 days ago." }), until: t.arg({ type: "DateTime", description: "Before this instant; default the end of today." }) },
    resolve: (job, args, ctx) => {
      const s = span(ctx, args.since as number | null, args.until as number | null);
      return ctx.deps.activities.rollups([job.label], s.since, s.until);
    },
  }),
  keep: t.string({
    nullable: true,
    description: keyDoc("keep", 'As the job file writes it ("1000 runs", "90 days"); null = the instance\'s --keep.'),
    resolve: (job) => {
      const keep = field(job, "keep") as Keep | null | undefined;
      return keep ? keepText(keep) : null;
    },
  }),
  keepFailures: t.field({ type: "Duration", nullable: true, description: keyDoc("keep_failures", "Null = as keep."), resolve: (job) => (field(job, "keepFailuresMs") as number | null) ?? null }),
  keepFailuresMs: t.float({
    nullable: true,
    description: keyDoc("keep_failures", "In ms; null = as keep."),
    deprecationReason: "Use keepFailures (a Duration, the same number).",
    resolve: (job) => (field(job, "keepFailuresMs") as number | null) ?? null,
  }),
}));

builder.queryFields((t) => ({
  rollups: t.field({
    type: [DailyRollupRef],
    description:
      "Daily roll-ups across jobs: run counts by status over time and duration percentiles, per job and day, oldest first. " +
      "labels and app narrow the jobs (default every job); since/until as on Job.rollups.",
    args: {
      labels: t.arg.stringList({ description: "These jobs; default every job." }),
      app: t.arg.string({ description: "Jobs an app registered." }),
      since: t.arg({ type: "DateTime", description: "The first day (its UTC day); default 30 days ago." }),
      until: t.arg({ type: "DateTime", description: "Before this instant; default the end of today." }),
    },
    complexity: 20,
    resolve: async (_root, args, ctx) => {
      const s = span(ctx, args.since as number | null, args.until as number | null);
      let labels = args.labels ?? (await listJobs(ctx)).map((j) => j.label);
      if (args.app != null) {
        const ofApp = new Set((await listJobs(ctx)).filter((j) => j.app === args.app).map((j) => j.label));
        labels = labels.filter((l) => ofApp.has(l));
      }
      return ctx.deps.activities.rollups(labels, s.since, s.until);
    },
  }),
}));

const StoreSizeRef = builder.objectRef<StoreSize>("StoreSize").implement({
  description: "How big the store is; retention (keep, --keep) bounds it.",
  fields: (t) => ({
    bytes: t.exposeFloat("bytes", { description: "The database's size in bytes (its pages; the write-ahead log not included)." }),
    runs: t.exposeInt("runs", { description: "Rows of run history (activity)." }),
    rollups: t.exposeInt("rollups", { description: "Daily roll-ups kept (one per job and day)." }),
  }),
});

builder.objectField(SchedulerRef, "store", (t) =>
  t.field({
    type: StoreSizeRef,
    nullable: true,
    description: "The store's size; null when the API runs without a store.",
    resolve: ({ ctx }) => ctx.deps.storeSize?.() ?? null,
  }),
);

export type { Status };
