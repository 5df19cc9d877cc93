/**
 * Callbacks of `call` jobs run in workers (job-file key `isolate = worker`,
 * the default), so a callback that never yields cannot stop the scheduler's
 * thread, and its timeout can end it: an abort signal only asks, a
 * terminated worker stops.
 *
 * - One worker per job module (per generation: a reload that re-imports the
 *   module gets a new worker; the old one ends once its runs are done). The
 *   module is imported there, not in the scheduler's thread.
 * - A run that does not stop ABORT_GRACE_MS after its timeout or shutdown
 *   aborted it is stuck: its worker is ended, and every other run still in
 *   that worker is recorded as ended with it (an error saying which run was
 *   stuck). A fresh worker is started for the module at once. Put a callback
 *   that may hang in its own module and nothing else shares its fate.
 * - A worker that leaves a message unanswered for STUCK_AFTER_MS is given no
 *   new runs: the module's next runs go to a fresh worker, so other jobs of a
 *   module keep their times while one of its runs loops (see constants.ts).
 * - Runs of a start gate are sent ahead of their instant with the gate's
 *   shared cell; the gate's opening flips the cell and the worker starts
 *   them in one loop (entry.ts). The scheduler's thread never waits on a
 *   callback.
 * - Idle workers do not keep the process alive; a worker with a run going
 *   does, as an in-process callback's pending work would.
 *
 * Functions handed to the engine directly stay in-process; only callbacks
 * made here (isolatedCallback) carry the mark executeAttempt looks for.
 */
import { Result, type Callback, type JobContext, type KwargValue } from "../../sdk/index.ts";
import type { Clock } from "../../clock.ts";
import type { StartGate } from "../start-gate.ts";
import { MAX_WORKERS_PER_MODULE, STUCK_AFTER_MS } from "./constants.ts";
import { LiveRun, startRun, WorkerHandle, type RunInfo, type WorkerOwner, type WorkerRun } from "./handle.ts";

export type { RunInfo, WorkerEnd, WorkerRun } from "./handle.ts";

const ISOLATED = Symbol("tickd.isolated");

/** What marks a callback that runs in a worker. */
export interface Isolated {
  readonly module: ModuleWorkers;
  readonly dotted: string;
}

/** The worker side of `callback`, when it runs in one. */
export function isolatedOf(callback: Callback | undefined): Isolated | undefined {
  return (callback as { [ISOLATED]?: Isolated } | undefined)?.[ISOLATED];
}

/**
 * A Callback that runs `dotted` in the module's worker. The engine's
 * executeAttempt sees its mark and sends starts itself (batched, held for an
 * instant, on the engine's clock); called directly (a wrapper hides the mark,
 * as the service's lazily resolved discovered jobs do) it still works, one
 * run at a time, its abort grace on `clock`.
 */
export function isolatedCallback(module: ModuleWorkers, dotted: string, clock: Clock): Callback {
  const fn: Callback = (kwargs, ctx) => module.call(dotted, kwargs, ctx, clock);
  Object.defineProperty(fn, ISOLATED, { value: { module, dotted } satisfies Isolated });
  return fn;
}

/** The module workers of a process, by module file. */
export class WorkerPool {
  readonly #entry: string | URL;
  readonly #modules = new Map<string, ModuleWorkers>();
  constructor(entry: string | URL) {
    this.#entry = entry;
  }
  /** The workers of `file`; with `fresh`, a new generation (the old one's workers end once idle). */
  module(file: string, fresh: boolean): ModuleWorkers {
    const current = this.#modules.get(file);
    if (current && !fresh) return current;
    current?.retireAll();
    const next = new ModuleWorkers(file, this.#entry);
    this.#modules.set(file, next);
    return next;
  }
}

let nextRunId = 1;

/** The workers of one module: the current one, and stuck ones not yet ended. */
export class ModuleWorkers implements WorkerOwner {
  readonly file: string;
  readonly #entry: string | URL;
  /** Exports resolved in this generation (dotted -> root), loaded again by each new worker. */
  readonly #known = new Map<string, string>();
  readonly #resolved = new Map<string, Promise<void>>();
  readonly #workers = new Set<WorkerHandle>();
  #current: WorkerHandle | null = null;
  /** A newer generation replaced this one: ended workers are not replaced until asked for. */
  #replaced = false;

