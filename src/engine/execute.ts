/**
 * Running one attempt of a job: a callback (in its module's worker, or
 * in-process), a shell command or an HTTP request, raced against its
 * timeout and the engine's shutdown signal. Only node: modules and web APIs
 * here, so the engine runs on Deno 2 too.
 */
import type { JobSpec } from "../config/types.ts";
import { Result, STATUS, type Callback, type JobContext, type Status } from "../sdk/index.ts";
import type { Clock, TimerHandle } from "../clock.ts";
import { TimeoutError } from "../errors.ts";
import { capText } from "../store/output-cap.ts";
import { SHUTDOWN_MESSAGE } from "./constants.ts";
import { runCommand, type OutputWatcher } from "./command.ts";
import { describeError, inspect, readReturned } from "./returned.ts";
import { callInRun, endRun } from "../sdk/activity.ts";
import { isolatedOf, type Isolated } from "./worker/pool.ts";
import type { HeldStart, StartGate } from "./start-gate.ts";

export { describeError } from "./returned.ts";
// One home each: the error class in src/errors.ts, the cap (one mark, applied once) in store/output-cap.ts, a leaf module.
export { TimeoutError } from "../errors.ts";
export { capText } from "../store/output-cap.ts";

/** What one attempt ended as; the engine turns it into a RunRecord. */
export interface AttemptOutcome {
  readonly status: Status;
  readonly message: string;
  readonly output: string;
  readonly error: string;
}

export interface AttemptInput {
  readonly spec: JobSpec;
  readonly scheduledFor: number;
  readonly attempt: number;
  /**
   * The resolved callback of a `call` job; undefined when it could not be
   * resolved. One made by worker/pool.ts runs in its module's worker; any
   * other function runs here, in-process.
   */
  readonly callback: Callback | undefined;
  /** Thrown by the engine at shutdown (after the grace period). */
  readonly shutdown: Pick<ShutdownSwitch, "aborted" | "onAbort">;
  readonly clock: Clock;
  /** When set, the callback waits for this gate to open instead of starting now. */
  readonly gate?: StartGate | null;
  /** Working folder of command jobs (the project root). Default: the process's. */
  readonly cwd?: string;
  /** Each ctx.log line, as it is written (the engine logs it). */
  readonly onLog?: (label: string, line: string) => void;
  /** Each chunk a command job writes, as it comes (run-job streams it); the record keeps the capped capture. */
  readonly onOutput?: OutputWatcher;
  /** W3C trace context of the run (when traces are exported): a url job's `traceparent` header, a command's TRACEPARENT. */
  readonly traceparent?: string;
  /** Thrown by an operator (cancelRun): the run ends as `cancelled`. */
  readonly cancel?: CancelSwitch;
}

/** Run one attempt. Never rejects: every way a job can end is an outcome. */
export function executeAttempt(input: AttemptInput): Promise<AttemptOutcome> {
  const isolated = input.spec.target.kind === "call" ? isolatedOf(input.callback) : undefined;
  return isolated ? runInWorker(input, isolated) : runHere(input);
}

