/** Reports app: a nightly job on a cron schedule, discovered inactive. */
import { Result, STATUS, schedule } from "tickd";

export function nightly_summary() {
  return Result(STATUS.success, { message: "summary written" });
}

schedule.register("reports", nightly_summary, { cron: "30 2 * * *", timeout: "5 minutes", retries: 2, retry_delay: "30 seconds" });
