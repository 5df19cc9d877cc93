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
import { apiError, blaming } from "../errors.ts";
import { requireJob } from "../jobs.ts";
import { BackfillStateEnum } from "./enums.ts";
import { RunRef, JobRef } from "./refs.ts";
import { globalIdOf, ID_ARG_DOC, LABEL_ARG_DOC, labelOf, runIdOf, targetArg } from "../targets.ts";

/** Who asks, as a pause or a cancel records it: the caller's role (tokens have no names), "via cli" when the CLI says so. */
export function callerOf(ctx: ApiContext): string {
  return `${ctx.role ?? "anonymous"}${ctx.via === "cli" ? " via cli" : ""}`;
}

export const PauseRef = builder.objectRef<Pause>("Pause").implement({
  description: "An operator switched the job off: why, who, when, until when. The plain switch (deactivateJob) is a pause without a note.",
  fields: (t) => ({
    note: t.exposeString("note", { description: 'Why; "" for a plain switch.' }),
    by: t.exposeString("by", { description: 'Who: the caller\'s role ("operator", "admin"), with "via cli" from the CLI.' }),
    at: t.field({ type: "DateTime", nullable: true, description: "When it was switched off; null when not recorded.", resolve: (p) => p.at }),
    until: t.field({ type: "DateTime", nullable: true, description: "When it resumes by itself; null = until resumeJob.", resolve: (p) => p.until }),
  }),
});

