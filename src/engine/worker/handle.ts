/**
 * One worker thread as the scheduler's thread sees it (WorkerHandle), and the
 * runs sent to it (LiveRun): what is owed, held and loaded there, when it
 * counts as stuck, and how it ends. The module's workers (pool.ts) own these.
 *
 * Its timings are real time on purpose — how long a thread has left a message
 * unanswered, how long an import takes — since a worker's thread runs on the
 * machine's clock whatever clock the engine has; only the abort grace, which
 * belongs to the run, is on the run's clock.
 */
import { TickdError } from "../../errors.ts";
import type { KwargValue } from "../../sdk/index.ts";
import type { Clock, TimerHandle } from "../../clock.ts";
import type { StartGate } from "../start-gate.ts";
import { ABORT_GRACE_MS, LOAD_TIMEOUT_MS } from "./constants.ts";
import { holdProcess, startWorker } from "../../runtime/worker.ts";
import { encodeStarts, type FromWorkerMessage, type RunEnd, type StartRun, type ToWorker } from "./protocol.ts";

/** How a run in a worker ended: as its callback said, or with its worker. */
export type WorkerEnd = RunEnd | { readonly kind: "ended"; readonly message: string };

export interface RunInfo {
  readonly label: string;
  readonly scheduledFor: number;
  readonly attempt: number;
}

/** One run sent to a worker. */
export interface WorkerRun {
  /** Settles with how the run ended; never rejects. */
  readonly done: Promise<WorkerEnd>;
  /** Abort its ctx.signal; the worker is ended if it does not answer within ABORT_GRACE_MS. */
  abort(reason: Error): void;
  /** Forget a held run whose gate was cancelled (it never starts). */
  cancel(): void;
}

/** What a worker tells the module it serves (pool.ts's ModuleWorkers). */
export interface WorkerOwner {
  readonly file: string;
  /** The worker takes no more runs. */
  retired(worker: WorkerHandle): void;
  /** The worker has ended. */
  ended(worker: WorkerHandle): void;
}

export function startRun(run: LiveRun, dotted: string, kwargs: Readonly<Record<string, KwargValue>>): StartRun {
  // Structured clone copies kwargs on the way, so each run gets its own.
  return { id: run.id, dotted, kwargs: kwargs as Record<string, KwargValue>, label: run.info.label, scheduledFor: run.info.scheduledFor, attempt: run.info.attempt };
}

export class LiveRun implements WorkerRun {
  readonly id: number;
  readonly info: RunInfo;
  readonly onLog: (line: string) => void;
  readonly worker: WorkerHandle;
  readonly clock: Clock;
  readonly done: Promise<WorkerEnd>;
  #settle: (end: WorkerEnd) => void = () => {};
  /** Aborted, answered, and still going past the grace: no longer waited for. */
  orphan = false;
  /** The abort message's seq, once asked. */
  abortSeq = 0;
  killTimer: TimerHandle | undefined;

  constructor(id: number, info: RunInfo, onLog: (line: string) => void, worker: WorkerHandle, clock: Clock) {
    this.id = id;
    this.info = info;
    this.onLog = onLog;
    this.worker = worker;
    this.clock = clock;
    this.done = new Promise((resolve) => (this.#settle = resolve));
  }
  abort(reason: Error): void {
    this.worker.abort(this, reason);
  }
  cancel(): void {
    this.worker.forget(this);
  }
  finish(end: WorkerEnd): void {
    if (this.killTimer !== undefined) this.clock.clearTimer(this.killTimer);
    this.killTimer = undefined;
    this.#settle(end);
  }
}

/** One worker thread and what the scheduler knows of it. */
export class WorkerHandle {
  readonly #worker: Worker;
  readonly #module: WorkerOwner;
  readonly #runs = new Map<number, LiveRun>();
  /** Runs in #runs that are waited for (not orphans). */
  #live = 0;
  /** seq -> since when its answer is due (performance.now(): when sent; for -seq, a held loop of starts, its instant). */
  readonly #owed = new Map<number, number>();
  /** Resolves waiting for their answer: seq -> the export, and how to settle it. */
  readonly #resolving = new Map<number, { readonly dotted: string; readonly settle: (error: TickdError | null) => void }>();
  /** Resolves in flight, and those someone awaits (they keep the process alive). */
  #loads = 0;
  #awaited = 0;
  /** Held runs per gate, not yet sent. */
  readonly #held = new Map<StartGate, StartRun[]>();
  /** Runs to start now, sent together at the next microtask. */
  #now: StartRun[] = [];
  #seq = 0;
  #refd = true;
  /** True once the worker has answered anything: its thread runs. */
  answered = false;
  #retired = false;
  #ended = false;

  constructor(entry: string | URL, module: WorkerOwner) {
    this.#module = module;
    this.#worker = startWorker(entry, `tickd ${module.file}`);
    this.#worker.addEventListener("message", (event) => this.#receive(event.data as FromWorkerMessage));
    this.#worker.addEventListener("error", (event) => {
      event.preventDefault?.();
      this.#died((event as ErrorEvent).message);
    });
    // Bun only: its thread exited (Deno has no such event: the worker posts "exited", entry.ts).
    this.#worker.addEventListener("close", () => this.#died("its thread exited"));
    this.#ref();
  }

