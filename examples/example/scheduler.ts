/**
 * Example job callbacks, referenced from examples/config/scheduler.ini as
 * example.scheduler.<name>. The binary serves "tickd" to this module; for
 * type checking in your own project, install the tickd package.
 */
import { Result, STATUS, type JobContext } from "tickd";

/** Proves the scheduler runs: logs its keyword arguments every few seconds. */
export function test_job(kwargs: Record<string, unknown>, ctx: JobContext) {
  ctx.log("test job called with", JSON.stringify(kwargs));
  return Result(STATUS.success, {
    message: "The test job ran.",
    output: `testing=${String(kwargs.testing)} scheduled for ${ctx.scheduledFor.toISOString()}`,
  });
}

/**
 * Weekly cleanup on Sunday night: removes temporary files older than a week.
 *
 * The real work is left out of the example.
 */
export async function sunday_cleanup(_kwargs: Record<string, unknown>, ctx: JobContext) {
  if (ctx.signal.aborted) return Result(STATUS.skipped, { message: "Shutting down; cleanup skipped." });
  return Result(STATUS.success, { message: "Sunday cleanup done." });
}
