/**
 * Scheduler: the instance itself (version, zone, counts), with the admin
 * mutations that act on the whole instance: discover, export, reload.
 */
import type { Diagnostic } from "../../config/types.ts";
import type { ReloadSummary } from "../../engine/types.ts";
import { STATUSES, type Status } from "../../sdk/index.ts";
import { builder } from "../builder.ts";
import type { ApiContext } from "../context.ts";
import type { DiscoverOutcome, ExportedIni, Problem } from "../../jobs/index.ts";
import { listJobs } from "../jobs.ts";
import { diagnosticCode, DiagnosticCodeEnum, StatusEnum } from "./enums.ts";

interface StatusCount {
  readonly status: Status;
  readonly count: number;
}

export const StatusCountRef = builder.simpleObject("StatusCount", {
  description: "How many runs ended with one status.",
  fields: (t) => ({
    status: t.field({ type: StatusEnum, description: "The status." }),
    count: t.int({ description: "How many runs." }),
  }),
});

interface Counts {
  readonly jobs: number;
  readonly active: number;
  readonly missing: number;
  readonly running: number;
  readonly runs: readonly StatusCount[];
}

const CountsRef = builder.objectRef<Counts>("SchedulerCounts").implement({
  description: "The instance's jobs and runs, counted.",
  fields: (t) => ({
    jobs: t.exposeInt("jobs", { description: "Jobs known, including missing ones." }),
    active: t.exposeInt("active", { description: "Jobs that are on (missing ones excluded)." }),
    missing: t.exposeInt("missing", { description: "Discovered jobs whose registration vanished." }),
    running: t.exposeInt("running", { description: "Runs going on now." }),
    runs: t.field({ type: [StatusCountRef], description: "Recorded runs by status (within retention).", resolve: (c) => c.runs }),
  }),
});

interface SchedulerModel {
  readonly ctx: ApiContext;
}

export const SchedulerRef = builder.objectRef<SchedulerModel>("Scheduler").implement({
  description: "This tickd instance.",
  fields: (t) => ({
    version: t.string({ description: "tickd's version.", resolve: ({ ctx }) => ctx.deps.version }),
    instance: t.string({ description: "Name recorded on every run (host:pid unless set).", resolve: ({ ctx }) => ctx.deps.scheduler.instance }),
    timezone: t.string({ description: "The instance zone (--timezone): jobs without their own compute in it.", resolve: ({ ctx }) => ctx.deps.scheduler.timezone }),
    configPath: t.string({ description: "The job file it reads (--config).", resolve: ({ ctx }) => ctx.deps.scheduler.configPath }),
    startedAt: t.field({ type: "DateTime", description: "When the service started.", resolve: ({ ctx }) => ctx.deps.scheduler.startedAt }),
    counts: t.field({
      type: CountsRef,
      description: "Jobs and runs, counted.",
      resolve: async ({ ctx }) => {
        const jobs = await listJobs(ctx);
        const byStatus = await ctx.deps.activities.countsByStatus();
        return {
          jobs: jobs.length,
          active: jobs.filter((j) => j.active && !j.missing).length,
          missing: jobs.filter((j) => j.missing).length,
          running: jobs.reduce((n, j) => n + j.running, 0),
          runs: STATUSES.map((status) => ({ status, count: byStatus[status] ?? 0 })),
        };
      },
    }),
  }),
});

const ProblemRef = builder.objectRef<Problem>("Problem").implement({
  description: "Why a job is left out of the schedule (or a problem of the whole job file): a job-file problem, or a discovered job that does not load.",
  fields: (t) => ({
    file: t.exposeString("file", { description: "The job file, or the app's scheduler module." }),
    line: t.exposeInt("line", { description: "Line in the job file; 0 for discovered jobs." }),
    label: t.exposeString("label", { nullable: true, description: "The job left out; null for a problem of the whole file." }),
    code: t.exposeString("code", { description: "The rule broken, as `tickd check` prints it (bad-unit, invalid-registration...)." }),
    kind: t.field({ type: DiagnosticCodeEnum, nullable: true, description: "code as an enum; null for a code this schema does not list.", resolve: (p) => diagnosticCode(p.code) }),
    message: t.exposeString("message", { description: "What is wrong and what to do." }),
  }),
});

