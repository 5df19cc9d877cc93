/**
 * One occurrence of a job from start to its last attempt: jitter, attempts,
 * retries with doubling delay, and the started/finished records of each
 * attempt. The engine decides *whether* an occurrence runs (claims, overlap);
 * this decides *how*.
 */
import type { JobSpec } from "../config/types.ts";
import { STATUS, type Callback } from "../sdk/index.ts";
import { sleep, type Clock } from "../clock.ts";
import { START_RECORD_WAIT_MS } from "./constants.ts";
import type { EventHub, EngineLogger } from "./events.ts";
import type { Held } from "./admission.ts";
import { CancelSwitch, executeAttempt, type ShutdownSwitch } from "./execute.ts";
import type { EngineLease, EngineStore, RunKwargs, RunRecord, Trigger } from "./types.ts";

/** What an operator adds to one occurrence: parameters, and for a deliberate re-run, no claim and a run id of its own. */
export interface RunExtras {
  readonly kwargs?: RunKwargs;
  /** A re-run of an occurrence already recorded (backfill --again). */
  readonly again?: boolean;
}

/** A run going on that an operator may cancel: its switch, and its finished record. */
export interface Cancellable {
  readonly cancel: CancelSwitch;
  readonly finished: Promise<RunRecord>;
}

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
  /** Working folder of command jobs. */
  readonly cwd?: string;
  /** Where ctx.log lines go besides the output (the log). */
  readonly onLog: (label: string, line: string) => void;
  /** Where a command job's output goes as it comes, besides the capture (EngineOptions.onOutput). */
  readonly onOutput?: (label: string, stream: "stdout" | "stderr", chunk: Uint8Array) => void;
  /** The W3C traceparent of a run, when traces are exported; given to url and command jobs. */
  readonly traceparent?: (run: RunRecord) => string;
  /** The attempts going on, by runId (cancelRun). */
  readonly cancellable: Map<string, Cancellable>;
  /** This instance's lease (store/lease.ts); none: nothing can be taken over (one engine, tests). */
  readonly lease?: EngineLease;
}

/** The record of a run begun before its instance was taken over: it did not start, and the abandoned row another instance wrote is corrected to say so. */
export const FENCED_MESSAGE =
  "missed: not started: this instance was out of touch with the store past its lease (stopped, suspended or cut off) and another instance took over what it held";

/**
 * A run's id: the same for the same attempt of the same occurrence on the
 * same instance (its rows, a retried write, the fence all find it by it).
 * The occurrence's instant comes first so that the store's index of ids
 * grows at its end, as runs are recorded; led by the label, each batch of
 * 1,000 jobs rewrote a page of it for each job once the history outgrew them.
 */
export function runId(instance: string, label: string, scheduledFor: number, attempt: number | "missed"): string {
  return `${scheduledFor}:${instance}:${label}:${attempt}`;
}

/**
 * Run an occurrence through all its attempts; resolves with the last record.
 * The first attempt starts synchronously when there is no jitter, so a job
 * due now starts now. Deliberately not an async function: the common case
 * (no jitter, no retry) costs one attempt and nothing else.
 */
export function runOccurrence(deps: RunnerDeps, spec: JobSpec, scheduledFor: number, trigger: Trigger, onBegun?: () => void, held: Held | null = null, extras?: RunExtras): Promise<RunRecord> {
  if (extras) return runWith(deps, spec, scheduledFor, trigger, onBegun, extras);
  // A jittered run starts after its delay, never in the instant's gate.
  if (spec.jitterMs > 0) return runJittered(deps, spec, scheduledFor, trigger, onBegun);
  const first = runAttempt(deps, spec, scheduledFor, 1, trigger, onBegun, held);
  return spec.retries > 0 ? first.then((record) => retry(deps, spec, scheduledFor, record)) : first;
}

