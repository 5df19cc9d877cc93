/**
 * An app's scheduler module for discovery: `tickd discover --apps examples/apps/billing`
 * imports it and stores what it registers (inactive until an operator activates it,
 * unless registered with `active: true`).
 */
import { Result, STATUS, schedule, type JobContext } from "tickd";

/** Send the invoices that fell due since the last run. */
export async function send_invoices(kwargs: Record<string, unknown>, ctx: JobContext) {
  ctx.log(`sending invoices in batches of ${kwargs.batch}`);
  return Result(STATUS.success, { message: "invoices sent" });
}

/** Remind customers whose payment is late. */
export function payment_reminders() {
  return Result(STATUS.success, { message: "reminders sent" });
}

schedule.register("billing", send_invoices, {
  every: "10 minutes",
  description: "Send due invoices",
  kwargs: { batch: 50, currency: "EUR", dry_run: false },
  active: true,
});
schedule.register("billing", payment_reminders, { every: "monday", at: "09:00", timezone: "Europe/Berlin", label: "billing: payment reminders" });