builder.queryFields((t) => ({
  scheduler: t.field({ type: SchedulerRef, description: "This tickd instance.", resolve: (_root, _args, ctx) => ({ ctx }) }),
  problems: t.field({
    type: [ProblemRef],
    description: "Jobs left out at start-up or the last reload, and why: the job file's problems and discovered jobs that do not load.",
    resolve: async (_root, _args, ctx) => (await ctx.deps.jobs.read()).problems,
  }),
}));

const DiscoverResultRef = builder.objectRef<DiscoverOutcome>("DiscoverResult").implement({
  description: "What discoverJobs found.",
  fields: (t) => ({
    added: t.exposeStringList("added", { description: "Labels of jobs registered for the first time (stored inactive)." }),
    updated: t.exposeStringList("updated", { description: "Labels of jobs whose registration changed." }),
    missing: t.exposeStringList("missing", { description: "Registered before, not any more; kept with missing: true." }),
    unscheduled: t.exposeStringList("unscheduled", { description: "Registered without a schedule: manual jobs (schedule kind MANUAL), never scheduled, run only by hand until an operator gives one a schedule (updateJobSchedule)." }),
    problems: t.field({ type: [ProblemRef], description: "What `tickd discover` reports: modules that failed, registrations rejected.", resolve: (r) => r.problems }),
  }),
});

const ExportResultRef = builder.objectRef<ExportedIni>("ExportResult").implement({
  description: "A job file written by exportIni.",
  fields: (t) => ({
    text: t.exposeString("text", { description: "The job file text." }),
    path: t.exposeString("path", { nullable: true, description: "Where it was written; null for a preview." }),
  }),
});

const DiagnosticRef = builder.objectRef<Diagnostic>("Diagnostic").implement({
  description: "A problem in the job file; the job it names is left out or keeps its previous form.",
  fields: (t) => ({
    file: t.exposeString("file", { description: "The job file." }),
    line: t.exposeInt("line", { description: "The line at fault (1-based)." }),
    label: t.exposeString("label", { nullable: true, description: "The job it is about; null for a problem of the whole file." }),
    key: t.exposeString("key", { nullable: true, description: "The key at fault, when there is one." }),
    code: t.exposeString("code", { description: "The rule broken, as `tickd check` prints it (bad-unit, duplicate-label...)." }),
    kind: t.field({ type: DiagnosticCodeEnum, nullable: true, description: "code as an enum; null for a code this schema does not list.", resolve: (d) => diagnosticCode(d.code) }),
    message: t.exposeString("message", { description: "What is wrong and what to do, as one sentence." }),
  }),
});

const ReloadResultRef = builder.objectRef<ReloadSummary>("ReloadResult").implement({
  description: "What reloadConfig changed.",
  fields: (t) => ({
    added: t.exposeStringList("added", { description: "Labels of jobs new in the file." }),
    removed: t.exposeStringList("removed", { description: "Labels of jobs gone from the file." }),
    updated: t.exposeStringList("updated", { description: "Labels of jobs whose section changed." }),
    unchanged: t.exposeInt("unchanged", { description: "How many jobs stayed as they were." }),
    diagnostics: t.field({ type: [DiagnosticRef], description: "The file's problems; the jobs they name are left out or keep their previous form.", resolve: (r) => r.diagnostics }),
  }),
});

builder.mutationFields((t) => ({
  discoverJobs: t.field({
    type: DiscoverResultRef,
    description: "Import the apps' scheduler modules and update discovered jobs (admin).",
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => ctx.deps.jobs.discover(),
  }),
  exportIni: t.field({
    type: ExportResultRef,
    description: "Write the jobs that are on (as activateJob/deactivateJob left them) as a job file, or only return the text with preview: true (admin).",
    authScopes: { admin: true },
    args: { preview: t.arg.boolean({ defaultValue: false, description: "Only return the text; write nothing." }) },
    resolve: (_root, { preview }, ctx) => ctx.deps.jobs.exportIni(preview ?? false),
  }),
  reloadConfig: t.field({
    type: ReloadResultRef,
    description: "Re-read the job file and apply the difference; running jobs keep running (admin).",
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => ctx.deps.jobs.reload(),
  }),
}));
