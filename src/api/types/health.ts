/**
 * Job.health (issue 15): what makes a job stand out in the dashboard's job
 * table — failing (runs went wrong since its last success), slow (a run going
 * on longer than its warn_after) and missed (a missed record lately). Facts,
 * not verdicts: `slowAt` is an instant, so a page can tell when a run going on
 * becomes slow without asking again. Batched: one store round per request.
 */
import type { JobFlags } from "../../store/activity.ts";
import { builder } from "../builder.ts";
import { MISSED_RECENT_MS } from "../batch.ts";
import { JobRef } from "./refs.ts";

interface HealthModel {
  readonly flags: JobFlags | null;
  readonly warnAfterMs: number | null;
}

const NO_FLAGS: JobFlags = { failuresInRow: 0, runningSince: null, lastMissedAt: null };

const JobHealthRef = builder.objectRef<HealthModel>("JobHealth").implement({
  description: "How a job is doing: its failure streak, a run going on too long, a missed occurrence lately.",
  fields: (t) => ({
    failuresInRow: t.int({
      description: "Runs that went wrong (failure, error, timeout, abandoned, missed) since its last success, as tickd_job_consecutive_failures; 0 = not failing.",
      resolve: (h) => (h.flags ?? NO_FLAGS).failuresInRow,
    }),
    runningSince: t.field({ type: "DateTime", nullable: true, description: "Start of its oldest run going on; null when none.", resolve: (h) => (h.flags ?? NO_FLAGS).runningSince }),
    slowAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "When the run going on is (or becomes) slow: runningSince + warn_after; null without warn_after or a run going on. Slow once this has passed.",
      resolve: (h) => {
        const since = (h.flags ?? NO_FLAGS).runningSince;
        return since === null || h.warnAfterMs === null ? null : since + h.warnAfterMs;
      },
    }),
    lastMissedAt: t.field({
      type: "DateTime",
      nullable: true,
      description: `Its newest missed record of the last ${MISSED_RECENT_MS / 3_600_000} hours; null when none.`,
      resolve: (h) => (h.flags ?? NO_FLAGS).lastMissedAt,
    }),
  }),
});

builder.objectFields(JobRef, (t) => ({
  health: t.field({
    type: JobHealthRef,
    description: "Failing, slow, missed: what the job table highlights.",
    resolve: async (job, _args, ctx) => ({
      flags: await ctx.jobFlags(job.label),
      warnAfterMs: ((job as unknown as Record<string, unknown>).warnAfterMs as number | null | undefined) ?? null,
    }),
  }),
}));
