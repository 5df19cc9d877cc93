/**
 * `Activity.log(jobId, result)`, so code ported from the original runs
 * unchanged. tickd records every run itself; a call sets the result of the
 * run under way in this callback (found through the async context the
 * engine runs each callback in), which the run records when its callback
 * returns nothing. A result the callback returns wins over a logged one.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { JobContext } from "./index.ts";
import { misuse, readResult, RESULT_FORMS, type Result, type ResultObject } from "./result.ts";

/** The context of the run whose callback (and everything it awaits) is executing. */
const current = new AsyncLocalStorage<JobContext>();

/** Set by the engine when it reads the run's end: a later Activity.log for it is an error. */
const ENDED: unique symbol = Symbol("ended");

/** What Activity.log set for a run; only runs that called it have an entry (until they end). */
const logged = new WeakMap<JobContext, Result | typeof ENDED>();

/**
 * Call `fn(...args)` as the run of `ctx`: Activity.log called from it,
 * now or after any await, finds this run. The engine and the callback worker
 * start every callback through this.
 */
export function callInRun<A extends unknown[], R>(ctx: JobContext, fn: (...args: A) => R, ...args: A): R {
  return current.run(ctx, fn, ...args);
}

/**
 * `fn` bound to the run of `ctx`, for a start prepared ahead (the start
 * gate): calling it later costs less at the instant than callInRun, which
 * enters the context at the call (measured: about a third).
 */
export function bindToRun<F extends (...args: never[]) => unknown>(ctx: JobContext, fn: F): F {
  return current.run(ctx, () => AsyncLocalStorage.bind(fn));
}

/** The run of `ctx` has ended: what Activity.log set for it, if anything. Later calls for it are errors. */
export function endRun(ctx: JobContext): Result | undefined {
  const result = logged.get(ctx);
  logged.set(ctx, ENDED);
  return result === ENDED ? undefined : result;
}

export const Activity = Object.freeze({
  /**
   * Set the result of the run of job `jobId` under way in this callback
   * (`Activity.log(ctx.jobId, Result(STATUS.SUCCESS, "done"))`). The run
   * records it when the callback returns nothing; a returned result wins.
   * Called outside a run or for another job, it throws; after the run ended,
   * it says so on stderr and changes nothing.
   */
  log(jobId: string, result: Result | ResultObject | string): void {
    const ctx = current.getStore();
    if (ctx === undefined) {
      throw misuse("Activity.log: called outside a run of a job; call it from a job's callback while it runs (tickd records every run itself; returning the Result is enough)");
    }
    if (jobId !== ctx.jobId) {
      throw misuse(`Activity.log: ${JSON.stringify(jobId) ?? String(jobId)} is not the job of this run (${JSON.stringify(ctx.jobId)}); pass ctx.jobId`);
    }
    if (logged.get(ctx) === ENDED) {
      // Said, not thrown: this is a stray timer or promise of a finished run,
      // and a throw there would end the scheduler when the job runs in-process.
      console.error(`tickd: ${misuse(`Activity.log: the run of ${JSON.stringify(ctx.jobId)} had already ended, and was recorded without this result; call it before the callback returns`).message}`);
      return;
    }
    const read = readResult(result);
    if ("problem" in read) throw misuse(`Activity.log: got ${read.problem}; pass ${RESULT_FORMS}`);
    logged.set(ctx, read.result);
  },
});