  /** How long the oldest unanswered message has waited; 0 while the module loads (a start then queues behind it). */
  stuckFor(now: number): number {
    if (this.#loads > 0 || this.#ended) return 0;
    let oldest = now;
    for (const since of this.#owed.values()) if (since < oldest) oldest = since;
    return now - oldest;
  }

  resolve(dotted: string, root: string, awaited: boolean): Promise<void> {
    if (this.#ended) return Promise.reject(new TickdError("callback-import-failed", `callback ${dotted}: its worker has ended`));
    const seq = ++this.#seq;
    this.#loads++;
    if (awaited) this.#awaited++;
    this.#ref();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => this.terminate(`ended with its worker: importing ${this.#module.file} took over ${LOAD_TIMEOUT_MS / 1000} s`, `it did not finish within ${LOAD_TIMEOUT_MS / 1000} s (does the module loop at its top level?)`),
        LOAD_TIMEOUT_MS,
      );
      (timer as { unref?: () => void }).unref?.();
      const settle = (error: TickdError | null) => {
        clearTimeout(timer);
        this.#loads--;
        if (awaited) this.#awaited--;
        this.#ref();
        if (error) reject(error);
        else resolve();
      };
      this.#resolving.set(seq, { dotted, settle });
      this.#post({ k: "resolve", seq, dotted, root }, false);
    });
  }