export const BackfillRef = builder.objectRef<BackfillProgress>("Backfill").implement({
  description: "A backfill of a job's occurrences in a range: what it will run, what it has run.",
  fields: (t) => ({
    from: t.field({ type: "DateTime", description: "The range's start (included).", resolve: (b) => b.from }),
    to: t.field({ type: "DateTime", description: "The range's end (included).", resolve: (b) => b.to }),
    by: t.exposeString("by", { description: 'Who started it: the caller\'s role, with "via cli" from the CLI.' }),
    count: t.exposeInt("count", { description: "Occurrences it runs (in the range, minus those already recorded unless again)." }),
    skipped: t.exposeInt("skipped", { description: "Occurrences in the range already recorded, not run again." }),
    done: t.exposeInt("done", { description: "Runs finished so far." }),
    state: t.field({ type: BackfillStateEnum, description: "Where it stands: running, done, cancelled, or dry_run (counted, nothing run).", resolve: (b) => b.state }),
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
  if (!Number.isFinite(value)) throw apiError("BAD_USER_INPUT", `${name}: expected an ISO-8601 date/time`, name);
  return value;
}

/** The argument a pause's error is about: `until` (not in the future), else the job's. */
const pauseArg = (args: { label?: string | null }) => (error: unknown) => (/\buntil\b/.test((error as Error)?.message ?? "") ? "until" : targetArg(args));

const NOTE_DOC = "Why (shown with the job; recorded with who and when).";
const UNTIL_DOC = "When it resumes by itself (in the future); default: until resumeJob.";

builder.mutationFields((t) => ({
  pauseJob: t.field({
    type: JobRef,
    description: "Switch a job off with a note (operator); with until, it resumes by itself then. Survives restarts.",
    authScopes: { operator: true },
    args: {
      label: t.arg.string({ description: LABEL_ARG_DOC }),
      id: t.arg.id({ description: ID_ARG_DOC }),
      note: t.arg.string({ required: true, description: NOTE_DOC }),
      until: t.arg({ type: "DateTime", description: UNTIL_DOC }),
    },
    resolve: async (_root, args, ctx) => {
      const label = labelOf(args, "pauseJob");
      const until = args.until == null ? null : instant("until", args.until);
      return blaming(async () => {
        await ctx.deps.jobs.pause(label, { note: args.note, by: callerOf(ctx), until });
        return requireJob(ctx, label);
      }, pauseArg(args));
    },
  }),
  resumeJob: t.field({
    type: JobRef,
    description: "Switch a paused job on again (operator).",
    authScopes: { operator: true },
    args: { label: t.arg.string({ description: LABEL_ARG_DOC }), id: t.arg.id({ description: ID_ARG_DOC }) },
    resolve: async (_root, args, ctx) => {
      const label = labelOf(args, "resumeJob");
      return blaming(async () => {
        await ctx.deps.jobs.setActive(label, true);
        return requireJob(ctx, label);
      }, () => targetArg(args));
    },
  }),
  pauseJobs: t.field({
    type: [JobRef],
    description: "Pause every job of an app and/or the jobs given (labels, ids), in one step (a deploy, an incident) (operator). Returns the jobs paused.",
    authScopes: { operator: true },
    args: {
      app: t.arg.string({ description: "Every job this app registered." }),
      labels: t.arg.stringList({ description: "These jobs, by label." }),
      ids: t.arg.idList({ description: "These jobs, by global id (Job.id)." }),
      note: t.arg.string({ required: true, description: NOTE_DOC }),
      until: t.arg({ type: "DateTime", description: UNTIL_DOC }),
    },
    resolve: async (_root, { app, labels, ids, note, until }, ctx) => {
      const named = [...(labels ?? []), ...(ids ?? []).map((id) => globalIdOf(String(id), "Job", "ids"))];
      const end = until == null ? null : instant("until", until);
      const paused = await blaming(
        () => ctx.deps.jobs.pauseMany({ app, labels: labels == null && ids == null ? labels : named }, { note, by: callerOf(ctx), until: end }),
        (error) => (/\buntil\b/.test((error as Error).message) ? "until" : /give app or labels/.test((error as Error).message) ? "labels" : ids != null ? "ids" : labels != null ? "labels" : "app"),
      );
      return Promise.all(paused.map((label) => requireJob(ctx, label)));
    },
  }),
  cancelRun: t.field({
    type: RunRef,
    description:
      "Cancel a run going on (operator): its signal is aborted, a shell job's process group gets TERM then KILL after a grace, " +
      "a worker that does not stop is ended. Returns the run, status CANCELLED, with who cancelled it in its message.",
    authScopes: { operator: true },
    args: { runId: t.arg.string({ description: "The run's runId (or give id)." }), id: t.arg.id({ description: "The run's global id, Run.id (or give runId)." }) },
    resolve: async (_root, args, ctx) => {
      const runId = runIdOf(args, "cancelRun");
      return blaming(() => ctx.deps.scheduler.cancelRun(runId, callerOf(ctx)), () => (args.runId != null ? "runId" : "id"));
    },
  }),
  backfillJob: t.field({
    type: BackfillRef,
    description:
      "Run each occurrence of a job's schedule in [from, to], oldest first, trigger BACKFILL (admin); occurrences already recorded are " +
      "skipped unless again. Returns at once with count; follow Job.backfill. dryRun: count only.",
    authScopes: { admin: true },
    args: {
      label: t.arg.string({ description: LABEL_ARG_DOC }),
      id: t.arg.id({ description: ID_ARG_DOC }),
      from: t.arg({ type: "DateTime", required: true, description: "The first instant of the range." }),
      to: t.arg({ type: "DateTime", required: true, description: "The last instant of the range (included)." }),
      dryRun: t.arg.boolean({ defaultValue: false, description: "Only count the occurrences; run nothing." }),
      again: t.arg.boolean({ defaultValue: false, description: "Run occurrences already recorded too." }),
    },
    resolve: async (_root, args, ctx) => {
      const label = labelOf(args, "backfillJob");
      const { from, to, dryRun, again } = args;
      const range = { from: instant("from", from), to: instant("to", to) };
      return blaming(async () => {
        await ctx.deps.jobs.require(label);
        return ctx.deps.scheduler.backfill(label, { ...range, dryRun: dryRun === true, again: again === true, by: callerOf(ctx) });
      }, (error) => {
        const message = (error as Error).message;
        if (/--from must be before --to|shorter range/.test(message)) return "to";
        if (/backfill going on/.test(message)) return targetArg(args);
        return targetArg(args);
      });
    },
  }),
  cancelBackfill: t.field({
    type: "Boolean",
    description: "Stop a job's backfill after the run going on (admin); false when none goes on. Run backfillJob again to resume: what ran is skipped.",
    authScopes: { admin: true },
    args: { label: t.arg.string({ description: LABEL_ARG_DOC }), id: t.arg.id({ description: ID_ARG_DOC }) },
    resolve: async (_root, args, ctx) => {
      const label = labelOf(args, "cancelBackfill");
      return blaming(async () => ctx.deps.scheduler.cancelBackfill(label), () => targetArg(args));
    },
  }),
}));

/** runJobNow's kwargs: a JSON object of strings, numbers and booleans (data for the callback), else a clear refusal. */
export function parseRunKwargs(value: unknown): RunKwargs {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw apiError("BAD_USER_INPUT", "kwargs: expected a JSON object, e.g. {\"date\": \"2026-01-01\"}", "kwargs");
  for (const [key, v] of Object.entries(value)) {
    if (!["string", "number", "boolean"].includes(typeof v)) throw apiError("BAD_USER_INPUT", `kwargs.${key}: expected a string, number or boolean, got ${v === null ? "null" : typeof v}`, "kwargs");
  }
  return value as RunKwargs;
}