/** A callback, command or request run in this thread. */
async function runHere(input: AttemptInput): Promise<AttemptOutcome> {
  const { spec, clock } = input;
  // Made on first use: most callbacks never look at their signal, and a
  // thousand simultaneous starts should not pay for a thousand controllers.
  let controller: AbortController | undefined;
  const lines: string[] = [];
  const ctx: JobContext = {
    label: spec.label,
    jobId: spec.label,
    scheduledFor: new Date(input.scheduledFor),
    attempt: input.attempt,
    get signal() {
      controller ??= new AbortController();
      return controller.signal;
    },
    log: (...parts: unknown[]) => {
      const line = parts.map((p) => (typeof p === "string" ? p : inspect(p))).join(" ");
      lines.push(line);
      input.onLog?.(spec.label, line);
    },
  };
  // What the callback returned or threw; made a promise after the burst has
  // started, so a gate's loop of starts allocates nothing of its own.
  let returned: unknown;
  let threw = false;
  // A copy, so one run cannot change the next run's arguments; made before
  // the start, which then only calls.
  const kwargs = isEmpty(spec.kwargs) ? {} : { ...spec.kwargs };
  const gate = input.gate;
  if (gate) {
    // Prepared ahead of its instant: the engine opens the gate when it comes.
    // A call job's callback is held itself, so the gate's loop calls it directly.
    const call: HeldStart = spec.target.kind === "call" && input.callback ? input.callback : () => invoke(input, ctx, kwargs);
    const held = gate.hold(call, kwargs, ctx);
    await gate.opened;
    // The service stopped before the instant came.
    if (gate.cancelled) return notStarted(gate, lines);
    ({ returned, threw } = gate.result(held));
  } else {
    // Started synchronously, so a job due now starts now (no await before it).
    try {
      returned = callInRun(ctx, invoke, input, ctx, kwargs);
    } catch (error) {
      returned = error;
      threw = true;
    }
    // Everything else waits for the microtask queue: when the engine starts a
    // burst of due jobs in one loop, every callback starts before any of this
    // bookkeeping runs, so the thousandth job is not late by the other 999's.
    await undefined;
  }
  const work = threw ? Promise.reject(returned) : Promise.resolve(returned);
  const abort = (reason: Error) => {
    controller ??= new AbortController();
    controller.abort(reason);
  };

  const settled = await race(work, input);
  // Whatever the end, an Activity.log from here on is too late for this run.
  const logged = endRun(ctx);
  if (settled.kind === "timeout") {
    abort(new TimeoutError(`timed out after ${formatMs(spec.timeoutMs!)}`));
    return outcome(STATUS.timeout, `timed out after ${formatMs(spec.timeoutMs!)}`, lines, "", "");
  }
  if (settled.kind === "shutdown") {
    abort(new Error(SHUTDOWN_MESSAGE));
    return outcome(STATUS.error, SHUTDOWN_MESSAGE, lines, "", "");
  }
  if (settled.kind === "cancelled") {
    // A command's whole process group is ended by its signal: TERM, then KILL after KILL_GRACE_MS (command.ts).
    const message = input.cancel!.message();
    abort(new Error(message));
    return outcome(STATUS.cancelled, message, lines, "", "");
  }
  if (settled.kind === "thrown") {
    const { text, stack } = describeError(settled.error, spec.target.kind === "call" ? spec.target.callback : undefined);
    return outcome(STATUS.error, text, lines, "", stack);
  }
  const read = readReturned(settled.value, logged);
  return outcome(read.status, read.message, lines, read.output, "");
}

/**
 * A callback run in its module's worker (worker/pool.ts): sent there, held
 * for the gate's instant when there is one. At its timeout or shutdown the
 * run is recorded at once, as in-process, and its worker is asked to abort
 * it; a worker that does not answer is ended, so the callback stops.
 */
async function runInWorker(input: AttemptInput, isolated: Isolated): Promise<AttemptOutcome> {
  const { spec, clock, gate } = input;
  const lines: string[] = [];
  const onLog = (line: string) => {
    lines.push(line);
    input.onLog?.(spec.label, line);
  };
  const info = { label: spec.label, scheduledFor: input.scheduledFor, attempt: input.attempt };
  const { module, dotted } = isolated;
  const run = gate ? module.hold(gate, dotted, spec.kwargs, info, onLog, clock) : module.start(dotted, spec.kwargs, info, onLog, clock);
  if (gate) {
    await gate.opened;
    if (gate.cancelled && !gate.workersOpened) {
      run.cancel();
      return notStarted(gate, lines);
    }
  }
  const settled = await race(run.done, input);
  if (settled.kind === "timeout") {
    run.abort(new TimeoutError(`timed out after ${formatMs(spec.timeoutMs!)}`));
    return outcome(STATUS.timeout, `timed out after ${formatMs(spec.timeoutMs!)}`, lines, "", "");
  }
  if (settled.kind === "shutdown") {
    run.abort(new Error(SHUTDOWN_MESSAGE));
    return outcome(STATUS.error, SHUTDOWN_MESSAGE, lines, "", "");
  }
  if (settled.kind === "cancelled") {
    // The worker is asked to abort; one that does not answer within its bound is ended.
    const message = input.cancel!.message();
    run.abort(new Error(message));
    return outcome(STATUS.cancelled, message, lines, "", "");
  }
  if (settled.kind === "thrown") {
    // run.done never rejects; kept for the type.
    const { text, stack } = describeError(settled.error);
    return outcome(STATUS.error, text, lines, "", stack);
  }
  const end = settled.value;
  if (end.kind === "returned") return outcome(end.status, end.message, lines, end.output, "");
  if (end.kind === "threw") return outcome(STATUS.error, end.text, lines, "", end.stack);
  return outcome(STATUS.error, end.message, lines, "", "");
}

