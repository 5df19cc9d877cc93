/**
 * Activity: one run of a job, with the activities query and the activity /
 * runStarted subscriptions. `output` and `error` are for admins only.
 */
import { filter, pipe } from "graphql-yoga";
import type { RunRecord } from "../../engine/types.ts";
import type { Status } from "../../sdk/index.ts";
import { builder } from "../builder.ts";
import type { ActivityFilter, ApiContext } from "../context.ts";
import { apiError } from "../errors.ts";
import { findJob } from "../jobs.ts";
import { LIMITS } from "../limits.ts";
import { StatusEnum, TriggerEnum } from "./enums.ts";
import { ActivityRef, JobRef } from "./refs.ts";

export { ActivityRef };

builder.node(ActivityRef, {
  description: "One run of a job.",
  id: { resolve: (run) => run.runId },
  loadOne: (runId, ctx) => ctx.deps.activities.get(String(runId)),
  fields: (t) => ({
    runId: t.exposeString("runId"),
    label: t.exposeString("label"),
    job: t.field({
      type: JobRef,
      nullable: true,
      description: "The job as it is now; null when it no longer exists.",
      resolve: (run, _args, ctx) => findJob(ctx, run.label),
    }),
    scheduledFor: t.field({ type: "DateTime", description: "When the occurrence was due.", resolve: (run) => run.scheduledFor }),
    startedAt: t.field({ type: "DateTime", resolve: (run) => run.startedAt }),
    endedAt: t.field({ type: "DateTime", nullable: true, description: "Null while running.", resolve: (run) => run.endedAt ?? null }),
    durationMs: t.int({ nullable: true, resolve: (run) => (run.endedAt === undefined ? null : run.endedAt - run.startedAt) }),
    latenessMs: t.int({ description: "How long after the due time the run started.", resolve: (run) => run.startedAt - run.scheduledFor }),
    status: t.field({ type: StatusEnum, resolve: (run) => run.status }),
    message: t.exposeString("message", { description: "The callback's message; may be shown to users." }),
    output: t.string({
      nullable: true,
      description: "Captured output. Admins only; null for other roles.",
      authScopes: { admin: true },
      unauthorizedResolver: () => null,
      resolve: (run) => run.output,
    }),
    error: t.string({
      nullable: true,
      description: "The exception for ERROR runs. Admins only; null for other roles.",
      authScopes: { admin: true },
      unauthorizedResolver: () => null,
      resolve: (run) => run.error,
    }),
    attempt: t.exposeInt("attempt", { description: "1 for the first attempt, 2.. for retries." }),
    trigger: t.field({ type: TriggerEnum, resolve: (run) => run.trigger }),
    kwargs: t.field({
      type: "JSON",
      nullable: true,
      description: "The parameters an operator gave this run (runJobNow kwargs, run-job --kwarg); null = the job's own. Admins only (values may hold secrets).",
      authScopes: { admin: true },
      unauthorizedResolver: () => null,
      resolve: (run) => run.kwargs ?? null,
    }),
    instance: t.exposeString("instance", { description: "The tickd instance that ran it." }),
  }),
});

interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
}

/** Shared by Query.activities and Job.activities: forward pages only (first/after). */
export const ActivityConnectionRef = builder.connectionObject(
  {
    type: ActivityRef,
    name: "ActivityConnection",
    description: "Runs, newest first.",
    fields: (t) => ({
      totalCount: t.int({
        nullable: true,
        description: "Runs matching the filter on all pages (one count query; null when the store cannot count).",
        complexity: 5,
        resolve: (conn, _args, ctx) => {
          const { filter } = conn as unknown as { filter: ActivityFilter };
          return ctx.deps.activities.count ? ctx.deps.activities.count(filter) : null;
        },
      }),
    }),
  },
  { name: "ActivityEdge" },
);

/**
 * A page of runs from the store. Runs are newest first; only forward paging
 * (first/after) is offered, which is what a feed needs.
 */