/** An operator's run with parameters, or a re-run: one attempt with the kwargs merged over the job's (no jitter, no retries). */
function runWith(deps: RunnerDeps, spec: JobSpec, scheduledFor: number, trigger: Trigger, onBegun: (() => void) | undefined, extras: RunExtras): Promise<RunRecord> {
  const kwargs = extras.kwargs && Object.keys(extras.kwargs).length > 0 ? extras.kwargs : undefined;
  // Not retried (retriesAfter reads the spec the attempt ran with).
  const ran: JobSpec = { ...spec, retries: 0, ...(kwargs && { kwargs: { ...spec.kwargs, ...kwargs } }) };
  return runAttempt(deps, ran, scheduledFor, 1, trigger, onBegun, null, { ...(kwargs && { kwargs }), ...(extras.again && { again: true }) });
}

async function runJittered(deps: RunnerDeps, spec: JobSpec, scheduledFor: number, trigger: Trigger, onBegun?: () => void): Promise<RunRecord> {
  const delay = Math.floor(deps.random() * spec.jitterMs);
  if (delay > 0) await sleep(deps.clock, delay, deps.stopping);
  if (deps.stopping.aborted) {
    onBegun?.();
    return recordNotStarted(deps, spec, scheduledFor, trigger, "not started: the scheduler stopped during its jitter delay");
  }
  const first = await runAttempt(deps, spec, scheduledFor, 1, trigger, onBegun);
  return retry(deps, spec, scheduledFor, first);
}

/**
 * Whether a finished attempt is tried again: it failed or errored, its job
 * has retries left, and the scheduler is not stopping. The one rule for
 * retry() and for the `retrying` flag of its run.finished event.
 */
export function retriesAfter(spec: JobSpec, record: RunRecord, stopping: AbortSignal): boolean {
  const failed = record.status === STATUS.failure || record.status === STATUS.error;
  return failed && record.attempt <= spec.retries && !stopping.aborted;
}

/** Re-run a failed or errored attempt up to spec.retries times, the delay doubling from retryDelayMs. */
async function retry(deps: RunnerDeps, spec: JobSpec, scheduledFor: number, first: RunRecord): Promise<RunRecord> {
  let record = first;
  for (let attempt = 1; ; attempt++) {
    if (!retriesAfter(spec, record, deps.stopping)) return record;
    const delay = spec.retryDelayMs * 2 ** (attempt - 1);
    deps.logger.log("info", "run.retry", { label: spec.label, attempt: attempt + 1, delayMs: delay, scheduledFor });
    await sleep(deps.clock, delay, deps.stopping);
    if (deps.stopping.aborted) return record;
    record = await runAttempt(deps, spec, scheduledFor, attempt + 1, "retry");
  }
}

/**
 * One attempt: its "running" row is made durable first (store.begin), so a
 * crash from here on leaves a row the next start marks `abandoned`, never
 * nothing; then the callback starts — at the prepared instant when the row
 * was durable before it (the usual case), else as soon as it is. An attempt
 * whose occurrence another instance holds does not start and writes nothing;
 * one whose row the store could not take within START_RECORD_WAIT_MS does not
 * start either, and is recorded `missed` once the store answers. `onBegun`:
 * called once the store has answered (or the wait is over), either way.
 */
