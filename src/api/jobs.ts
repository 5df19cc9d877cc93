/** Reading jobs for the API: the catalog's jobs (src/jobs/), sorted by label, with the engine's live state. */
import type { CatalogEntry } from "../jobs/index.ts";
import type { ApiContext } from "./context.ts";
import { jobFromEntry, type JobModel } from "./models.ts";

function model(ctx: ApiContext, entry: CatalogEntry): JobModel {
  const { scheduler } = ctx.deps;
  // The engine holds the job file's jobs and the discovered jobs that are on.
  const state = entry.missing ? undefined : scheduler.job(entry.label);
  return jobFromEntry(entry, state, scheduler.timezone);
}

export async function listJobs(ctx: ApiContext): Promise<JobModel[]> {
  const view = await ctx.deps.jobs.read();
  return view.entries.map((entry) => model(ctx, entry)).sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

export async function findJob(ctx: ApiContext, label: string): Promise<JobModel | null> {
  const view = await ctx.deps.jobs.read();
  const entry = view.entries.find((e) => e.label === label);
  return entry ? model(ctx, entry) : null;
}

/** The job, or the catalog's not-found error (which says why a left-out job is left out). */
export async function requireJob(ctx: ApiContext, label: string): Promise<JobModel> {
  return model(ctx, await ctx.deps.jobs.require(label));
}