export async function resolveActivityConnection(ctx: ApiContext, filter: ActivityFilter, args: PageArgs) {
  const first = args.first ?? LIMITS.defaultPage;
  if (first < 0 || first > LIMITS.maxPage) throw apiError("BAD_USER_INPUT", `first: expected 0..${LIMITS.maxPage}, got ${first}`);
  const page = await ctx.deps.activities.list(filter, first, args.after ?? undefined);
  const edges = page.items.map((item) => ({ cursor: item.cursor, node: item.run }));
  return {
    filter,
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: args.after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

const ActivityFilterInput = builder.inputType("ActivityFilter", {
  fields: (t) => ({
    label: t.string({ description: "Exact job label." }),
    statuses: t.field({ type: [StatusEnum] }),
    since: t.field({ type: "DateTime", description: "Started at or after." }),
    until: t.field({ type: "DateTime", description: "Started before." }),
    triggers: t.field({ type: [TriggerEnum], description: "Any of these triggers." }),
    app: t.string({ description: "Runs of the jobs this app registered (discovered jobs)." }),
    search: t.string({ description: "Case-insensitive substring of the run's message." }),
  }),
});

export interface FilterArgs {
  label?: string | null;
  statuses?: readonly Status[] | null;
  since?: number | null;
  until?: number | null;
  triggers?: readonly string[] | null;
  app?: string | null;
  search?: string | null;
}

/** GraphQL filter arguments -> the store's filter (absent for null). */
export function toFilter(f: FilterArgs | null | undefined): ActivityFilter {
  if (!f) return {};
  return {
    ...(f.label != null && { label: f.label }),
    ...(f.statuses != null && { statuses: f.statuses }),
    ...(f.since != null && { since: f.since }),
    ...(f.until != null && { until: f.until }),
    ...(f.triggers != null && { triggers: f.triggers }),
    ...(f.app != null && { app: f.app }),
    ...(f.search != null && f.search !== "" && { search: f.search }),
  };
}

builder.queryFields((t) => ({
  activities: t.field({
    type: ActivityConnectionRef,
    description: "Runs of every job, newest first.",
    args: {
      filter: t.arg({ type: ActivityFilterInput }),
      first: t.arg.int({ description: `Page size, default ${LIMITS.defaultPage}, at most ${LIMITS.maxPage}.` }),
      after: t.arg.string({ description: "endCursor of the previous page." }),
    },
    complexity: (args) => ({ field: 1, multiplier: Math.max(1, args.first ?? LIMITS.defaultPage) }),
    resolve: (_root, args, ctx) => resolveActivityConnection(ctx, toFilter(args.filter as Parameters<typeof toFilter>[0]), args),
  }),
  activity: t.field({
    type: ActivityRef,
    nullable: true,
    args: { runId: t.arg.string({ required: true }) },
    resolve: (_root, { runId }, ctx) => ctx.deps.activities.get(runId),
  }),
}));

const SubscriptionFilterInput = builder.inputType("ActivitySubscriptionFilter", {
  fields: (t) => ({
    label: t.string({ description: "Exact job label." }),
    statuses: t.field({ type: [StatusEnum] }),
  }),
});

function matches(f: { label?: string | null; statuses?: readonly Status[] | null } | null | undefined) {
  return (run: RunRecord) => !f || ((f.label == null || run.label === f.label) && (f.statuses == null || f.statuses.includes(run.status)));
}

builder.subscriptionFields((t) => ({
  activity: t.field({
    type: ActivityRef,
    description: "Each run as it finishes (any status, including SKIPPED).",
    args: { filter: t.arg({ type: SubscriptionFilterInput }) },
    subscribe: (_root, args, ctx) => ctx.subscriptions.track(pipe(ctx.pubsub.subscribe("activity"), filter(matches(args.filter as Parameters<typeof matches>[0])))),
    resolve: (run) => run,
  }),
  runStarted: t.field({
    type: ActivityRef,
    description: "Each run as it starts (status RUNNING).",
    args: { filter: t.arg({ type: SubscriptionFilterInput }) },
    subscribe: (_root, args, ctx) => ctx.subscriptions.track(pipe(ctx.pubsub.subscribe("runStarted"), filter(matches(args.filter as Parameters<typeof matches>[0])))),
    resolve: (run) => run,
  }),
}));
