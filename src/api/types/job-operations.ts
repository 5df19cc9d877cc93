/**
 * The job mutations (switch on and off, run now, schedule edits of discovered
 * jobs, discovery, export, reload) and the jobChanged subscription. No
 * argument lets a client set what code a job runs.
 */
import type { LoggedEvent } from "../events.ts";
import type { JobChangedEvent } from "../pubsub.ts";
import { builder } from "../builder.ts";
import { apiError, blaming } from "../errors.ts";
import { findJob, requireJob } from "../jobs.ts";
import { keyDoc } from "../models.ts";
import { ID_ARG_DOC, LABEL_ARG_DOC, labelOf, targetArg } from "../targets.ts";
import { eventStream } from "./run.ts";
import { RunRef, JobRef } from "./refs.ts";
import { JobChangeEnum } from "./enums.ts";
import type { RunRecord } from "../../engine/types.ts";
import type { ApiContext } from "../context.ts";
import { roleAtLeast } from "../auth.ts";
import { callerOf, parseRunKwargs } from "./controls.ts";

/**
 * Which argument of updateJobSchedule an error is about. The catalog reports
 * a schedule that does not validate with the job file's messages, which name
 * the key first (`every: "10 minuets" is not a unit; ...`, STYLE 5), and no
 * key field (its validator returns strings); so the first key named is the
 * argument. A job-file job or an unknown one is the label's (or id's) fault.
 */
function scheduleArg(error: unknown, args: { label?: string | null }): string | undefined {
  const message = error instanceof Error ? error.message : "";
  if (/not-found|left out|comes from|no job/i.test(message) || (error as { code?: string })?.code === "not-found") return targetArg(args);
  if (/^at goes with/.test(message)) return "at";
  if (/exactly one of every or cron/.test(message)) return "every";
  const named = /\b(every|at|cron|timezone)\b:/.exec(message);
  return named?.[1] ?? "every";
}

builder.mutationFields((t) => ({
  activateJob: t.field({
    type: JobRef,
    description: "Schedule a job (operator).",
    authScopes: { operator: true },
    args: {
      label: t.arg.string({ description: LABEL_ARG_DOC }),
      id: t.arg.id({ description: ID_ARG_DOC }),
    },
    resolve: async (_root, args, ctx) => {
      const label = labelOf(args, "activateJob");
      return blaming(async () => {
        await ctx.deps.jobs.setActive(label, true);
        return requireJob(ctx, label);
      }, () => targetArg(args));
    },
  }),
  deactivateJob: t.field({
    type: JobRef,
    description: "Stop scheduling a job; a run going on finishes (operator).",
    authScopes: { operator: true },
    args: {
      label: t.arg.string({ description: LABEL_ARG_DOC }),
      id: t.arg.id({ description: ID_ARG_DOC }),
    },
    resolve: async (_root, args, ctx) => {
      const label = labelOf(args, "deactivateJob");
      return blaming(async () => {
        // The plain switch: a pause without a note (who and when are recorded all the same).
        await ctx.deps.jobs.setActive(label, false, { note: "", by: callerOf(ctx) });
        return requireJob(ctx, label);
      }, () => targetArg(args));
    },
  }),
  runJobNow: t.field({
    type: RunRef,
    description:
      "Run a job once now (trigger MANUAL) (operator). Returns the finished run; with wait: false, returns as soon as " +
      "the run has started (status RUNNING), for jobs that take long: follow it with the runFinished subscription. " +
      "kwargs (admin): a JSON object of strings, numbers and booleans given to the job over its own, recorded with the run.",
    authScopes: { operator: true },
    args: {
      label: t.arg.string({ description: LABEL_ARG_DOC }),
      id: t.arg.id({ description: ID_ARG_DOC }),
      wait: t.arg.boolean({ defaultValue: true, description: "Answer when the run has finished (true) or as soon as it has started (false)." }),
      kwargs: t.arg({ type: "JSON", description: "Parameters for this run, over the job's own (admin)." }),
    },
    resolve: async (_root, args, ctx) => {
      const label = labelOf(args, "runJobNow");
      const { wait, kwargs } = args;
      if (kwargs != null && !roleAtLeast(ctx.role, "admin")) throw apiError("FORBIDDEN", "runJobNow(kwargs): running with parameters needs the admin role", "kwargs");
      const given = kwargs == null ? undefined : parseRunKwargs(kwargs);
      const run = () => ctx.deps.jobs.runNow(label, given);
      return blaming(() => (wait !== false ? run() : startedRun(ctx, label, run)), () => targetArg(args));
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
      label: t.arg.string({ description: LABEL_ARG_DOC }),
      id: t.arg.id({ description: ID_ARG_DOC }),
      every: t.arg.string({ description: keyDoc("every", "Give every or cron.") }),
      at: t.arg.string({ description: keyDoc("at", "Only with every.") }),
      cron: t.arg.string({ description: keyDoc("cron", "Give every or cron.") }),
      timezone: t.arg.string({ description: keyDoc("timezone") }),
    },
    resolve: async (_root, args, ctx) => {
      const label = labelOf(args, "updateJobSchedule");
      const { every, at, cron, timezone } = args;
      return blaming(async () => {
        await ctx.deps.jobs.updateSchedule(label, { every, at, cron, timezone });
        return requireJob(ctx, label);
      }, (error) => scheduleArg(error, args));
    },
  }),
}));

export const JobChangedRef = builder.objectRef<JobChangedEvent>("JobChangedEvent").implement({
  description: "Something happened to a job (the jobChanged subscription).",
  fields: (t) => ({
    label: t.exposeString("label", { description: "The job's label." }),
    change: t.expose("change", { type: JobChangeEnum, description: "What happened." }),
    at: t.field({ type: "DateTime", description: "When the API heard of it.", resolve: (e) => e.at }),
    job: t.field({ type: JobRef, nullable: true, description: "The job now; null when it was removed.", resolve: (e, _a, ctx) => findJob(ctx, e.label) }),
  }),
});

builder.subscriptionFields((t) => ({
  jobChanged: t.field({
    type: JobChangedRef,
    description: "A job was added, removed, updated, activated or deactivated.",
    args: { label: t.arg.string({ description: "Only this job." }) },
    subscribe: (_root, { label }, ctx) => eventStream(ctx, "jobChanged", (e) => label == null || e.label === label),
    resolve: (event) => (event as LoggedEvent<JobChangedEvent>).value,
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
