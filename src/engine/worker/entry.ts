/**
 * The inside of a callback worker: imports the module of its job callbacks,
 * starts runs when the scheduler says, and posts back each run's ctx.log
 * lines and how it ended. src/callbacks/worker.ts is the entry file; it
 * passes the loader (dotted path -> function), so this file knows nothing of
 * how paths resolve.
 *
 * Held runs (a start gate's) are prepared when they arrive, ahead of their
 * instant, and started in one loop when the gate's shared cell turns
 * GATE_OPEN: this thread opens it at the instant itself (Watch), or the
 * scheduler's thread does and notifies; until a few ms before the instant
 * the event loop stays free for the runs still going.
 */
import process from "node:process";
import type { Callback, JobContext, KwargValue } from "../../sdk/index.ts";
import { describeError, inspect, readReturned } from "../returned.ts";
import { bindToRun, endRun } from "../../sdk/activity.ts";
import { MAX_EARLY_WAKE_MS, SPIN_BUDGET_MS, SPIN_BURST_MS } from "../constants.ts";
import { WORKER_LATE_MS, WORKER_SPIN_MS, WORKER_WAKE_EARLY_MS } from "./constants.ts";
import { GATE_OPEN, GATE_WAITING, type FromWorker, type RunEnd, type StartBatch, type ToWorker } from "./protocol.ts";
import { CONSOLE_TO_STDERR, consoleToStderr } from "./console.ts";

/** Dotted path (and the root it resolves under) -> the exported function. */
export type LoadCallback = (dotted: string, root: string) => Promise<Callback>;

/** What this file needs of the worker's global scope. */
export interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

