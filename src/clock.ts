/**
 * The process's only source of time: the engine, the service, the store and
 * the API each take a `Clock` as an option, `systemClock` by default. Tests
 * pass a fake (test/helpers/fake-clock.ts) and run a year of schedule, an
 * hourly prune or a dead instance's heartbeat timeout in milliseconds.
 *
 * Code reads what a clock can do from its optional members, never from which
 * clock it is: `block` says the clock is the real one, whose instant can be
 * watched by sleeping in the kernel (so the engine wakes early and watches);
 * a clock without it only moves when told to.
 */
import { collectGarbage } from "./runtime/gc.ts";

export interface Clock {
  /** Wall-clock instant, epoch ms. */
  now(): number;
  /** Monotonic milliseconds, for measuring durations and detecting wall-clock jumps. */
  monotonic(): number;
  /** Call `fn` after `ms` (any length; the clock splits delays above 2^31-1 ms). */
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /**
   * Block the thread for `ms` (fractional), sleeping in the kernel. Its
   * presence is the capability "time passes on its own and can be watched":
   * the engine then wakes early and blocks up to an instant. A clock without
   * it (a fake one) jumps straight to each timer, so waking early buys nothing.
   */
  block?(ms: number): void;
  /**
   * Collect garbage now, synchronously. Optional: the engine calls it in the
   * quiet gap after a large instant is prepared (instant.ts), so that no
   * collection is under way, and none is due, when the instant comes.
   */
  collect?(): void;
}

export type TimerHandle = { readonly id: unknown };

/** setTimeout overflows (fires at once) above this; longer delays are chained. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Atomics.wait needs a shared cell; nothing ever notifies it, so a wait always runs to its timeout. */
const blockCell = new Int32Array(new SharedArrayBuffer(4));

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimer(fn, ms) {
    const handle: { id: ReturnType<typeof setTimeout> | undefined } = { id: undefined };
    const arm = (remaining: number) => {
      if (remaining > MAX_TIMER_MS) {
        handle.id = setTimeout(() => arm(remaining - MAX_TIMER_MS), MAX_TIMER_MS);
      } else {
        handle.id = setTimeout(fn, Math.max(0, remaining));
      }
    };
    arm(ms);
    return handle;
  },
  clearTimer(handle) {
    clearTimeout((handle as { id: ReturnType<typeof setTimeout> | undefined }).id);
  },
  // Atomics.wait: a futex wait, about 0.1 ms over on Bun, Node and Deno alike.
  block(ms) {
    if (ms > 0) Atomics.wait(blockCell, 0, 0, ms);
  },
  // Bun's synchronous collector (runtime/gc.ts); Deno and Node do without.
  ...(collectGarbage && { collect: collectGarbage }),
};

/** Resolve after `ms` by `clock`, or as soon as `until` aborts. */
export function sleep(clock: Clock, ms: number, until?: AbortSignal): Promise<void> {
  if (until?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clock.clearTimer(handle);
      until?.removeEventListener("abort", done);
      resolve();
    };
    const handle = clock.setTimer(done, Math.max(0, ms));
    until?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Run `fn` in a task of its own, after the current one (and the microtasks it
 * leaves), so that a synchronous burst is handled once. A deferral, not a
 * delay: it is on no clock, since a fake clock would hold it until a test
 * advances time, and nothing about it is time. Returns a function that cancels it.
 */
export function nextTask(fn: () => void): () => void {
  const id = setTimeout(fn, 0);
  return () => clearTimeout(id);
}

/** Call `fn` every `ms` by `clock` until the returned function is called. */
export function repeat(clock: Clock, ms: number, fn: () => void): () => void {
  let handle: TimerHandle;
  let stopped = false;
  const arm = () => {
    handle = clock.setTimer(() => {
      if (stopped) return;
      arm();
      fn();
    }, ms);
  };
  arm();
  return () => {
    stopped = true;
    clock.clearTimer(handle);
  };
}