/**
 * One promise settled by whichever comes first: the job, its timeout, or
 * shutdown. Not Promise.race and not a listener on a shared AbortSignal:
 * both cost O(runs) per run, which made 1,000 simultaneous starts slow.
 */
function race<T>(work: Promise<T>, input: AttemptInput): Promise<Settled<T>> {
  const { spec, clock, shutdown } = input;
  return new Promise<Settled<T>>((resolve) => {
    let timer: TimerHandle | undefined;
    let unhook: (() => void) | undefined;
    let unhookCancel: (() => void) | undefined;
    let done = false;
    const finish = (result: Settled<T>) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clock.clearTimer(timer);
      unhook?.();
      unhookCancel?.();
      resolve(result);
    };
    // These handlers also mean a job failing after its timeout is never an unhandled rejection.
    work.then(
      (value) => finish({ kind: "value", value }),
      (error) => finish({ kind: "thrown", error }),
    );
    if (spec.timeoutMs !== undefined) timer = clock.setTimer(() => finish({ kind: "timeout" }), spec.timeoutMs);
    if (shutdown.aborted) finish({ kind: "shutdown" });
    else unhook = shutdown.onAbort(() => finish({ kind: "shutdown" }));
    const cancel = input.cancel;
    if (cancel?.aborted) finish({ kind: "cancelled" });
    else if (cancel) unhookCancel = cancel.onAbort(() => finish({ kind: "cancelled" }));
  });
}


/**
 * The engine's shutdown switch. Runs register a hook in a Set (O(1) to add
 * and remove), where an AbortSignal listener list costs O(listeners).
 */
export class ShutdownSwitch {
  #hooks = new Set<() => void>();
  #aborted = false;
  get aborted(): boolean {
    return this.#aborted;
  }
  onAbort(fn: () => void): () => void {
    this.#hooks.add(fn);
    return () => this.#hooks.delete(fn);
  }
  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    for (const fn of [...this.#hooks]) fn();
    this.#hooks.clear();
  }
}

/** One run's cancel switch (cancelRun): who cancelled it, for the record. */
export class CancelSwitch extends ShutdownSwitch {
  by = "";
  message(): string {
    return `cancelled by ${this.by || "an operator"}`;
  }
}

type Settled<T = unknown> =
  | { readonly kind: "cancelled" }
  | { readonly kind: "value"; readonly value: T }
  | { readonly kind: "thrown"; readonly error: unknown }
  | { readonly kind: "timeout" }
  | { readonly kind: "shutdown" };

function invoke(input: AttemptInput, ctx: JobContext, kwargs: JobSpec["kwargs"]): unknown {
  const target = input.spec.target;
  switch (target.kind) {
    case "call": {
      if (!input.callback) {
        throw new Error(`callback ${target.callback} could not be resolved; run \`tickd check\` for the reason`);
      }
      return input.callback(kwargs, ctx);
    }
    case "command":
      return runCommand(target.command, ctx, input.cwd, input.clock, input.traceparent, input.onOutput);
    case "url":
      return runUrl(target.url, target.method, ctx, input.traceparent);
  }
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** An HTTP request: 2xx is a success, anything else a failure; the body is the output. */
async function runUrl(url: string, method: string, ctx: JobContext, traceparent: string | undefined): Promise<Result> {
  const response = await fetch(url, { method, signal: ctx.signal, ...(traceparent !== undefined && { headers: { traceparent } }) });
  const body = capText(await response.text());
  const message = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  return Result(response.ok ? STATUS.success : STATUS.failure, { message, output: body });
}

function outcome(status: Status, message: string, lines: readonly string[], output: string, error: string): AttemptOutcome {
  const combined = lines.length === 0 ? output : output === "" ? lines.join("\n") : `${lines.join("\n")}\n${output}`;
  return { status, message, output: capText(combined), error };
}

/** 1500 -> "1.5 s", 30000 -> "30 s", 120000 -> "2 min". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${+(ms / 1000).toFixed(3)} s`;
  return `${+(ms / 60_000).toFixed(2)} min`;
}

/** What a run held in a cancelled gate is recorded as: not started, for the reason the gate was cancelled. */
function notStarted(gate: StartGate, lines: readonly string[]): AttemptOutcome {
  const as = gate.cancelledAs;
  return as ? outcome(as.status, as.message, lines, "", "") : outcome(STATUS.skipped, `not started: ${SHUTDOWN_MESSAGE}`, lines, "", "");
}
