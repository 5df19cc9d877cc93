/**
 * Job: a recurring job as the engine schedules it (or a discovered job gone
 * missing), and its queries; its mutations and the jobChanged subscription
 * are in job-operations.ts. No field lets a client set what code a job runs.
 */
import { builder } from "../builder.ts";
import { makeCursor, readCursor } from "../cursors.ts";
import { apiError } from "../errors.ts";
import { intMs } from "../int.ts";
import { findJob, listJobs } from "../jobs.ts";
import { LIMITS } from "../limits.ts";
import { keyDoc, type JobModel, type ScheduleModel } from "../models.ts";
import type { OrderDirection, RunOrder } from "../../store/run-page.ts";
import { labelOf } from "../targets.ts";
import { checkPage, ORDER_BY_DOC, OrderDirectionEnum, resolveActivityConnection, resolveRunConnection, RunConnectionRef, RunOrderRef, toFilter, type FilterArgs } from "./run.ts";
import { RunRef, JobRef } from "./refs.ts";

export { JobRef };
import { ActiveByEnum, CatchupEnum, enumValues, HttpMethodEnum, JobKindEnum, JobSourceEnum, OverlapEnum, ScheduleKindEnum, ScheduleUnitEnum, StatusEnum, TriggerEnum } from "./enums.ts";
import type { Status } from "../../sdk/index.ts";

