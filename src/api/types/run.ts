/**
 * Run: one run of a job (a row of the activity table), with the runs / run
 * queries and the runStarted / runFinished subscriptions. `output` and
 * `error` are for admins only. The type was called Activity; the old
 * names (activities, activity, durationMs, latenessMs) stay, deprecated.
 */
import { filter, pipe } from "graphql-yoga";
import type { RunRecord } from "../../engine/types.ts";
import type { Status } from "../../sdk/index.ts";
import { ORDER_DIRECTIONS, RUN_ORDER_FIELDS, type OrderDirection, type RunOrder, type RunOrderField } from "../../store/run-page.ts";
import { builder } from "../builder.ts";
import type { ActivityFilter, ApiContext } from "../context.ts";
import { makeCursor, readCursor } from "../cursors.ts";
import { recordIds, type EventTopics, type LoggedEvent, type Topic } from "../events.ts";
import { apiError } from "../errors.ts";
import { intMs } from "../int.ts";
import { findJob } from "../jobs.ts";
import { LIMITS } from "../limits.ts";
import { enumValues, StatusEnum, TriggerEnum } from "./enums.ts";
import { JobRef, RunRef } from "./refs.ts";
import { runIdOf } from "../targets.ts";

export { RunRef };

const durationOf = (run: RunRecord) => (run.endedAt === undefined ? null : run.endedAt - run.startedAt);

