/**
 * Operator controls (issue 16): pause with a note, resume, pause many, cancel
 * a run, backfill a range; and what they show on a Job (pause, backfill).
 * Roles: operator for pause, resume and cancel; admin for backfill (and for
 * runJobNow's kwargs, in job.ts). Arguments are data: nothing here runs code
 * a client sends.
 */
import type { BackfillProgress } from "../../engine/backfill.ts";
import type { RunKwargs } from "../../engine/types.ts";
import type { Pause } from "../../jobs/index.ts";
import { builder } from "../builder.ts";
import type { ApiContext } from "../context.ts";
import { apiError } from "../errors.ts";
import { requireJob } from "../jobs.ts";
import { RunRef, JobRef } from "./refs.ts";

/** Who asks, as a pause or a cancel records it: the caller's role (tokens have no names), "via cli" when the CLI says so. */
export function callerOf(ctx: ApiContext): string {
  return `${ctx.role ?? "anonymous"}${ctx.via === "cli" ? " via cli" : ""}`;
}

export const PauseRef = builder.objectRef<Pause>("Pause").implement({
  description: "An operator switched the job off: why, who, when, until when. The plain switch (deactivateJob) is a pause without a note.",
  fields: (t) => ({
    note: t.exposeString("note", { description: 'Why; "" for a plain switch.' }),
    by: t.exposeString("by", { description: 'Who: the caller\'s role ("operator", "admin"), with "via cli" from the CLI.' }),
    at: t.field({ type: "DateTime", nullable: true, resolve: (p) => p.at }),
    until: t.field({ type: "DateTime", nullable: true, description: "When it resumes by itself; null = until resumeJob.", resolve: (p) => p.until }),
  }),
});

export const BackfillRef = builder.objectRef<BackfillProgress>("Backfill").implement({
  description: "A backfill of a job's occurrences in a range: what it will run, what it has run.",
  fields: (t) => ({
    from: t.field({ type: "DateTime", resolve: (b) => b.from }),
    to: t.field({ type: "DateTime", resolve: (b) => b.to }),
    by: t.exposeString("by"),
    count: t.exposeInt("count", { description: "Occurrences it runs (in the range, minus those already recorded unless again)." }),
    skipped: t.exposeInt("skipped", { description: "Occurrences in the range already recorded, not run again." }),
    done: t.exposeInt("done", { description: "Runs finished so far." }),
    state: t.exposeString("state", { description: "running, done, cancelled, or dry-run (counted, nothing run)." }),
  }),
});

builder.objectFields(JobRef, (t) => ({
  pause: t.field({ type: PauseRef, nullable: true, description: "Switched off by an operator: why, who, until when; null when on, or off by the file or registration.", resolve: (job) => job.pause }),
  backfill: t.field({
    type: BackfillRef,
    nullable: true,
    description: "The job's backfill going on, or its last one since the service started.",
    resolve: (job, _args, ctx) => ctx.deps.scheduler.backfillOf(job.label),
  }),
}));

/** An ISO instant argument, already epoch ms (DateTime scalar); refuses NaN. */
function instant(name: string, value: number): number {
  if (!Number.isFinite(value)) throw apiError("BAD_USER_INPUT", `${name}: expected an ISO-8601 date/time`);
  return value;
}

builder.mutationFields((t) => ({
  pauseJob: t.field({
    type: JobRef,
    description: "Switch a job off with a note (operator); with until, it resumes by itself then. Survives restarts.",
    authScopes: { operator: true },
    args: { label: t.arg.string({ required: true }), note: t.arg.string({ required: true }), until: t.arg({ type: "DateTime" }) },
    resolve: async (_root, { label, note, until }, ctx) => {
      await ctx.deps.jobs.pause(label, { note, by: callerOf(ctx), until: until == null ? null : instant("until", until) });
      return requireJob(ctx, label);
    },
  }),
  resumeJob: t.field({
    type: JobRef,
    description: "Switch a paused job on again (operator).",
    authScopes: { operator: true },
    args: { label: t.arg.string({ required: true }) },
    resolve: async (_root, { label }, ctx) => {
      await ctx.deps.jobs.setActive(label, true);
      return requireJob(ctx, label);
    },
  }),
  pauseJobs: t.field({
    type: [JobRef],
    description: "Pause every job of an app and/or the labels given, in one step (a deploy, an incident) (operator). Returns the jobs paused.",
    authScopes: { operator: true },
    args: { app: t.arg.string(), labels: t.arg.stringList(), note: t.arg.string({ required: true }), until: t.arg({ type: "DateTime" }) },
    resolve: async (_root, { app, labels, note, until }, ctx) => {
      const paused = await ctx.deps.jobs.pauseMany({ app, labels }, { note, by: callerOf(ctx), until: until == null ? null : instant("until", until) });
      return Promise.all(paused.map((label) => requireJob(ctx, label)));
    },
  }),
  cancelRun: t.field({
    type: RunRef,
    description:
      "Cancel a run going on (operator): its signal is aborted, a shell job's process group gets TERM then KILL after a grace, " +
      "a worker that does not stop is ended. Returns the run, status CANCELLED, with who cancelled it in its message.",
    authScopes: { operator: true },
    args: { runId: t.arg.string({ required: true }) },
    resolve: (_root, { runId }, ctx) => ctx.deps.scheduler.cancelRun(runId, callerOf(ctx)),
  }),
  backfillJob: t.field({
    type: BackfillRef,
    description:
      "Run each occurrence of a job's schedule in [from, to], oldest first, trigger BACKFILL (admin); occurrences already recorded are " +
      "skipped unless again. Returns at once with count; follow Job.backfill. dryRun: count only.",
    authScopes: { admin: true },
    args: {
      label: t.arg.string({ required: true }),
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
      dryRun: t.arg.boolean({ defaultValue: false }),
      again: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (_root, { label, from, to, dryRun, again }, ctx) => {
      await ctx.deps.jobs.require(label);
      return ctx.deps.scheduler.backfill(label, { from: instant("from", from), to: instant("to", to), dryRun: dryRun === true, again: again === true, by: callerOf(ctx) });
    },
  }),
  cancelBackfill: t.field({
    type: "Boolean",
    description: "Stop a job's backfill after the run going on (admin); false when none goes on. Run backfillJob again to resume: what ran is skipped.",
    authScopes: { admin: true },
    args: { label: t.arg.string({ required: true }) },
    resolve: (_root, { label }, ctx) => ctx.deps.scheduler.cancelBackfill(label),
  }),
}));

/** runJobNow's kwargs: a JSON object of strings, numbers and booleans (data for the callback), else a clear refusal. */
export function parseRunKwargs(value: unknown): RunKwargs {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw apiError("BAD_USER_INPUT", "kwargs: expected a JSON object, e.g. {\"date\": \"2026-01-01\"}");
  for (const [key, v] of Object.entries(value)) {
    if (!["string", "number", "boolean"].includes(typeof v)) throw apiError("BAD_USER_INPUT", `kwargs.${key}: expected a string, number or boolean, got ${v === null ? "null" : typeof v}`);
  }
  return value as RunKwargs;
}
