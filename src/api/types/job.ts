/**
 * Job: a recurring job as the engine schedules it (or a discovered job gone
 * missing), with its queries, mutations and the jobChanged subscription.
 * No field or argument lets a client set what code a job runs.
 */
import { decodeGlobalID, resolveCursorConnection, type ResolveCursorConnectionArgs } from "@pothos/plugin-relay";
import { filter, pipe } from "graphql-yoga";
import type { JobChangedEvent } from "../pubsub.ts";
import { builder } from "../builder.ts";
import { apiError } from "../errors.ts";
import { findJob, listJobs, requireJob } from "../jobs.ts";
import { LIMITS } from "../limits.ts";
import { keyDoc, type JobModel, type ScheduleModel } from "../models.ts";
import { ActivityConnectionRef, resolveActivityConnection, toFilter, type FilterArgs } from "./activity.ts";
import { ActivityRef, JobRef } from "./refs.ts";

export { JobRef };
import { ActiveByEnum, JobChangeEnum, JobKindEnum, JobSourceEnum, ScheduleKindEnum, StatusEnum, TriggerEnum } from "./enums.ts";
import type { Status } from "../../sdk/index.ts";
import type { RunRecord } from "../../engine/types.ts";
import type { ApiContext } from "../context.ts";
import { roleAtLeast } from "../auth.ts";
import { callerOf, parseRunKwargs } from "./controls.ts";

export const ScheduleRef = builder.objectRef<ScheduleModel>("Schedule").implement({
  description: "When a job runs: in words, and as the job-file fields.",
  fields: (t) => ({
    text: t.exposeString("text", { description: 'In words, e.g. "every 10 minutes", "every monday at 10:00 (Europe/Berlin)"; "manual (runs only by hand)" for kind MANUAL.' }),
    kind: t.expose("kind", { type: ScheduleKindEnum }),
    every: t.exposeString("every", { nullable: true, description: '`every` as in the job file ("10 minutes", "monday", "manual"); null for cron.' }),
    interval: t.exposeInt("interval", { nullable: true }),
    unit: t.exposeString("unit", { nullable: true, description: "second, minute, hour, day, week or a weekday." }),
    at: t.exposeString("at", { nullable: true }),
    cron: t.exposeString("cron", { nullable: true }),
    timezone: t.exposeString("timezone", { description: "The zone the schedule computes in (the job's, else the instance's)." }),
  }),
});

interface KwargModel {
  readonly key: string;
  readonly value: unknown;
}

export const KwargRef = builder.objectRef<KwargModel>("Kwarg").implement({
  description: "A keyword argument passed to the callback.",
  fields: (t) => ({
    key: t.exposeString("key"),
    value: t.field({
      type: "JSON",
      nullable: true,
      description: "String, number or boolean. Admins only (values may hold secrets); null for other roles.",
      authScopes: { admin: true },
      unauthorizedResolver: () => null,
      resolve: (kw) => kw.value,
    }),
  }),
});

