/** The tick engine: scheduling, running jobs (timeout, abort, retries), events. */
export { createEngine, type Engine, type EngineOptions } from "./engine.ts";
export { systemClock, MAX_TIMER_MS, type Clock, type TimerHandle } from "../clock.ts";
export { TimerQueue, type Queued } from "./queue.ts";
export { executeAttempt, capText, describeError, formatMs, TimeoutError, type AttemptInput, type AttemptOutcome } from "./execute.ts";
export { EventHub, silentLogger, type EngineLogger, type LogLevel, type Listener } from "./events.ts";
export { runId } from "./runner.ts";
export { Alarm } from "./wake.ts";
export { planReconcile, sameSpec, sameSchedule, type ReconcilePlan } from "./reconcile.ts";
export * from "./constants.ts";
export type * from "./types.ts";