function runAttempt(deps: RunnerDeps, spec: JobSpec, scheduledFor: number, attempt: number, trigger: Trigger, onBegun?: () => void, held: Held | null = null, extras?: RunExtras): Promise<RunRecord> {
  // A re-run has its own id (the first run's row stays as it was) and needs no claim.
  const again = extras?.again ? `:again.${deps.clock.now().toString(36)}` : "";
  const planned: RunRecord = {
    runId: runId(deps.instance, spec.label, scheduledFor, attempt) + again,
    label: spec.label,
    scheduledFor,
    startedAt: held ? held.at : deps.clock.now(),
    status: STATUS.running,
    message: "",
    output: "",
    error: "",
    attempt,
    trigger,
    instance: deps.instance,
    ...(extras?.kwargs && { kwargs: extras.kwargs }),
    ...(extras?.again && { claim: false as const }),
  };
  const asked = deps.clock.now();
  return waitForStart(deps, spec, planned, deps.store.begin(planned)).then((answer) => {
    onBegun?.();
    if (answer === "ours") {
      // Still before the prepared instant: held in its gate (opened when the lease holds, instant.ts); otherwise now.
      const open = held && held.gate.openedAt === 0 && !held.gate.cancelled ? held : null;
      // Its row waited out a store outage (catchup = once, or within grace): it starts as a catch-up.
      const run = deps.clock.now() - asked > START_RECORD_WAIT_MS && trigger === "schedule" ? { ...planned, trigger: "catchup" as const } : planned;
      return open ? startAttempt(deps, spec, run, open) : startLeased(deps, spec, run);
    }
    if (answer === "theirs") {
      deps.logger.log("debug", "claim.refused", { label: spec.label, scheduledFor, attempt, message: "another instance has this occurrence" });
      return { ...planned, status: STATUS.skipped, message: "not started: another instance has this occurrence", endedAt: deps.clock.now() };
    }
    const waited = deps.clock.now() - asked;
    const message = `missed: the store did not record the run's start within ${waited} ms (${answer.reason}); not started`;
    deps.logger.log("error", "run.missed", { label: spec.label, scheduledFor, attempt, message });
    const at = Math.max(deps.clock.now(), scheduledFor);
    const missed: RunRecord = { ...planned, startedAt: at, endedAt: at, status: STATUS.missed, message };
    // Replaces the queued "running" row, or updates it should it have gone in meanwhile.
    deps.store.finished(missed);
    deps.events.emit({ type: "run.finished", run: missed });
    return missed;
  });
}

/**
 * Start a run now, once this instance's lease is known to hold: past its end
 * (a stop, a suspend, an outage) it is renewed first, and a run begun before
 * another instance took this one over does not start.
 */
function startLeased(deps: RunnerDeps, spec: JobSpec, planned: RunRecord): Promise<RunRecord> {
  const lease = deps.lease;
  if (!lease || (!lease.fenced(planned.runId) && deps.clock.now() < lease.until())) return startAttempt(deps, spec, planned, null);
  return lease.renew().then(
    (kept) => (kept && !lease.fenced(planned.runId) ? startAttempt(deps, spec, planned, null) : recordFenced(deps, planned, FENCED_MESSAGE)),
    (error: unknown) => recordFenced(deps, planned, `missed: not started: this instance's lease could not be renewed (${error instanceof Error ? error.message : String(error)})`),
  );
}

function recordFenced(deps: RunnerDeps, planned: RunRecord, message: string): RunRecord {
  deps.logger.log("error", "run.fenced", { label: planned.label, scheduledFor: planned.scheduledFor, attempt: planned.attempt, message });
  const at = Math.max(deps.clock.now(), planned.scheduledFor);
  const record: RunRecord = { ...planned, startedAt: at, endedAt: at, status: STATUS.missed, message };
  deps.store.finished(record);
  deps.events.emit({ type: "run.finished", run: record });
  return record;
}

type StartAnswer = "ours" | "theirs" | { readonly reason: string };

/**
 * How long a run's start may wait for the store to take its row: from when
 * it asked, START_RECORD_WAIT_MS; a job with `catchup = once` waits until the
 * store answers (the run is then its catch-up for the outage), one with a
 * longer `grace` until its grace is over. Meanwhile the job's later
 * occurrences are recorded missed (admission.ts).
 */
function startWaitMs(spec: JobSpec, planned: RunRecord, now: number): number | null {
  if (planned.trigger === "manual") return START_RECORD_WAIT_MS;
  const grace = spec.graceMs;
  if (grace !== undefined) return Math.max(START_RECORD_WAIT_MS, planned.scheduledFor + grace - now);
  return spec.catchup === "once" ? null : START_RECORD_WAIT_MS;
}

