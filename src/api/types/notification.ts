/**
 * Notifications: the alerts the outbox holds and how their delivery went
 * (Job.alerts, notifications), and each channel's record (notificationChannels).
 * Channel addresses are always redacted (`https://hooks.slack.com/services/***`).
 */
import type { ChannelHealth, NotificationView } from "../../store/notifications.ts";
import { builder } from "../builder.ts";
import type { ApiContext } from "../context.ts";
import { LIMITS } from "../limits.ts";
import { NotifyEventEnum } from "./enums.ts";
import { JobRef } from "./refs.ts";

const NotificationStateEnum = builder.enumType("NotificationState", {
  // Lower-case names, as they have always been on the wire (the dashboard reads them).
  description: "Where a notification stands: waiting for (another) attempt, delivered, or given up after its last attempt.",
  values: {
    pending: { value: "pending" as const, description: "Waiting for its first or next attempt." },
    delivered: { value: "delivered" as const, description: "The channel took it." },
    failed: { value: "failed" as const, description: "Every attempt failed; given up." },
  },
});

const NotificationRef = builder.objectRef<NotificationView>("Notification").implement({
  description: "One alert for one channel, and how its delivery went.",
  fields: (t) => ({
    label: t.exposeString("label", { description: "The job's label." }),
    event: t.field({ type: NotifyEventEnum, description: "Why it was raised: failure, error, timeout, abandoned, missed, slow or recovered.", resolve: (n) => n.event }),
    runId: t.exposeString("runId", { description: "The run the alert is about." }),
    channel: t.exposeString("channel", { description: "Where it goes, with its secrets shown as ***." }),
    state: t.field({ type: NotificationStateEnum, description: "Pending, delivered or failed.", resolve: (n) => n.state }),
    attempts: t.exposeInt("attempts", { description: "Delivery attempts so far." }),
    lastError: t.exposeString("lastError", { description: "Why the latest attempt failed; empty when none did." }),
    createdAt: t.field({ type: "DateTime", description: "When the alert was raised.", resolve: (n) => n.createdAt }),
    endedAt: t.field({ type: "DateTime", nullable: true, description: "When it was delivered or given up on.", resolve: (n) => n.endedAt }),
    nextAttemptAt: t.field({ type: "DateTime", nullable: true, description: "Pending only: when it is tried next.", resolve: (n) => n.nextAttemptAt }),
  }),
});

const ChannelRef = builder.objectRef<ChannelHealth>("NotificationChannel").implement({
  description: "A channel alerts were sent to, from its delivery attempts.",
  fields: (t) => ({
    channel: t.exposeString("channel", { description: "Redacted address." }),
    failing: t.exposeBoolean("failing", { description: "Its latest attempt failed." }),
    failuresInRow: t.exposeInt("failuresInRow", { description: "Failed attempts since its last success." }),
    lastError: t.exposeString("lastError", { description: "Why its latest failed attempt failed; empty when none did." }),
    lastAttemptAt: t.field({ type: "DateTime", description: "When it was last tried.", resolve: (c) => c.lastAttemptAt }),
    lastSuccessAt: t.field({ type: "DateTime", nullable: true, description: "When it last took an alert; null when it never did.", resolve: (c) => c.lastSuccessAt }),
    gaveUp: t.exposeInt("gaveUp", { description: "Notifications that ended failed: every attempt used." }),
    pending: t.exposeInt("pending", { description: "Notifications waiting for an attempt." }),
  }),
});

const FIRST_DOC = `How many, newest first; default ${LIMITS.defaultPage}, at most ${LIMITS.maxPage}.`;

function list(ctx: ApiContext, label: string | undefined, first: number | null | undefined): Promise<readonly NotificationView[]> | readonly NotificationView[] {
  const n = Math.min(Math.max(1, first ?? LIMITS.defaultPage), LIMITS.maxPage);
  return ctx.deps.notifications?.list({ ...(label !== undefined && { label }), first: n }) ?? [];
}

builder.objectField(JobRef, "alerts", (t) =>
  t.field({
    type: [NotificationRef],
    description: "Alerts this job raised, newest first, one per channel.",
    args: { first: t.arg.int({ description: FIRST_DOC }) },
    complexity: (args) => ({ field: 1, multiplier: Math.max(1, args.first ?? LIMITS.defaultPage) }),
    resolve: (job, args, ctx) => list(ctx, job.label, args.first),
  }),
);

builder.queryFields((t) => ({
  notifications: t.field({
    type: [NotificationRef],
    description: "Alerts of every job (or of `label`), newest first, one per channel.",
    args: { label: t.arg.string({ description: "Only this job's." }), first: t.arg.int({ description: FIRST_DOC }) },
    complexity: (args) => ({ field: 1, multiplier: Math.max(1, args.first ?? LIMITS.defaultPage) }),
    resolve: (_root, args, ctx) => list(ctx, args.label ?? undefined, args.first),
  }),
  notificationChannels: t.field({
    type: [ChannelRef],
    description: "Every channel alerts went to, failing ones first.",
    resolve: async (_root, _args, ctx) => (await ctx.deps.notifications?.channels()) ?? [],
  }),
}));
