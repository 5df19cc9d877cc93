import type { JobContext } from "./index.ts";
import { type Result, type ResultObject } from "./result.ts";
/**
 * Call `fn(...args)` as the run of `ctx`: Activity.log called from it,
 * now or after any await, finds this run. The engine and the callback worker
 * start every callback through this.
 */
export declare function callInRun<A extends unknown[], R>(ctx: JobContext, fn: (...args: A) => R, ...args: A): R;
/**
 * `fn` bound to the run of `ctx`, for a start prepared ahead (the start
 * gate): calling it later costs less at the instant than callInRun, which
 * enters the context at the call (measured: about a third).
 */
export declare function bindToRun<F extends (...args: never[]) => unknown>(ctx: JobContext, fn: F): F;
/** The run of `ctx` has ended: what Activity.log set for it, if anything. Later calls for it are errors. */
export declare function endRun(ctx: JobContext): Result | undefined;
export declare const Activity: Readonly<{
    /**
     * Set the result of the run of job `jobId` under way in this callback
     * (`Activity.log(ctx.jobId, Result(STATUS.SUCCESS, "done"))`). The run
     * records it when the callback returns nothing; a returned result wins.
     * Called outside a run or for another job, it throws; after the run ended,
     * it says so on stderr and changes nothing.
     */
    log(jobId: string, result: Result | ResultObject | string): void;
}>;