export const ScheduleRef = builder.objectRef<ScheduleModel>("Schedule").implement({
  description: "When a job runs: in words, and as the job-file fields.",
  fields: (t) => ({
    text: t.exposeString("text", { description: 'In words, e.g. "every 10 minutes", "every monday at 10:00 (Europe/Berlin)"; "manual (runs only by hand)" for kind MANUAL.' }),
    kind: t.expose("kind", { type: ScheduleKindEnum, description: "every, cron, or manual (runs only by hand)." }),
    every: t.exposeString("every", { nullable: true, description: '`every` as in the job file ("10 minutes", "monday", "manual"); null for cron.' }),
    interval: t.exposeInt("interval", { nullable: true, description: "The N of every = N units; 1 for a weekday; null for cron." }),
    unit: t.exposeString("unit", {
      nullable: true,
      description: "second, minute, hour, day, week or a weekday; null for cron.",
      deprecationReason: "Use intervalUnit (an enum of the same words).",
    }),
    intervalUnit: t.field({ type: ScheduleUnitEnum, nullable: true, description: "The unit of every; null for cron and kind MANUAL.", resolve: (s) => s.unit }),
    at: t.exposeString("at", { nullable: true, description: keyDoc("at", "As written; null when not set.") }),
    cron: t.exposeString("cron", { nullable: true, description: keyDoc("cron", "Null for every.") }),
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
    key: t.exposeString("key", { description: "The argument's name, as the job file writes it." }),
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
  id: { resolve: (job) => job.label, description: "The job's global id (relay): accepted wherever a label is." },
  loadOne: (label, ctx) => findJob(ctx, String(label)),
  fields: (t) => ({
    label: t.exposeString("label", { description: "Unique, case-sensitive; may contain spaces, dots, unicode." }),
    source: t.expose("source", { type: JobSourceEnum, description: "The job file, or an app's registration." }),
    app: t.exposeString("app", { nullable: true, description: "Discovered jobs: the app that registered it." }),
    file: t.exposeString("file", { description: "The job file, or the app's scheduler module." }),
    line: t.exposeInt("line", { description: "Line of the section header in the job file; 0 for discovered jobs." }),
    kind: t.field({ type: JobKindEnum, description: "What it runs: a callback, a command or a URL.", resolve: (job) => job.target.kind }),
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
    method: t.string({
      nullable: true,
      description: keyDoc("method", "Null unless a URL job."),
      deprecationReason: "Use httpMethod (an enum).",
      resolve: (job) => (job.target.kind === "url" ? job.target.method : null),
    }),
    httpMethod: t.field({
      type: HttpMethodEnum,
      nullable: true,
      description: keyDoc("method", "Null unless a URL job."),
      resolve: (job) => (job.target.kind === "url" ? job.target.method.toUpperCase() : null),
    }),
    schedule: t.field({ type: ScheduleRef, description: "When it runs.", resolve: (job) => job.schedule }),
    timezone: t.exposeString("timezone", { nullable: true, description: keyDoc("timezone", "Null = the instance's.") }),
    description: t.exposeString("description", { description: keyDoc("description") }),
    kwargs: t.field({
      type: [KwargRef],
      description: "The keyword arguments its callback gets (every job-file key not in the key table).",
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
      args: { count: t.arg.int({ defaultValue: 5, description: `How many, 1..${LIMITS.maxNextRuns}.` }) },
      complexity: (args) => ({ field: 1, multiplier: Math.max(1, Math.min(args.count ?? 5, LIMITS.maxNextRuns)) }),
      resolve: (job, { count }, ctx) => {
        const n = count ?? 5;
        if (n < 1 || n > LIMITS.maxNextRuns) throw apiError("BAD_USER_INPUT", `nextRuns(count): expected 1..${LIMITS.maxNextRuns}, got ${n}`, "count");
        return job.missing || job.schedule.kind === "manual" ? [] : ctx.deps.scheduler.nextRuns(job.label, n);
      },
    }),
    running: t.exposeInt("running", { description: "Runs of this job going on now." }),
    lastRun: t.field({ type: RunRef, nullable: true, description: "Its most recent run (finished or going on); null before the first.", resolve: (job, _args, ctx) => ctx.lastRun(job.label) }),
    timeout: t.field({ type: "Duration", nullable: true, description: keyDoc("timeout", "Null = none."), resolve: (job) => job.timeoutMs }),
    timeoutMs: t.int({
      nullable: true,
      description: keyDoc("timeout", "In ms; null = none."),
      deprecationReason: "Use timeout (a Duration: any length; Int stops at 24.8 days).",
      resolve: (job) => intMs("timeoutMs", "timeout", job.timeoutMs),
    }),
    overlap: t.exposeString("overlap", { description: keyDoc("overlap"), deprecationReason: "Use overlapPolicy (an enum of the same words)." }),
    overlapPolicy: t.field({ type: OverlapEnum, description: keyDoc("overlap"), resolve: (job) => job.overlap }),
    retries: t.exposeInt("retries", { description: keyDoc("retries") }),
    retryDelay: t.field({ type: "Duration", description: keyDoc("retry_delay"), resolve: (job) => job.retryDelayMs }),
    retryDelayMs: t.int({
      nullable: true,
      description: keyDoc("retry_delay", "In ms."),
      deprecationReason: "Use retryDelay (a Duration).",
      resolve: (job) => intMs("retryDelayMs", "retryDelay", job.retryDelayMs),
    }),
    catchup: t.exposeString("catchup", { description: keyDoc("catchup"), deprecationReason: "Use catchupPolicy (an enum of the same words)." }),
    catchupPolicy: t.field({ type: CatchupEnum, description: keyDoc("catchup"), resolve: (job) => job.catchup }),
    jitter: t.field({ type: "Duration", description: keyDoc("jitter"), resolve: (job) => job.jitterMs }),
    jitterMs: t.int({ nullable: true, description: keyDoc("jitter", "In ms."), deprecationReason: "Use jitter (a Duration).", resolve: (job) => intMs("jitterMs", "jitter", job.jitterMs) }),
    grace: t.field({ type: "Duration", nullable: true, description: keyDoc("grace", "Null = not set on the job (the instance's --grace, if any, applies)."), resolve: (job) => option(job, "graceMs") }),
    warnAfter: t.field({ type: "Duration", nullable: true, description: keyDoc("warn_after", "Null = none."), resolve: (job) => option(job, "warnAfterMs") }),
    realert: t.field({ type: "Duration", nullable: true, description: keyDoc("realert", "Null = never."), resolve: (job) => option(job, "realertMs") }),
    until: t.field({ type: "DateTime", nullable: true, description: keyDoc("until", "Null = no end."), resolve: (job) => job.until }),
    runs: t.connection(
      {
        type: RunRef,
        description: "This job's runs, newest first unless orderBy says otherwise.",
        args: {
          statuses: t.arg({ type: [StatusEnum], required: false, description: "Any of these statuses." }),
          triggers: t.arg({ type: [TriggerEnum], required: false, description: "Any of these triggers." }),
          since: t.arg({ type: "DateTime", description: "Started at or after." }),
          until: t.arg({ type: "DateTime", description: "Started before." }),
          search: t.arg.string({ description: "Case-insensitive substring of the run's message." }),
          orderBy: t.arg({ type: RunOrderRef, description: ORDER_BY_DOC }),
        },
        complexity: (args) => ({ field: 1, multiplier: Math.max(1, args.first ?? args.last ?? LIMITS.defaultPage) }),
        resolve: (job, args, ctx) =>
          resolveRunConnection(ctx, toFilter({ ...(args as FilterArgs), label: job.label }), args, (args.orderBy as RunOrder | null) ?? undefined) as never,
      },
      RunConnectionRef,
    ),
    activities: t.field({
      type: RunConnectionRef,
      description: "This job's runs, newest first.",
      deprecationReason: "Use runs (any order, paging both ways).",
      args: {
        statuses: t.arg({ type: [StatusEnum], required: false, description: "Any of these statuses." }),
        triggers: t.arg({ type: [TriggerEnum], required: false, description: "Any of these triggers." }),
        since: t.arg({ type: "DateTime", description: "Started at or after." }),
        until: t.arg({ type: "DateTime", description: "Started before." }),
        first: t.arg.int({ description: `Page size, default ${LIMITS.defaultPage}, at most ${LIMITS.maxPage}.` }),
        after: t.arg.string({ description: "endCursor of the previous page." }),
      },
      complexity: (args) => ({ field: 1, multiplier: Math.max(1, args.first ?? LIMITS.defaultPage) }),
      resolve: (job, args, ctx) =>
        resolveActivityConnection(ctx, toFilter({ ...(args as FilterArgs), label: job.label }), args) as never,
    }),
  }),
});

/** An option of the job model that JobModel's type does not name (the key table's fields: graceMs, warnAfterMs...). */
function option(job: JobModel, field: string): number | null {
  const value = (job as unknown as Record<string, unknown>)[field];
  return typeof value === "number" ? value : null;
}

const JobFilter = builder.inputType("JobFilter", {
  description: "Which jobs: every condition given must hold.",
  fields: (t) => ({
    active: t.boolean({ description: "On (true) or off (false)." }),
    source: t.field({ type: JobSourceEnum, description: "Defined in the job file or discovered." }),
    missing: t.boolean({ description: "Discovered jobs whose registration vanished (true), or the others." }),
    search: t.string({ description: "Case-insensitive substring of label, description, app or callback." }),
    lastStatus: t.field({ type: [StatusEnum], description: "Status of the last run is one of these." }),
  }),
});

const JOB_ORDER_FIELDS = ["label", "nextRun"] as const;
type JobOrderField = (typeof JOB_ORDER_FIELDS)[number];

const JobOrderFieldEnum = builder.enumType("JobOrderField", {
  description: "What jobs are ordered by; ties are broken by label.",
  values: enumValues<JobOrderField>(JOB_ORDER_FIELDS, {
    label: "The label, in code-point order (the default).",
    nextRun: "When it is due next; jobs not scheduled count as due last.",
  }),
});

const JobOrderRef = builder.inputType("JobOrder", {
  description: "How to order jobs: a field and a direction. Default: label, ascending.",
  fields: (t) => ({
    field: t.field({ type: JobOrderFieldEnum, required: true, description: "What to order by." }),
    direction: t.field({ type: OrderDirectionEnum, required: true, description: "Which way." }),
  }),
});

interface JobOrder {
  readonly field: JobOrderField;
  readonly direction: OrderDirection;
}

/** Jobs not scheduled sort as due after every instant. */
const NOT_DUE = Number.MAX_SAFE_INTEGER;

/** A job's position in an order: [sort value, label]. */
function jobPosition(job: JobModel, order: JobOrder): [number | string, string] {
  return [order.field === "label" ? job.label : (job.nextRunAt ?? NOT_DUE), job.label];
}

function comparePositions(a: [number | string, string], b: [number | string, string], direction: OrderDirection): number {
  const sign = direction === "asc" ? 1 : -1;
  if (a[0] !== b[0]) return (a[0] < b[0] ? -1 : 1) * sign;
  return a[1] === b[1] ? 0 : (a[1] < b[1] ? -1 : 1) * sign;
}

function jobCursorPosition(cursor: string, order: JobOrder, key: string, arg: string): [number | string, string] {
  const p = readCursor("job", key, cursor, arg);
  if (order.field === "label") return [p.value, p.tie];
  const value = Number(p.value);
  if (!Number.isSafeInteger(value)) throw apiError("BAD_USER_INPUT", `${arg}: not a cursor of this API; pass one this connection returned`, arg);
  return [value, p.tie];
}

interface JobPageArgs {
  readonly first?: number | null;
  readonly last?: number | null;
  readonly after?: string | null;
  readonly before?: string | null;
}

/** A page of (already filtered) jobs in `order`: first/after forwards, last/before backwards; cursors opaque. */
function pageJobs(jobs: readonly JobModel[], args: JobPageArgs, order: JobOrder) {
  checkPage(args.first, args.last);
  const key = `${order.field}.${order.direction}`;
  const sorted = [...jobs].sort((a, b) => comparePositions(jobPosition(a, order), jobPosition(b, order), order.direction));
  const after = args.after == null ? undefined : jobCursorPosition(args.after, order, key, "after");
  const before = args.before == null ? undefined : jobCursorPosition(args.before, order, key, "before");
  let start = 0;
  let end = sorted.length;
  if (after) start = sorted.findIndex((j) => comparePositions(jobPosition(j, order), after, order.direction) > 0);
  if (start < 0) start = sorted.length;
  if (before) {
    const at = sorted.findIndex((j) => comparePositions(jobPosition(j, order), before, order.direction) >= 0);
    end = at < 0 ? sorted.length : at;
  }
  end = Math.max(start, end);
  if (args.last != null) start = Math.max(start, end - args.last);
  else end = Math.min(end, start + (args.first ?? LIMITS.defaultPage));
  const edges = sorted.slice(start, end).map((job) => {
    const [value, tie] = jobPosition(job, order);
    return { cursor: makeCursor("job", key, { value: String(value), tie }), node: job };
  });
  return {
    edges,
    pageInfo: { hasPreviousPage: start > 0, hasNextPage: end < sorted.length, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: jobs.length,
  };
}

const JobConnectionRef = builder.connectionObject(
  {
    type: JobRef,
    name: "JobConnection",
    description: "A page of jobs.",
    fields: (t) => ({
      totalCount: t.int({
        description: "Jobs matching the filter, on all pages.",
        resolve: (conn) => (conn as unknown as { totalCount: number }).totalCount,
      }),
    }),
  },
  { name: "JobEdge", description: "A job and its cursor." },
);

builder.queryFields((t) => ({
  jobs: t.connection({
    type: JobRef,
    description: "Jobs, by label unless orderBy says otherwise. Cursors are opaque; pages stay stable as jobs come and go.",
    args: {
      filter: t.arg({ type: JobFilter, description: "Which jobs; default all." }),
      orderBy: t.arg({ type: JobOrderRef, description: "Order of the jobs; default label, ascending. Cursors belong to the order they were made in." }),
    },
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
      return pageJobs(jobs, args, (args.orderBy as JobOrder | null) ?? { field: "label", direction: "asc" }) as never;
    },
  }, JobConnectionRef),
  job: t.field({
    type: JobRef,
    nullable: true,
    description: "One job by label or by its global id (exactly one); null when none matches.",
    args: { label: t.arg.string({ description: "The job's label." }), id: t.arg.id({ description: "The job's global id (Job.id)." }) },
    resolve: async (_root, args, ctx) => findJob(ctx, labelOf(args, "job")),
  }),
}));