type WaitAsync = (cell: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Runs laid out for one loop of starts. */
interface Prepared {
  readonly runs: StartBatch;
  readonly contexts: readonly JobContext[];
  readonly kwargs: ReadonlyArray<Record<string, KwargValue>>;
  /** The callbacks, when they were loaded at preparation. */
  readonly fns: ReadonlyArray<Callback | undefined> | undefined;
}

/** A run going in this worker: its signal, made when first looked at or when aborted. */
class RunState {
  controller: AbortController | undefined;
  abort(reason: Error): void {
    this.controller ??= new AbortController();
    this.controller.abort(reason);
  }
}

export function serveWorker(scope: WorkerScope, load: LoadCallback): void {
  const callbacks = new Map<string, Callback>();
  /** Why a dotted path could not be loaded, for the runs that name it. */
  const failures = new Map<string, unknown>();
  /** Loads run one after another; starts that arrive meanwhile wait for them. */
  let loading: Promise<unknown> = Promise.resolve();
  let loads = 0;
  const going = new Map<number, RunState>();

  // One outbox, posted as one message: the events of a loop of starts cross
  // together, and a run's log lines always come before its end.
  let outbox: FromWorker[] = [];
  let queued = false;
  const flush = () => {
    queued = false;
    if (outbox.length === 0) return;
    const batch = outbox;
    outbox = [];
    scope.postMessage(batch);
  };
  const send = (event: FromWorker) => {
    outbox.push(event);
    if (!queued) {
      queued = true;
      queueMicrotask(flush);
    }
  };
  const end = (id: number, result: RunEnd) => {
    if (!going.delete(id)) return;
    send({ k: "end", id, end: result });
  };
  const returned = (value: unknown, ctx: JobContext): RunEnd => ({ kind: "returned", ...readReturned(value, endRun(ctx)) });
  const threw = (error: unknown, dotted: string, ctx: JobContext): RunEnd => {
    endRun(ctx);
    return { kind: "threw", ...describeError(error, dotted), name: error instanceof Error ? error.name : "" };
  };

  const context = (runs: StartBatch, i: number, state: RunState): JobContext => {
    const id = runs.ids[i]!;
    return {
      label: runs.labels[i]!,
      jobId: runs.labels[i]!,
      scheduledFor: new Date(runs.scheduledFor[i]!),
      attempt: runs.attempts[i]!,
      get signal() {
        state.controller ??= new AbortController();
        return state.controller.signal;
      },
      log: (...parts: unknown[]) => {
        send({ k: "log", id, line: parts.map((p) => (typeof p === "string" ? p : inspect(p))).join(" ") });
        // Sent at once: a callback that logs and then never yields still leaves its lines.
        flush();
      },
    };
  };

  /** Each run's callback, bound to its run's async context (so Activity.log finds the run). */
  const lookUp = (runs: StartBatch, contexts: readonly JobContext[]) => {
    const fns = runs.callbacks.map((dotted) => callbacks.get(dotted));
    return Array.from(runs.callback, (c, i) => {
      const fn = fns[c];
      return fn && bindToRun(contexts[i]!, fn);
    });
  };

  /** Contexts and arguments laid out ahead (callbacks too, once loaded), so the loop of starts only calls. */
  const prepare = (runs: StartBatch): Prepared => {
    const n = runs.ids.length;
    const contexts: JobContext[] = new Array(n);
    const kwargs: Array<Record<string, KwargValue>> = new Array(n);
    for (let i = 0; i < n; i++) {
      const state = new RunState();
      going.set(runs.ids[i]!, state);
      contexts[i] = context(runs, i, state);
      kwargs[i] = runs.kwargs[i] || {};
    }
    return { runs, contexts, kwargs, fns: loads === 0 ? lookUp(runs, contexts) : undefined };
  };

  /**
   * The loop of starts only calls, as the engine's StartGate does: what each
   * call returned or threw is kept in flat arrays and read after the loop,
   * so the last start is not late by the bookkeeping of the others.
   */
  const startAll = ({ runs, contexts, kwargs, fns: ready }: Prepared) => {
    const fns = ready ?? lookUp(runs, contexts);
    const n = fns.length;
    const values: unknown[] = new Array(n);
    const thrown = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      try {
        // Each bound to its run's async context as prepared, so Activity.log finds the run.
        values[i] = fns[i]!(kwargs[i]!, contexts[i]!);
      } catch (error) {
        values[i] = error;
        thrown[i] = 1;
      }
    }
    for (let i = 0; i < n; i++) {
      const id = runs.ids[i]!;
      const dotted = runs.callbacks[runs.callback[i]!]!;
      const value = values[i];
      const ctx = contexts[i]!;
      if (!fns[i]) end(id, threw(failures.get(dotted) ?? new Error(`callback ${dotted} was not loaded in its worker`), dotted, ctx));
      else if (thrown[i] === 1) end(id, threw(value, dotted, ctx));
      else if (isThenable(value)) {
        Promise.resolve(value).then(
          (v) => end(id, returned(v, ctx)),
          (e: unknown) => end(id, threw(e, dotted, ctx)),
        );
      } else end(id, returned(value, ctx));
    }
  };

  const drop = (runs: StartBatch) => {
    for (const id of runs.ids) going.delete(id);
  };

  /** After any loads in flight: what is started at once must find its callback. */
  const whenLoaded = (fn: () => void) => {
    if (loads === 0) fn();
    else void loading.then(fn);
  };

  const watch = new Watch();
  const hold = (seq: number, at: number, openBy: number, cell: Int32Array, prepared: Prepared) => {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      whenLoaded(() => {
        if (Atomics.load(cell, 0) === GATE_OPEN) startAll(prepared);
        else drop(prepared.runs);
        send({ k: "opened", seq });
        flush();
      });
    };
    // Woken by the gate's notify wherever this thread is (the fallback), and
    // awake just before the instant to see it at once (see Watch).
    const waiting = waitAsync(cell, 0, GATE_WAITING);
    if (!waiting.async) return release();
    void (waiting.value as Promise<string>).then(release);
    const wakeIn = Math.max(0, at - Date.now() - watch.earlyMs);
    const armed = performance.now() + wakeIn;
    setTimeout(() => {
      watch.learn(performance.now() - armed);
      if (released) return;
      watch.until(cell, at, openBy);
      // Still waiting when the wall clock has not reached the instant (it stalled), or the lease ran out: the notify releases.
      if (Atomics.load(cell, 0) !== GATE_WAITING) release();
    }, wakeIn);
  };

  const handle = (message: ToWorker) => {
    switch (message.k) {
      case "resolve": {
        const { seq, dotted, root } = message;
        loads++;
        loading = loading
          .then(() => load(dotted, root))
          .then(
            (fn) => {
              callbacks.set(dotted, fn);
              failures.delete(dotted);
              send({ k: "resolved", seq, code: "", message: "" });
            },
            (error: unknown) => {
              failures.set(dotted, error);
              const code = typeof (error as { code?: unknown })?.code === "string" ? (error as { code: string }).code : "callback-import-failed";
              send({ k: "resolved", seq, code, message: error instanceof Error ? error.message : String(error) });
            },
          )
          .finally(() => loads--);
        return;
      }
      case "start": {
        const { seq, at, openBy, cell, runs } = message;
        const prepared = prepare(runs);
        // `done` once armed (held) or once the loop of starts ran (now), so
        // a loop that never returns leaves the message unanswered.
        const answer = () => {
          send({ k: "done", seq });
          flush();
        };
        if (cell) {
          hold(seq, at, openBy, cell, prepared);
          answer();
        } else
          whenLoaded(() => {
            startAll(prepared);
            answer();
          });
        return;
      }
      case "abort": {
        const reason = new Error(message.message);
        reason.name = message.name;
        going.get(message.id)?.abort(reason);
        send({ k: "done", seq: message.seq });
        flush();
        return;
      }
    }
  };

  if (process.env[CONSOLE_TO_STDERR] === "1") consoleToStderr();
  scope.addEventListener("message", (event) => handle(event.data as ToWorker));
  // A callback's stray promise or timer that fails after its run must not end
  // the worker (and every run in it); in-process it would end the scheduler.
  process.on("unhandledRejection", (reason) => console.error("tickd: a job callback left a promise that failed:", reason));
  process.on("uncaughtException", (error) => console.error("tickd: a job callback threw outside its run:", error));
  // A callback that calls process.exit() ends this thread. Bun tells the
  // scheduler's thread with a "close" event; Deno fires none, so say it here,
  // after what is still in the outbox (its runs then end at once on both).
  process.on("exit", () => {
    flush();
    scope.postMessage([{ k: "exited" }] satisfies FromWorker[]);
  });
}