/** The store's answer to a begin, or a reason once the wait (startWaitMs) is over first. */
function waitForStart(deps: RunnerDeps, spec: JobSpec, planned: RunRecord, begun: Promise<boolean>): Promise<StartAnswer> {
  return new Promise<StartAnswer>((resolve) => {
    let done = false;
    const waitMs = startWaitMs(spec, planned, deps.clock.now());
    const timer = waitMs === null ? null : deps.clock.setTimer(() => finish({ reason: "the store is busy or failing" }), waitMs);
    // A wait without end still ends when the scheduler stops.
    const onStop = () => finish({ reason: "the scheduler stopped while the store was failing" });
    if (waitMs === null) deps.stopping.addEventListener("abort", onStop, { once: true });
    function finish(answer: StartAnswer): void {
      if (done) return;
      done = true;
      if (timer !== null) deps.clock.clearTimer(timer);
      deps.stopping.removeEventListener("abort", onStop);
      resolve(answer);
    }
    begun.then(
      (ours) => finish(ours ? "ours" : "theirs"),
      (error: unknown) => finish({ reason: error instanceof Error ? error.message : String(error) }),
    );
  });
}

function startAttempt(deps: RunnerDeps, spec: JobSpec, planned: RunRecord, held: Held | null): Promise<RunRecord> {
  const gate = held?.gate ?? null;
  const startedAt = held ? held.at : deps.clock.now();
  const callback = spec.target.kind === "call" ? deps.resolve(spec) : undefined;
  // The callback starts inside this call, synchronously — or when the gate opens.
  // ctx.log lines written before the run.started event (the callback's
  // synchronous start) wait for it, so a log reads started, lines, finished.
  let announced = false;
  let early: string[] | undefined;
  const onLog = (label: string, line: string) => {
    if (announced) deps.onLog(label, line);
    else (early ??= []).push(line);
  };
  const { scheduledFor, attempt } = planned;
  const traceparent = spec.target.kind !== "call" && deps.traceparent ? deps.traceparent(planned) : undefined;
  const cancel = new CancelSwitch();
  const watch = deps.onOutput;
  const onOutput = watch && ((stream: "stdout" | "stderr", chunk: Uint8Array) => watch(spec.label, stream, chunk));
  const outcome = executeAttempt({ spec, scheduledFor, attempt, callback, shutdown: deps.shutdown, clock: deps.clock, cwd: deps.cwd, gate, onLog, cancel, ...(traceparent !== undefined && { traceparent }), ...(onOutput && { onOutput }) });
  // The event is emitted from the microtask queue, after the whole burst of
  // due jobs has started; the finished record comes later still (executeAttempt
  // settles no earlier than the microtask after this one).
  let started: RunRecord = planned;
  const announce = () => {
    started = { ...planned, startedAt: gate ? gate.openedAt : startedAt };
    // A run held for an instant the service stopped before never started.
    if (gate?.cancelled) return;
    deps.events.emit({ type: "run.started", run: started });
    announced = true;
    if (early) for (const line of early) deps.onLog(spec.label, line);
  };
  if (gate) void gate.opened.then(announce);
  else queueMicrotask(announce);
  const finished = outcome.then((result) => {
    deps.cancellable.delete(planned.runId);
    // Never before its start: a run held for an instant and cancelled "ends" at that instant.
    const record: RunRecord = { ...started, ...result, endedAt: Math.max(deps.clock.now(), started.startedAt) };
    deps.store.finished(record);
    deps.events.emit(retriesAfter(spec, record, deps.stopping) ? { type: "run.finished", run: record, retrying: true } : { type: "run.finished", run: record });
    return record;
  });
  deps.cancellable.set(planned.runId, { cancel, finished });
  return finished;
}

/** A run that never started (skipped by overlap, dropped at shutdown): one finished record. */
export function recordNotStarted(
  deps: Pick<RunnerDeps, "clock" | "store" | "events" | "instance">,
  spec: JobSpec,
  scheduledFor: number,
  trigger: Trigger,
  message: string,
  status: typeof STATUS.skipped | typeof STATUS.missed = STATUS.skipped,
): RunRecord {
  // Decided up to a few ms ahead of the instant (see StartGate); never dated before it.
  const now = Math.max(deps.clock.now(), scheduledFor);
  const record: RunRecord = {
    runId: runId(deps.instance, spec.label, scheduledFor, 1),
    label: spec.label,
    scheduledFor,
    startedAt: now,
    endedAt: now,
    status,
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
