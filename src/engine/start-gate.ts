/**
 * The start gate: the runs of an instant, prepared ahead, started together
 * when it comes (instant.ts opens it).
 */
import type { JobContext, KwargValue } from "../sdk/index.ts";
import { bindToRun } from "../sdk/activity.ts";
import { GATE_CANCELLED, GATE_OPEN, GATE_WAITING } from "./worker/protocol.ts";

export type Kwargs = Record<string, KwargValue>;
/** A callback, or any start called like one. */
export type HeldStart = (kwargs: Kwargs, ctx: JobContext) => unknown;

/**
 * Runs prepared ahead of their due instant (context built, records planned)
 * wait here; `open` starts them all in one tight loop, so the instant itself
 * costs only the callbacks' own starts. The loop reads three flat arrays and
 * calls each callback directly: no closure, no lookup through the job's spec
 * between one start and the next.
 *
 * Runs of callbacks in workers are not held here but in their worker
 * (worker/pool.ts), which waits on the gate's shared cell: `open` flips it
 * to GATE_OPEN (a worker may already have, at the instant by its own clock)
 * and notifies, `cancel` to GATE_CANCELLED unless a worker opened it first.
 */
export class StartGate {
  readonly #calls: HeldStart[] = [];
  readonly #kwargs: Kwargs[] = [];
  readonly #contexts: JobContext[] = [];
  /** What each call returned, or threw (then #threw is 1); filled in as held, so opening allocates nothing. */
  readonly #returned: unknown[] = [];
  readonly #threw: number[] = [];
  #resolve: () => void = () => {};
  readonly opened: Promise<void> = new Promise((resolve) => (this.#resolve = resolve));
  /** The instant the gate opened: every run it held started then. */
  openedAt = 0;
  /** True when the gate was cancelled: none of its runs started. */
  cancelled = false;
  /** How its runs are recorded when cancelled: not started because the service stopped, unless told otherwise. */
  cancelledAs: { readonly status: "skipped" | "missed"; readonly message: string } | null = null;
  /**
   * A worker holding runs of this gate opens it by its own clock only before
   * this instant (epoch ms): the end of the instance's lease when the gate
   * was prepared. Later the engine decides (instant.ts), once the lease is renewed.
   */
  openBy = Number.POSITIVE_INFINITY;
  /** The cell that workers holding runs of this gate wait on (worker/protocol.ts); made for the first. */
  #cell: Int32Array | null = null;
  /** Called as the gate opens or is cancelled, before anything starts (workers send their held runs). */
  #beforeOpen: Array<() => void> = [];
  get size(): number {
    return this.#calls.length;
  }
  /** Hold one start, `call(kwargs, ctx)`; returns its index for `result`. */
  hold(call: HeldStart, kwargs: Kwargs, ctx: JobContext): number {
    this.#kwargs.push(kwargs);
    this.#contexts.push(ctx);
    this.#returned.push(undefined);
    this.#threw.push(0);
    return this.#calls.push(bindToRun(ctx, call)) - 1;
  }
  /** The shared cell a worker's held runs wait on: GATE_OPEN or GATE_CANCELLED once decided. */
  workerCell(): Int32Array {
    return (this.#cell ??= new Int32Array(new SharedArrayBuffer(4)));
  }
  beforeOpen(fn: () => void): void {
    this.#beforeOpen.push(fn);
  }
  open(at: number): void {
    this.openedAt = at;
    // Workers first: one store and one notify start every held run in them,
    // in parallel with the loop below.
    this.#release(GATE_OPEN);
    const calls = this.#calls;
    const kwargs = this.#kwargs;
    const contexts = this.#contexts;
    const returned = this.#returned;
    const threw = this.#threw;
    for (let i = 0; i < calls.length; i++) {
      try {
        // Each bound to its run's async context as held, so Activity.log finds the run.
        returned[i] = calls[i]!(kwargs[i]!, contexts[i]!);
      } catch (error) {
        returned[i] = error;
        threw[i] = 1;
      }
    }
    this.#resolve();
  }
  /** What held start `index` returned or threw; valid once the gate has opened. */
  result(index: number): { returned: unknown; threw: boolean } {
    return { returned: this.#returned[index], threw: this.#threw[index] === 1 };
  }
  /** Release the held runs without starting them; they are recorded as not started at `at` (as `as` says, if given). */
  cancel(at: number, as?: { readonly status: "skipped" | "missed"; readonly message: string }): void {
    this.openedAt = at;
    this.cancelled = true;
    if (as) this.cancelledAs = as;
    this.#release(GATE_CANCELLED);
    this.#resolve();
  }
  /**
   * True when a worker opened the cell itself at the instant, before this
   * gate was cancelled (a stop within microseconds of the instant): the
   * runs held in workers started, and are waited for as any started run.
   */
  workersOpened = false;
  #release(state: number): void {
    for (const fn of this.#beforeOpen) fn();
    this.#beforeOpen = [];
    if (this.#cell) {
      // A worker may have opened the cell at the instant already (worker/entry.ts): that stands.
      const was = Atomics.compareExchange(this.#cell, 0, GATE_WAITING, state);
      if (was === GATE_OPEN && state === GATE_CANCELLED) this.workersOpened = true;
      Atomics.notify(this.#cell, 0);
    }
  }
}