/**
 * How a worker meets an instant, on its own clock as the engine meets it on
 * its (wake.ts): a timer a little before it (earlyMs, learned), a sleep on the
 * gate's cell until WORKER_SPIN_MS before it, then reading the clock until
 * Date.now() reaches the instant — the engine's own rule for opening — and
 * opening the cell itself (compare-and-swap: if the engine cancelled the
 * gate first, nothing starts) — unless the instance's lease ran out first
 * (`openBy`: the process was stopped past it), when the engine decides. The
 * engine opens the cell too, so a worker
 * whose timer came late starts as soon as it is notified. Not waiting for the
 * engine's notify matters: a thread asleep when it comes can wake
 * milliseconds late on a virtual machine. Reading the clock is paid from a
 * bucket like the engine's: SPIN_BUDGET_MS per second, SPIN_BURST_MS at most.
 */
class Watch {
  /** Wall-clock ms with sub-ms resolution: performance.now() anchored on a Date.now() tick. */
  readonly #wall: () => number;
  #creditMs = SPIN_BURST_MS;
  #creditAt = performance.now();
  /** How early the timer is set: WORKER_WAKE_EARLY_MS, raised to how late timers fire here (+1 ms), decaying 10% a wake. */
  earlyMs = WORKER_WAKE_EARLY_MS;

  /** At a wake: the timer fired `lateMs` after it was due. */
  learn(lateMs: number): void {
    this.earlyMs = Math.min(MAX_EARLY_WAKE_MS, Math.max(WORKER_WAKE_EARLY_MS, lateMs + 1, this.earlyMs * 0.9));
  }

  constructor() {
    const start = Date.now();
    let wall = start;
    let mono = performance.now();
    while (wall === start) {
      mono = performance.now();
      wall = Date.now();
    }
    const offset = wall - mono;
    this.#wall = () => offset + performance.now();
  }

  /** Wait until instant `at` and open `cell` (unless the engine decided first, or it is `openBy` already). */
  until(cell: Int32Array, at: number, openBy: number): void {
    const mono = performance.now();
    this.#creditMs = Math.min(SPIN_BURST_MS, this.#creditMs + ((mono - this.#creditAt) * SPIN_BUDGET_MS) / 1000);
    this.#creditAt = mono;
    const spin = this.#creditMs > 0;
    // Woken early by the engine's notify when it opens or cancels the gate first.
    const sleepMs = at - this.#wall() - (spin ? WORKER_SPIN_MS : 0);
    if (sleepMs > 0 && Atomics.wait(cell, 0, GATE_WAITING, sleepMs) !== "timed-out") return;
    if (spin) {
      const from = performance.now();
      const limit = from + WORKER_SPIN_MS + WORKER_LATE_MS;
      let now = from;
      while (Date.now() < at && Atomics.load(cell, 0) === GATE_WAITING && now < limit) now = performance.now();
      this.#creditMs -= now - from;
    }
    const now = Date.now();
    if (now >= at && now < openBy) Atomics.compareExchange(cell, 0, GATE_WAITING, GATE_OPEN);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