builder.node(JobRef, {
  description: "A recurring job.",
  id: { resolve: (job) => job.label },
  loadOne: (label, ctx) => findJob(ctx, String(label)),
  fields: (t) => ({
    label: t.exposeString("label", { description: "Unique, case-sensitive; may contain spaces, dots, unicode." }),
    source: t.expose("source", { type: JobSourceEnum }),
    app: t.exposeString("app", { nullable: true, description: "Discovered jobs: the app that registered it." }),
    file: t.exposeString("file", { description: "The job file, or the app's scheduler module." }),
    line: t.exposeInt("line", { description: "Line of the section header in the job file; 0 for discovered jobs." }),
    kind: t.field({ type: JobKindEnum, resolve: (job) => job.target.kind }),
    callback: t.string({
      nullable: true,
      description: keyDoc("call", "Null unless a CALL job; read-only: no mutation sets it."),
      resolve: (job) => (job.target.kind === "call" ? job.target.callback : null),
    }),
    command: t.string({
      nullable: true,
      description: keyDoc("command", "Admins only; null for other roles and other kinds of job."),
      authScopes: { admin: true },
      unauthorizedResolver: () => null,
      resolve: (job) => (job.target.kind === "command" ? job.target.command : null),
    }),
    url: t.string({
      nullable: true,
      description: keyDoc("url", "It may carry credentials: admins only; null for other roles and other kinds of job."),
      authScopes: { admin: true },
      unauthorizedResolver: () => null,
      resolve: (job) => (job.target.kind === "url" ? job.target.url : null),
    }),
    method: t.string({ nullable: true, description: keyDoc("method", "Null unless a URL job."), resolve: (job) => (job.target.kind === "url" ? job.target.method : null) }),
    schedule: t.field({ type: ScheduleRef, resolve: (job) => job.schedule }),
    timezone: t.exposeString("timezone", { nullable: true, description: keyDoc("timezone", "Null = the instance's.") }),
    description: t.exposeString("description", { description: keyDoc("description") }),
    kwargs: t.field({
      type: [KwargRef],
      resolve: (job) => Object.entries(job.kwargs).map(([key, value]) => ({ key, value })),
    }),
    active: t.exposeBoolean("active", { description: "Whether the job is on; the same answer `tickd list`, `tickd next` and export-ini give." }),
    activeBy: t.expose("activeBy", { type: ActiveByEnum, description: "Who decided active: the job file, the registration, or an operator." }),
    activeAt: t.field({ type: "DateTime", nullable: true, description: "When an operator switched the job; null when the file or the registration decides.", resolve: (job) => job.activeAt }),
    missing: t.exposeBoolean("missing", { description: "A discovered job whose registration vanished; history kept." }),
    nextRunAt: t.field({ type: "DateTime", nullable: true, description: "Null when the job is off, has ended, or is manual (every = manual: runs only by hand).", resolve: (job) => job.nextRunAt }),
    nextRuns: t.field({
      type: ["DateTime"],
      description: `The next due instants (at most ${LIMITS.maxNextRuns}); empty when inactive or ended.`,
      args: { count: t.arg.int({ defaultValue: 5 }) },
      complexity: (args) => ({ field: 1, multiplier: Math.max(1, Math.min(args.count ?? 5, LIMITS.maxNextRuns)) }),
      resolve: (job, { count }, ctx) => {
        const n = count ?? 5;
        if (n < 1 || n > LIMITS.maxNextRuns) throw apiError("BAD_USER_INPUT", `nextRuns(count): expected 1..${LIMITS.maxNextRuns}, got ${n}`);
        return job.missing || job.schedule.kind === "manual" ? [] : ctx.deps.scheduler.nextRuns(job.label, n);
      },
    }),
    running: t.exposeInt("running", { description: "Runs of this job going on now." }),
    lastRun: t.field({ type: ActivityRef, nullable: true, resolve: (job, _args, ctx) => ctx.lastRun(job.label) }),
    timeoutMs: t.exposeInt("timeoutMs", { nullable: true, description: keyDoc("timeout", "In ms; null = none.") }),
    overlap: t.exposeString("overlap", { description: keyDoc("overlap") }),
    retries: t.exposeInt("retries", { description: keyDoc("retries") }),
    retryDelayMs: t.exposeInt("retryDelayMs", { description: keyDoc("retry_delay", "In ms.") }),
    catchup: t.exposeString("catchup", { description: keyDoc("catchup") }),
    jitterMs: t.exposeInt("jitterMs", { description: keyDoc("jitter", "In ms.") }),
    until: t.field({ type: "DateTime", nullable: true, description: keyDoc("until", "Null = no end."), resolve: (job) => job.until }),
    activities: t.field({
      type: ActivityConnectionRef,
      description: "This job's runs, newest first.",
      args: {
        statuses: t.arg({ type: [StatusEnum], required: false }),
        triggers: t.arg({ type: [TriggerEnum], required: false, description: "Any of these triggers." }),
        since: t.arg({ type: "DateTime", description: "Started at or after." }),
        until: t.arg({ type: "DateTime", description: "Started before." }),
        first: t.arg.int({ description: `Page size, default ${LIMITS.defaultPage}, at most ${LIMITS.maxPage}.` }),
        after: t.arg.string({ description: "endCursor of the previous page." }),
      },
      complexity: (args) => ({ field: 1, multiplier: Math.max(1, args.first ?? LIMITS.defaultPage) }),
      resolve: (job, args, ctx) =>
        resolveActivityConnection(ctx, toFilter({ ...(args as FilterArgs), label: job.label }), args),
    }),
  }),
});

