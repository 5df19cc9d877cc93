/** Reading jobs for the API: the engine's live jobs plus the store's inactive or missing discovered ones, sorted by label. */
import type { ApiContext } from "./context.ts";
import { apiError } from "./errors.ts";
import { jobFromState, jobFromStored, type JobModel } from "./models.ts";

export async function listJobs(ctx: ApiContext): Promise<JobModel[]> {
  const { scheduler } = ctx.deps;
  const live = scheduler.jobs().map((s) => jobFromState(s, scheduler.timezone));
  const seen = new Set(live.map((j) => j.label));
  const missing = ctx.deps.storedJobs ? await ctx.deps.storedJobs() : [];
  for (const row of missing) if (!seen.has(row.spec.label)) live.push(jobFromStored(row, scheduler.timezone));
  return live.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

export async function findJob(ctx: ApiContext, label: string): Promise<JobModel | null> {
  const { scheduler } = ctx.deps;
  const state = scheduler.job(label);
  if (state) return jobFromState(state, scheduler.timezone);
  const missing = ctx.deps.storedJobs ? await ctx.deps.storedJobs() : [];
  const row = missing.find((r) => r.spec.label === label);
  return row ? jobFromStored(row, scheduler.timezone) : null;
}

export async function requireJob(ctx: ApiContext, label: string): Promise<JobModel> {
  const job = await findJob(ctx, label);
  if (!job) throw apiError("NOT_FOUND", `no job labelled ${JSON.stringify(label)}`);
  return job;
}