builder.node(RunRef, {
  description: "One run of a job: one attempt to execute one occurrence (a retry is another run).",
  id: { resolve: (run) => run.runId, description: "The run's global id (relay): accepted wherever a runId is." },
  loadOne: (runId, ctx) => ctx.deps.activities.get(String(runId)),
  fields: (t) => ({
    runId: t.exposeString("runId", { description: "The run's own id, as the CLI and the logs show it (`tickd cancel RUN_ID`)." }),
    label: t.exposeString("label", { description: "The label of the job it is a run of." }),
    job: t.field({
      type: JobRef,
      nullable: true,
      description: "The job as it is now; null when it no longer exists.",
      resolve: (run, _args, ctx) => findJob(ctx, run.label),
    }),
    scheduledFor: t.field({ type: "DateTime", description: "When the occurrence was due.", resolve: (run) => run.scheduledFor }),
    startedAt: t.field({ type: "DateTime", description: "When the run started.", resolve: (run) => run.startedAt }),
    endedAt: t.field({ type: "DateTime", nullable: true, description: "When it ended; null while running.", resolve: (run) => run.endedAt ?? null }),
    duration: t.field({ type: "Duration", nullable: true, description: "How long it took (endedAt - startedAt); null while running.", resolve: durationOf }),
    durationMs: t.int({
      nullable: true,
      description: "How long it took, ms; null while running, and OUT_OF_RANGE past 2^31-1 ms.",
      deprecationReason: "Use duration (a Duration: any length; Int stops at 24.8 days).",
      resolve: (run) => intMs("durationMs", "duration", durationOf(run)),
    }),
    lateness: t.field({ type: "Duration", description: "How long after the due time the run started (a backfill's or a catch-up's can be days).", resolve: (run) => run.startedAt - run.scheduledFor }),
    latenessMs: t.int({
      nullable: true,
      description: "How long after the due time the run started, ms; OUT_OF_RANGE past 2^31-1 ms.",
      deprecationReason: "Use lateness (a Duration: a backfilled run can be months late, past what Int holds).",
      resolve: (run) => intMs("latenessMs", "lateness", run.startedAt - run.scheduledFor),
    }),
    status: t.field({ type: StatusEnum, description: "How it ended; RUNNING while it goes on.", resolve: (run) => run.status }),
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
    trigger: t.field({ type: TriggerEnum, description: "Why it ran: its schedule, an operator, a retry, a backfill...", resolve: (run) => run.trigger }),
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

/** Shared by every run connection (Query.runs, Job.runs and the deprecated activities). */
export const RunConnectionRef = builder.connectionObject(
  {
    type: RunRef,
    name: "RunConnection",
    description: "A page of runs, in the order asked for (newest first by default).",
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
  { name: "RunEdge", description: "A run and its cursor." },
);

export const RunOrderFieldEnum = builder.enumType("RunOrderField", {
  description: "What runs are ordered by; ties are broken by the order runs were recorded.",
  values: enumValues<RunOrderField>(RUN_ORDER_FIELDS, {
    scheduledFor: "When the occurrence was due.",
    startedAt: "When the run started (the default).",
    duration: "How long it took; runs still going count as the shortest.",
  }),
});

export const OrderDirectionEnum = builder.enumType("OrderDirection", {
  description: "Which way an order runs.",
  values: enumValues<OrderDirection>(ORDER_DIRECTIONS, { asc: "Smallest (earliest, shortest) first.", desc: "Largest (latest, longest) first." }),
});

export const RunOrderRef = builder.inputType("RunOrder", {
  description: "How to order runs: a field and a direction. Default: startedAt, newest first.",
  fields: (t) => ({
    field: t.field({ type: RunOrderFieldEnum, required: true, description: "What to order by." }),
    direction: t.field({ type: OrderDirectionEnum, required: true, description: "Which way." }),
  }),
});

const DEFAULT_ORDER: RunOrder = { field: "startedAt", direction: "desc" };

export interface PageArgs {
  readonly first?: number | null;
  readonly last?: number | null;
  readonly after?: string | null;
  readonly before?: string | null;
}

/** first/last within 0..maxPage, not both; BAD_USER_INPUT naming the argument otherwise. */
export function checkPage(first: number | null | undefined, last: number | null | undefined): void {
  for (const [name, n] of [["first", first], ["last", last]] as const) {
    if (n != null && (n < 0 || n > LIMITS.maxPage)) throw apiError("BAD_USER_INPUT", `${name}: expected 0..${LIMITS.maxPage}, got ${n}`, name);
  }
  if (first != null && last != null) throw apiError("BAD_USER_INPUT", "last: pass first (with after) or last (with before), not both", "last");
}

function position(order: string, cursor: string, arg: string) {
  const p = readCursor("run", order, cursor, arg);
  const value = Number(p.value);
  const id = Number(p.tie);
  if (!Number.isSafeInteger(value) || !Number.isSafeInteger(id)) throw apiError("BAD_USER_INPUT", `${arg}: not a cursor of this API; pass one this connection returned`, arg);
  return { value, id };
}

/** A page of runs in `order`: forwards with first/after, backwards with last/before. */
export async function resolveRunConnection(ctx: ApiContext, filter: ActivityFilter, args: PageArgs, order: RunOrder = DEFAULT_ORDER) {
  checkPage(args.first, args.last);
  if (!ctx.deps.activities.page) throw new Error("this API's activity reader cannot page runs");
  const key = `${order.field}.${order.direction}`;
  const after = args.after == null ? undefined : position(key, args.after, "after");
  const before = args.before == null ? undefined : position(key, args.before, "before");
  const backwards = args.last != null;
  const size = backwards ? args.last! : (args.first ?? LIMITS.defaultPage);
  const page = await ctx.deps.activities.page(filter, { order, ...(backwards ? { last: size } : { first: size }), ...(after && { after }), ...(before && { before }) });
  const edges = page.items.map((item) => ({ cursor: makeCursor("run", key, { value: String(item.position.value), tie: String(item.position.id) }), node: item.run }));
  return {
    filter,
    edges,
    pageInfo: {
      hasNextPage: backwards ? before !== undefined : page.more,
      hasPreviousPage: backwards ? page.more : after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/**
 * The deprecated activities connections: newest first, forward only, the
 * store's own cursors (so pages a client holds keep working).
 */
export async function resolveActivityConnection(ctx: ApiContext, filter: ActivityFilter, args: PageArgs) {
  const first = args.first ?? LIMITS.defaultPage;
  if (first < 0 || first > LIMITS.maxPage) throw apiError("BAD_USER_INPUT", `first: expected 0..${LIMITS.maxPage}, got ${first}`, "first");
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

type FilterFields = Parameters<Parameters<typeof builder.inputType>[1]["fields"]>[0];

/** The fields of RunFilter (and of the deprecated ActivityFilter, the same by another name). */
function runFilterFields(t: FilterFields) {
  return {
    label: t.string({ description: "Exact job label." }),
    statuses: t.field({ type: [StatusEnum], description: "Any of these statuses." }),
    since: t.field({ type: "DateTime", description: "Started at or after." }),
    until: t.field({ type: "DateTime", description: "Started before." }),
    triggers: t.field({ type: [TriggerEnum], description: "Any of these triggers." }),
    app: t.string({ description: "Runs of the jobs this app registered (discovered jobs)." }),
    search: t.string({ description: "Case-insensitive substring of the run's message." }),
  };
}

export const RunFilterInput = builder.inputType("RunFilter", { description: "Which runs: every condition given must hold.", fields: runFilterFields });
const ActivityFilterInput = builder.inputType("ActivityFilter", { description: "Which runs (the argument of the deprecated activities; use runs with RunFilter).", fields: runFilterFields });

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

export const ORDER_BY_DOC = "Order of the runs; default startedAt, newest first. Cursors belong to the order they were made in.";

builder.queryFields((t) => ({
  runs: t.connection(
    {
      type: RunRef,
      description: "Runs of every job (or those the filter picks), newest first unless orderBy says otherwise.",
      args: {
        filter: t.arg({ type: RunFilterInput, description: "Which runs; default all." }),
        orderBy: t.arg({ type: RunOrderRef, description: ORDER_BY_DOC }),
      },
      complexity: (args) => ({ field: 1, multiplier: Math.max(1, args.first ?? args.last ?? LIMITS.defaultPage) }),
      resolve: (_root, args, ctx) => resolveRunConnection(ctx, toFilter(args.filter as FilterArgs), args, (args.orderBy as RunOrder | null) ?? undefined) as never,
    },
    RunConnectionRef,
  ),
  run: t.field({
    type: RunRef,
    nullable: true,
    description: "One run by its runId or its global id (exactly one); null when none matches.",
    args: { runId: t.arg.string({ description: "The run's runId." }), id: t.arg.id({ description: "The run's global id (Run.id)." }) },
    resolve: async (_root, args, ctx) => {
      return ctx.deps.activities.get(runIdOf(args, "run"));
    },
  }),
  activities: t.field({
    type: RunConnectionRef,
    description: "Runs of every job, newest first.",
    deprecationReason: "Use runs (any order, paging both ways, RunFilter).",
    args: {
      filter: t.arg({ type: ActivityFilterInput, description: "Which runs; default all." }),
      first: t.arg.int({ description: `Page size, default ${LIMITS.defaultPage}, at most ${LIMITS.maxPage}.` }),
      after: t.arg.string({ description: "endCursor of the previous page." }),
    },
    complexity: (args) => ({ field: 1, multiplier: Math.max(1, args.first ?? LIMITS.defaultPage) }),
    resolve: (_root, args, ctx) => resolveActivityConnection(ctx, toFilter(args.filter as FilterArgs), args) as never,
  }),
  activity: t.field({
    type: RunRef,
    nullable: true,
    description: "One run by its runId; null when none matches.",
    deprecationReason: "Use run(runId:) or run(id:).",
    args: { runId: t.arg.string({ required: true, description: "The run's runId." }) },
    resolve: (_root, { runId }, ctx) => ctx.deps.activities.get(runId),
  }),
}));

const SubscriptionFilterInput = builder.inputType("RunSubscriptionFilter", {
  description: "Which runs a subscription hears of; default all.",
  fields: (t) => ({
    label: t.string({ description: "Exact job label." }),
    statuses: t.field({ type: [StatusEnum], description: "Any of these statuses." }),
  }),
});

function matches(f: { label?: string | null; statuses?: readonly Status[] | null } | null | undefined) {
  return (run: RunRecord) => !f || ((f.label == null || run.label === f.label) && (f.statuses == null || f.statuses.includes(run.status)));
}

const FILTER_DOC = "Only the runs this picks.";

/** A subscription's source: the log's events of `topic` that `keep` picks, resumed after ctx.lastEventId, their ids recorded for sse.ts. */
export function eventStream<K extends Topic>(ctx: ApiContext, topic: K, keep: (value: EventTopics[K]) => boolean) {
  return ctx.subscriptions.track(recordIds(ctx.eventIds, pipe(ctx.events.stream(topic, ctx.lastEventId), filter((e: LoggedEvent<EventTopics[K]>) => keep(e.value)))));
}

builder.subscriptionFields((t) => {
  /** A subscription to the runs of one topic of the event log, filtered. */
  const runs = (topic: "activity" | "runStarted", description: string, deprecationReason?: string) =>
    t.field({
      type: RunRef,
      description,
      ...(deprecationReason !== undefined && { deprecationReason }),
      args: { filter: t.arg({ type: SubscriptionFilterInput, description: FILTER_DOC }) },
      subscribe: (_root, args, ctx) => eventStream(ctx, topic, matches(args.filter as Parameters<typeof matches>[0])),
      resolve: (event) => (event as LoggedEvent<RunRecord>).value,
    });
  return {
    runFinished: runs("activity", "Each run as it finishes (any status, including SKIPPED and MISSED). Resumable: see extensions.eventId and Last-Event-ID in the README."),
    activity: runs("activity", "Each run as it finishes (any status, including SKIPPED).", "Use runFinished."),
    runStarted: runs("runStarted", "Each run as it starts (status RUNNING). Resumable like runFinished."),
  };
});