const JobFilter = builder.inputType("JobFilter", {
  fields: (t) => ({
    active: t.boolean(),
    source: t.field({ type: JobSourceEnum }),
    missing: t.boolean(),
    search: t.string({ description: "Case-insensitive substring of label, description, app or callback." }),
    lastStatus: t.field({ type: [StatusEnum], description: "Status of the last run is one of these." }),
  }),
});

const JobConnectionRef = builder.connectionObject(
  {
    type: JobRef,
    name: "JobConnection",
    fields: (t) => ({
      totalCount: t.int({
        description: "Jobs matching the filter, on all pages.",
        resolve: (conn) => (conn as unknown as { totalCount: number }).totalCount,
      }),
    }),
  },
  { name: "JobEdge" },
);

builder.queryFields((t) => ({
  jobs: t.connection({
    type: JobRef,
    description: "Jobs sorted by label. Cursors are labels, so pages stay stable as jobs come and go.",
    args: { filter: t.arg({ type: JobFilter }) },
    resolve: async (_root, args, ctx) => {
      let jobs = await listJobs(ctx);
      const f = args.filter;
      if (f) {
        if (f.active != null) jobs = jobs.filter((j) => j.active === f.active);
        if (f.source != null) jobs = jobs.filter((j) => j.source === f.source);
        if (f.missing != null) jobs = jobs.filter((j) => j.missing === f.missing);
        if (f.search) {
          const needle = f.search.toLowerCase();
          jobs = jobs.filter((j) =>
            [j.label, j.description, j.app ?? "", j.target.kind === "call" ? j.target.callback : ""].some((s) => s.toLowerCase().includes(needle)),
          );
        }
        if (f.lastStatus) {
          const wanted = new Set<string>(f.lastStatus);
          const last = await ctx.deps.activities.lastRuns(jobs.map((j) => j.label));
          jobs = jobs.filter((j) => {
            const run = last.get(j.label);
            return run !== undefined && wanted.has(run.status);
          });
        }
      }
      checkPage(args.first, args.last);
      const page = await resolveCursorConnection(
        { args, toCursor: (job: JobModel) => job.label, defaultSize: LIMITS.defaultPage, maxSize: LIMITS.maxPage },
        ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) => {
          let slice = jobs.filter((j) => (after === undefined || j.label > after) && (before === undefined || j.label < before));
          if (inverted) slice = slice.reverse();
          return slice.slice(0, limit);
        },
      );
      return Object.assign(page, { totalCount: jobs.length });
    },
  }, JobConnectionRef),
  job: t.field({
    type: JobRef,
    nullable: true,
    description: "One job by label or by its global id; null when none matches.",
    args: { label: t.arg.string(), id: t.arg.id() },
    resolve: async (_root, { label, id }, ctx) => {
      if ((label == null) === (id == null)) throw apiError("BAD_USER_INPUT", "job: pass exactly one of label or id");
      if (label != null) return findJob(ctx, label);
      const decoded = decodeJobId(String(id));
      return decoded === null ? null : findJob(ctx, decoded);
    },
  }),
}));

export function checkPage(first: number | null | undefined, last: number | null | undefined): void {
  for (const [name, n] of [["first", first], ["last", last]] as const) {
    if (n != null && (n < 0 || n > LIMITS.maxPage)) throw apiError("BAD_USER_INPUT", `${name}: expected 0..${LIMITS.maxPage}, got ${n}`);
  }
}

function decodeJobId(id: string): string | null {
  try {
    const { typename, id: label } = decodeGlobalID(id);
    return typename === "Job" ? label : null;
  } catch {
    return null;
  }
}

