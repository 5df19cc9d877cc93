/**
 * One occurrence of a job from start to its last attempt: jitter, attempts,
 * retries with doubling delay, and the started/finished records of each
 * attempt. The engine decides *whether* an occurrence runs (claims, overlap);
 * this decides *how*.
 */
import type { JobSpec } from "../config/types.ts";
import { STATUS, type Callback } from "../sdk/index.ts";
import type { Clock } from "./clock.ts";
import type { EventHub, EngineLogger } from "./events.ts";
import { runAttempt, type ShutdownSwitch } from "./execute.ts";
import type { EngineStore, RunRecord, Trigger } from "./types.ts";

export interface RunnerDeps {
  readonly clock: Clock;
  readonly store: EngineStore;
  readonly events: EventHub;
  readonly logger: EngineLogger;
  readonly instance: string;
  readonly random: () => number;
  readonly resolve: (spec: JobSpec) => Callback | undefined;
  /** Thrown when the grace period at shutdown is over: running attempts end. */
  readonly shutdown: ShutdownSwitch;
  /** Aborted as soon as shutdown begins: no new attempt starts, waits end. */
  readonly stopping: AbortSignal;
}

export function runId(instance: string, label: string, scheduledFor: number, attempt: number): string {
  return `${instance}:${label}:${scheduledFor}:${attempt}`;
}

/**
 * Run an occurrence through all its attempts; resolves with the last record.
 * The first attempt starts synchronously when there is no jitter, so a job
 * due now starts now.
 */
export async function runOccurrence(deps: RunnerDeps, spec: JobSpec, scheduledFor: number, trigger: Trigger): Promise<RunRecord> {
  if (spec.jitterMs > 0) {
    const delay = Math.floor(deps.random() * spec.jitterMs);
    if (delay > 0) await sleep(deps.clock, delay, deps.stopping);
    if (deps.stopping.aborted) return recordNotStarted(deps, spec, scheduledFor, trigger, "not started: the scheduler stopped during its jitter delay");
  }
  let attempt = 1;
  let currentTrigger = trigger;
  for (;;) {
    const record = await runOneAttempt(deps, spec, scheduledFor, attempt, currentTrigger);
    const failed = record.status === STATUS.failure || record.status === STATUS.error;
    if (!failed || attempt > spec.retries || deps.stopping.aborted) return record;
    const delay = spec.retryDelayMs * 2 ** (attempt - 1);
    deps.logger.log("info", "run.retry", { label: spec.label, attempt: attempt + 1, delayMs: delay, scheduledFor });
    await sleep(deps.clock, delay, deps.stopping);
    if (deps.stopping.aborted) return record;
    attempt += 1;
    currentTrigger = "retry";
  }
}

function runOneAttempt(deps: RunnerDeps, spec: JobSpec, scheduledFor: number, attempt: number, trigger: Trigger): Promise<RunRecord> {
  const started: RunRecord = {
    runId: runId(deps.instance, spec.label, scheduledFor, attempt),
    label: spec.label,
    scheduledFor,
    startedAt: deps.clock.now(),
    status: STATUS.running,
    message: "",
    output: "",
    error: "",
    attempt,
    trigger,
    instance: deps.instance,
  };
  // Recorded from the microtask queue, after the whole burst of due jobs has
  // started (see runAttempt); still before this run's finished record.
  queueMicrotask(() => {
    deps.store.started(started);
    deps.events.emit({ type: "run.started", run: started });
  });
  const callback = spec.target.kind === "call" ? deps.resolve(spec) : undefined;
  return runAttempt({
    spec,
    scheduledFor,
    attempt,
    callback,
    shutdown: deps.shutdown,
    clock: deps.clock,
    onLog: (line) => deps.logger.log("info", "job.log", { label: spec.label, line }),
  }).then((outcome) => {
    const finished: RunRecord = { ...started, ...outcome, endedAt: deps.clock.now() };
    deps.store.finished(finished);
    deps.events.emit({ type: "run.finished", run: finished });
    return finished;
  });
}

/** A run that never started (skipped by overlap, dropped at shutdown): one finished record. */
export function recordNotStarted(deps: Pick<RunnerDeps, "clock" | "store" | "events" | "instance">, spec: JobSpec, scheduledFor: number, trigger: Trigger, message: string): RunRecord {
  const now = deps.clock.now();
  const record: RunRecord = {
    runId: runId(deps.instance, spec.label, scheduledFor, 1),
    label: spec.label,
    scheduledFor,
    startedAt: now,
    endedAt: now,
    status: STATUS.skipped,
    message,
    output: "",
    error: "",
    attempt: 1,
    trigger,
    instance: deps.instance,
  };
  deps.store.finished(record);
  deps.events.emit({ type: "run.finished", run: record });
  return record;
}

/** Wait on the engine's clock; ends early (resolves) when `until` aborts. */
export function sleep(clock: Clock, ms: number, until: AbortSignal): Promise<void> {
  if (until.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clock.clearTimer(handle);
      until.removeEventListener("abort", done);
      resolve();
    };
    const handle = clock.setTimer(done, ms);
    until.addEventListener("abort", done, { once: true });
  });
}