  constructor(file: string, entry: string | URL) {
    this.file = file;
    this.#entry = entry;
  }

  /** Import `dotted` (an export of this module) in the worker; rejects with the TickdError resolving gives. */
  resolve(dotted: string, root: string): Promise<void> {
    let resolved = this.#resolved.get(dotted);
    if (!resolved) {
      resolved = this.#worker().resolve(dotted, root, true);
      this.#resolved.set(dotted, resolved);
      this.#known.set(dotted, root);
      resolved.catch(() => {
        this.#resolved.delete(dotted);
        this.#known.delete(dotted);
      });
    }
    return resolved;
  }

  /** Start a run now. */
  start(dotted: string, kwargs: Readonly<Record<string, KwargValue>>, info: RunInfo, onLog: (line: string) => void, clock: Clock): WorkerRun {
    const worker = this.#worker();
    const run = new LiveRun(nextRunId++, info, onLog, worker, clock);
    worker.start(run, startRun(run, dotted, kwargs));
    return run;
  }

  /** Hold a run for `gate`: it starts in its worker when the gate opens. */
  hold(gate: StartGate, dotted: string, kwargs: Readonly<Record<string, KwargValue>>, info: RunInfo, onLog: (line: string) => void, clock: Clock): WorkerRun {
    const worker = this.#worker();
    const run = new LiveRun(nextRunId++, info, onLog, worker, clock);
    worker.hold(gate, run, startRun(run, dotted, kwargs));
    return run;
  }

  /** One run, for a caller that is not the engine: the callback's value comes back as a Result. */
  async call(dotted: string, kwargs: Readonly<Record<string, KwargValue>>, ctx: JobContext, clock: Clock): Promise<Result> {
    const run = this.start(dotted, kwargs, { label: ctx.label, scheduledFor: ctx.scheduledFor.getTime(), attempt: ctx.attempt }, (line) => ctx.log(line), clock);
    const signal = ctx.signal;
    const onAbort = () => run.abort(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    const end = await run.done;
    signal.removeEventListener("abort", onAbort);
    if (end.kind === "returned") return Result(end.status, { message: end.message, output: end.output });
    if (end.kind === "ended") throw new Error(end.message);
    if (end.name === "") throw end.text.replace(/^thrown value: /, "");
    const error = new Error(end.text.slice(end.name.length + 2));
    error.name = end.name;
    error.stack = end.stack;
    throw error;
  }

  /** A newer generation took over: every worker of this one ends once idle. */
  retireAll(): void {
    this.#replaced = true;
    for (const worker of this.#workers) worker.retire();
  }

  /** The worker new runs go to; a fresh one when the current one is stuck (within MAX_WORKERS_PER_MODULE). */
  #worker(): WorkerHandle {
    let current = this.#current;
    // Real time: a worker's thread is stuck by the machine's clock (handle.ts).
    if (current && this.#workers.size < MAX_WORKERS_PER_MODULE && current.stuckFor(performance.now()) > STUCK_AFTER_MS) {
      current.retire();
      current = this.#current;
    }
    return current ?? this.#spawn();
  }

  #spawn(): WorkerHandle {
    const worker = new WorkerHandle(this.#entry, this);
    this.#workers.add(worker);
    this.#current = worker;
    // Unawaited: a run that names an export which fails to load ends with that error.
    for (const [dotted, root] of this.#known) worker.resolve(dotted, root, false).catch(() => {});
    return worker;
  }

  /**
   * Called by a worker that takes no more runs: the next runs get a fresh
   * one, warmed up now — unless this one never answered (its thread cannot
   * start or the module ends it on import): then at the next run, not in a loop.
   */
  retired(worker: WorkerHandle): void {
    if (this.#current !== worker) return;
    this.#current = null;
    if (!this.#replaced && this.#known.size > 0 && worker.answered) this.#spawn();
  }

  /** Called by a worker that has ended. */
  ended(worker: WorkerHandle): void {
    this.#workers.delete(worker);
    this.retired(worker);
  }
}

