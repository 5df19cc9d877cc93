/**
 * `stack` without tickd's frames, and without the runtime frames below the
 * last remaining one (the event loop that called tickd). The message lines
 * are kept as they are.
 */
export declare function trimStack(stack: string): string;
/** True when `stack` has a frame of the job's own code (not tickd's, not the runtime's). */
export declare function hasCallerFrame(stack: string): boolean;
/**
 * "app/jobs.ts:8:10": where the job's code called into tickd (the first frame
 * that is neither tickd's nor the runtime's), relative to the working folder
 * when under it; undefined when the stack has none. JavaScriptCore drops the
 * frame of a function that ends in `return f(…)` (a proper tail call), so a
 * callback that returns `Result(…)` directly may leave none: the engine then
 * names the callback instead (engine/returned.ts).
 */
export declare function callerLocation(stack?: string | undefined): string | undefined;
