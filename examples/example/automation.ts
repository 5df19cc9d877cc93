/**
 * More example callbacks (example.automation.<name>): keyword arguments,
 * timeouts, failures that are retried.
 */
import { Result, STATUS, type JobContext } from "tickd";

type Kwargs = Record<string, string | number | boolean>;

/** Never runs: its job is marked active = no. */
export function inactive_job() {
  return Result(STATUS.success, { message: "Inactive jobs are listed but never scheduled." });
}

/** Sends the morning report to the configured recipients. */
export function morning_report(kwargs: Kwargs) {
  return Result(STATUS.success, { message: `Report sent to ${String(kwargs.recipients)}.` });
}

/** Deletes sessions older than `older_than_days` (counts only when `dry_run` is true). */
export async function prune_sessions(kwargs: Kwargs, ctx: JobContext) {
  const days = Number(kwargs.older_than_days ?? 30);
  // Stand-in for a database call that honours the timeout through the signal.
  await new Promise((resolve) => setTimeout(resolve, 50));
  if (ctx.signal.aborted) return Result(STATUS.timeout, { message: "Pruning stopped at the timeout." });
  const verb = kwargs.dry_run === true ? "Would prune" : "Pruned";
  return Result(STATUS.success, { message: `${verb} ${String(kwargs.table)} older than ${days} days.` });
}

/** Syncs with an unreliable upstream: fails with probability `failure_rate`. */
export function flaky_sync(kwargs: Kwargs) {
  const rate = typeof kwargs.failure_rate === "number" ? kwargs.failure_rate : 0.3;
  if (Math.random() < rate) throw new Error("upstream answered 503 Service Unavailable");
  return Result(STATUS.success, { message: "Upstream in sync." });
}

// Daily café statistics; the label shows that dots, spaces and unicode are fine.
export const cafe_stats = (_kwargs: Kwargs, ctx: JobContext) => {
  ctx.log("counting coffees");
  return Result(STATUS.success, { message: "☕ statistics updated." });
};