builder.mutationFields((t) => ({
  activateJob: t.field({
    type: JobRef,
    description: "Schedule a job (operator).",
    authScopes: { operator: true },
    args: { label: t.arg.string({ required: true }) },
    resolve: async (_root, { label }, ctx) => {
      await ctx.deps.jobs.setActive(label, true);
      return requireJob(ctx, label);
    },
  }),
  deactivateJob: t.field({
    type: JobRef,
    description: "Stop scheduling a job; a run going on finishes (operator).",
    authScopes: { operator: true },
    args: { label: t.arg.string({ required: true }) },
    resolve: async (_root, { label }, ctx) => {
      // The plain switch: a pause without a note (who and when are recorded all the same).
      await ctx.deps.jobs.setActive(label, false, { note: "", by: callerOf(ctx) });
      return requireJob(ctx, label);
    },
  }),
  runJobNow: t.field({
    type: ActivityRef,
    description:
      "Run a job once now (trigger MANUAL) (operator). Returns the finished run; with wait: false, returns as soon as " +
      "the run has started (status RUNNING), for jobs that take long: follow it with the activity subscription. " +
      "kwargs (admin): a JSON object of strings, numbers and booleans given to the job over its own, recorded with the run.",
    authScopes: { operator: true },
    args: { label: t.arg.string({ required: true }), wait: t.arg.boolean({ defaultValue: true }), kwargs: t.arg({ type: "JSON" }) },
    resolve: async (_root, { label, wait, kwargs }, ctx) => {
      if (kwargs != null && !roleAtLeast(ctx.role, "admin")) throw apiError("FORBIDDEN", "runJobNow(kwargs): running with parameters needs the admin role");
      const given = kwargs == null ? undefined : parseRunKwargs(kwargs);
      const run = () => ctx.deps.jobs.runNow(label, given);
      if (wait !== false) return run();
      return startedRun(ctx, label, run);
    },
  }),
  updateJobSchedule: t.field({
    type: JobRef,
    description:
      "Change when a discovered job runs, or give one registered without a schedule its first (admin). " +
      "Give every (with optional at) or cron; validated like the job file. " +
      "Job-file jobs are changed in the file. Nothing here can change what a job runs.",
    authScopes: { admin: true },
    args: {
      label: t.arg.string({ required: true }),
      every: t.arg.string(),
      at: t.arg.string(),
      cron: t.arg.string(),
      timezone: t.arg.string(),
    },
    resolve: async (_root, { label, every, at, cron, timezone }, ctx) => {
      await ctx.deps.jobs.updateSchedule(label, { every, at, cron, timezone });
      return requireJob(ctx, label);
    },
  }),
}));

export const JobChangedRef = builder.objectRef<JobChangedEvent>("JobChangedEvent").implement({
  fields: (t) => ({
    label: t.exposeString("label"),
    change: t.expose("change", { type: JobChangeEnum }),
    at: t.field({ type: "DateTime", resolve: (e) => e.at }),
    job: t.field({ type: JobRef, nullable: true, description: "The job now; null when it was removed.", resolve: (e, _a, ctx) => findJob(ctx, e.label) }),
  }),
});

builder.subscriptionFields((t) => ({
  jobChanged: t.field({
    type: JobChangedRef,
    description: "A job was added, removed, updated, activated or deactivated.",
    args: { label: t.arg.string({ description: "Only this job." }) },
    subscribe: (_root, { label }, ctx) => ctx.subscriptions.track(pipe(ctx.pubsub.subscribe("jobChanged"), filter((e) => label == null || e.label === label))),
    resolve: (event) => event,
  }),
}));

/**
 * Start a manual run and resolve with its first record (RUNNING) instead of
 * the finished one. Listens before starting, so the start cannot be missed;
 * a run that ends before anyone hears it start still resolves (finished).
 */
function startedRun(ctx: ApiContext, label: string, run: () => Promise<RunRecord>): Promise<RunRecord> {
  return new Promise<RunRecord>((resolve, reject) => {
    const stop = ctx.deps.scheduler.subscribe((event) => {
      if (event.type === "run.started" && event.run.label === label && event.run.trigger === "manual") {
        stop();
        resolve(event.run);
      }
    });
    run().then(
      (finished) => {
        stop();
        resolve(finished);
      },
      (error: unknown) => {
        stop();
        reject(error);
      },
    );
  });
}
