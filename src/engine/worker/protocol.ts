/**
 * The messages between the scheduler's thread and a callback worker
 * (pool.ts on one side, entry.ts on the other). Only structured-clone data
 * crosses: a Result becomes its three fields, a thrown error its text and
 * stack (returned.ts reads both the same way for in-process runs).
 *
 * Every message the scheduler sends carries a `seq` the worker answers with
 * `done` once it has handled it; an unanswered message is how the scheduler
 * tells a worker whose thread is stuck (see pool.ts).
 */
import type { KwargValue } from "../../sdk/index.ts";
import type { ResultStatus } from "../../sdk/status.ts";

/** One run to start: its callback's dotted path and what its context needs. */
export interface StartRun {
  readonly id: number;
  readonly dotted: string;
  readonly kwargs: Record<string, KwargValue>;
  readonly label: string;
  readonly scheduledFor: number;
  readonly attempt: number;
}

/**
 * Runs to start, laid out flat for the crossing: structured clone copies
 * typed arrays and strings in bulk, where 1,000 small objects took 1–3 ms on
 * each side, just before the instant they are held for.
 */
export interface StartBatch {
  readonly ids: Float64Array;
  readonly scheduledFor: Float64Array;
  readonly attempts: Int32Array;
  readonly labels: readonly string[];
  /** Per run, its callback's index in `callbacks`. */
  readonly callback: Int32Array;
  readonly callbacks: readonly string[];
  /** Per run, its keyword arguments; 0 for none. */
  readonly kwargs: ReadonlyArray<Record<string, KwargValue> | 0>;
}

export function encodeStarts(runs: readonly StartRun[]): StartBatch {
  const n = runs.length;
  const ids = new Float64Array(n);
  const scheduledFor = new Float64Array(n);
  const attempts = new Int32Array(n);
  const callback = new Int32Array(n);
  const labels: string[] = new Array(n);
  const kwargs: Array<Record<string, KwargValue> | 0> = new Array(n);
  const callbacks: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const run = runs[i]!;
    ids[i] = run.id;
    scheduledFor[i] = run.scheduledFor;
    attempts[i] = run.attempt;
    labels[i] = run.label;
    let c = index.get(run.dotted);
    if (c === undefined) index.set(run.dotted, (c = callbacks.push(run.dotted) - 1));
    callback[i] = c;
    kwargs[i] = hasKeys(run.kwargs) ? run.kwargs : 0;
  }
  return { ids, scheduledFor, attempts, labels, callback, callbacks, kwargs };
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** What a StartGate's shared cell holds (see StartGate.workerCell). */
export const GATE_WAITING = 0;
export const GATE_OPEN = 1;
export const GATE_CANCELLED = 2;

export type ToWorker =
  /**
   * Import the module of `dotted` under `root` and check its export;
   * answered by `resolved` (code "" when it loaded). A worker serves one
   * generation of one module, so a reload gets a new worker, not a re-import.
   */
  | { readonly k: "resolve"; readonly seq: number; readonly dotted: string; readonly root: string }
  /**
   * Start `runs`: now when `cell` is null, else when the cell reads
   * GATE_OPEN (dropped when it reads GATE_CANCELLED), expected at instant
   * `at` (epoch ms; 0 for a start now), which the worker may open itself
   * only before `openBy` (StartGate.openBy). `done` answers the
   * message (for a held start: it is armed); `opened` follows once the held
   * loop of starts ran.
   */
  | { readonly k: "start"; readonly seq: number; readonly at: number; readonly openBy: number; readonly cell: Int32Array | null; readonly runs: StartBatch }
  /** Abort run `id`'s ctx.signal with an Error of this name and message. */
  | { readonly k: "abort"; readonly seq: number; readonly id: number; readonly name: string; readonly message: string };

/** How a run ended in its worker. */
export type RunEnd =
  | { readonly kind: "returned"; readonly status: ResultStatus; readonly message: string; readonly output: string }
  /** `text` and `stack` as describeError gives them; `name` is the error's ("" for a thrown non-Error). */
  | { readonly kind: "threw"; readonly text: string; readonly stack: string; readonly name: string };

export type FromWorker =
  | { readonly k: "done"; readonly seq: number }
  | { readonly k: "opened"; readonly seq: number }
  | { readonly k: "resolved"; readonly seq: number; readonly code: string; readonly message: string }
  | { readonly k: "log"; readonly id: number; readonly line: string }
  | { readonly k: "end"; readonly id: number; readonly end: RunEnd }
  /** Its thread is exiting (a callback called process.exit()): posted from the exit event, since Deno's Worker fires no "close". */
  | { readonly k: "exited" };

/** A worker posts its events in batches: one message is an array of them, in order. */
export type FromWorkerMessage = readonly FromWorker[];