  start(run: LiveRun, start: StartRun): void {
    this.#add(run);
    if (this.#now.length === 0) queueMicrotask(() => this.#sendNow());
    this.#now.push(start);
  }

  hold(gate: StartGate, run: LiveRun, start: StartRun): void {
    this.#add(run);
    let held = this.#held.get(gate);
    if (!held) {
      held = [];
      this.#held.set(gate, held);
      // Sent after the prepare stage (one message per worker and gate), or
      // at the latest when the gate opens.
      queueMicrotask(() => this.#sendHeld(gate));
      gate.beforeOpen(() => this.#sendHeld(gate));
    }
    held.push(start);
  }

  abort(run: LiveRun, reason: Error): void {
    if (this.#ended || !this.#runs.has(run.id) || run.abortSeq !== 0) return;
    this.#sendNow();
    const seq = ++this.#seq;
    run.abortSeq = seq;
    this.#post({ k: "abort", seq, id: run.id, name: reason.name, message: reason.message });
    run.killTimer = run.clock.setTimer(() => this.#overdue(run, reason), ABORT_GRACE_MS);
  }

  forget(run: LiveRun): void {
    if (this.#runs.delete(run.id) && !run.orphan) this.#live--;
    this.#settle();
  }

  /** Take no new runs; end once the runs going have ended. */
  retire(): void {
    if (this.#retired) return;
    this.#retired = true;
    this.#module.retired(this);
    this.#settle();
  }

  /** End the thread now; every run still in it ends with `why`, every load waiting with `cause`. */
  terminate(why: string, cause = why): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#retired = true;
    this.#worker.terminate();
    const runs = [...this.#runs.values()];
    this.#runs.clear();
    this.#live = 0;
    this.#owed.clear();
    this.#held.clear();
    this.#now = [];
    for (const run of runs) run.finish({ kind: "ended", message: why });
    const resolving = [...this.#resolving.values()];
    this.#resolving.clear();
    for (const { dotted, settle } of resolving) {
      settle(new TickdError("callback-import-failed", `callback ${dotted}: importing ${this.#module.file} failed: ${cause}; fix the module so it loads`));
    }
    this.#module.ended(this);
  }

  #add(run: LiveRun): void {
    this.#runs.set(run.id, run);
    this.#live++;
    this.#ref();
  }

  #post(message: ToWorker, owed = true): void {
    if (owed) this.#owed.set(message.seq, performance.now());
    this.#worker.postMessage(message);
  }

  #sendNow(): void {
    if (this.#now.length === 0 || this.#ended) return;
    const runs = this.#now;
    this.#now = [];
    this.#post({ k: "start", seq: ++this.#seq, at: 0, openBy: 0, cell: null, runs: encodeStarts(runs) });
  }

  #sendHeld(gate: StartGate): void {
    const runs = this.#held.get(gate);
    if (!runs || this.#ended) return;
    this.#held.delete(gate);
    const seq = ++this.#seq;
    // The gate opens at the latest instant it holds (earlier ones are overdue).
    let at = 0;
    for (const run of runs) if (run.scheduledFor > at) at = run.scheduledFor;
    this.#post({ k: "start", seq, at, openBy: gate.openBy, cell: gate.workerCell(), runs: encodeStarts(runs) });
    // From the instant on, the worker owes the loop of starts (or, for a
    // cancelled gate, word that it dropped them). It may open the gate
    // itself and answer before this thread has opened it.
    // Real time, as the worker itself opens the gate by Date.now() (entry.ts).
    this.#owed.set(-seq, performance.now() + Math.max(0, at - Date.now()));
  }

  #receive(batch: FromWorkerMessage): void {
    this.answered = true;
    for (const event of batch) {
      switch (event.k) {
        case "done":
          this.#owed.delete(event.seq);
          break;
        case "opened":
          this.#owed.delete(-event.seq);
          break;
        case "resolved": {
          const waiting = this.#resolving.get(event.seq);
          this.#resolving.delete(event.seq);
          waiting?.settle(event.code === "" ? null : new TickdError(event.code as TickdError["code"], event.message));
          break;
        }
        case "log":
          this.#runs.get(event.id)?.onLog(event.line);
          break;
        case "end": {
          const run = this.#runs.get(event.id);
          if (!run) break;
          this.#runs.delete(event.id);
          if (!run.orphan) this.#live--;
          run.finish(event.end);
          break;
        }
        case "exited":
          this.#died("its thread exited");
          return;
      }
    }
    this.#settle();
  }

  /** The aborted run is still going after the grace: a stuck thread is ended; a free one keeps it as an orphan. */
  #overdue(run: LiveRun, reason: Error): void {
    run.killTimer = undefined;
    if (this.#ended || !this.#runs.has(run.id)) return;
    if (this.#owed.has(run.abortSeq)) {
      const due = new Date(run.info.scheduledFor).toISOString();
      this.terminate(
        `ended with its worker: run "${run.info.label}" (due ${due}) did not stop within ${ABORT_GRACE_MS} ms of being aborted (${reason.message}), so the worker running ${this.#module.file} was ended; runs of one module share its worker`,
      );
      return;
    }
    run.orphan = true;
    this.#live--;
    this.retire();
    this.#settle();
  }

  #died(reason: string): void {
    if (this.#ended) return;
    this.terminate(`ended with its worker: the worker running ${this.#module.file} stopped (${reason})`, `its worker stopped (${reason})`);
  }

  /** Keep the process alive while a run is going or a load is awaited; end a retired worker once idle. */
  #settle(): void {
    if (this.#ended) return;
    if (this.#retired && this.#live === 0 && this.#loads === 0 && this.#held.size === 0 && this.#now.length === 0) {
      this.terminate(`ended with its worker: run abandoned after it ignored its abort; the worker running ${this.#module.file} was ended once its other runs were done`);
      return;
    }
    this.#ref();
  }

  #ref(): void {
    const want = this.#live > 0 || this.#awaited > 0;
    if (want === this.#refd) return;
    this.#refd = want;
    holdProcess(this.#worker, want);
  }
}
