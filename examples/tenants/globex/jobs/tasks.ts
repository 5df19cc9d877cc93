/** Jobs of tenant globex. */
import { Result, STATUS, type JobContext } from "tickd";

/** Proves the tenant's scheduler is alive; the message names the tenant. */
export function heartbeat(kwargs: Record<string, unknown>, ctx: JobContext) {
  ctx.log(`heartbeat from ${kwargs.tenant}`);
  return Result(STATUS.success, { message: `${kwargs.tenant} alive` });
}

/** Sends globex's invoices in `currency`. */
export function invoices(kwargs: Record<string, unknown>) {
  return Result(STATUS.success, { message: `globex invoices sent in ${kwargs.currency}` });
}
