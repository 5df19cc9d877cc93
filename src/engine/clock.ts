/**
 * The engine's only source of time. Production uses `systemClock`; tests pass a
 * fake (test/helpers/fake-clock.ts) and run a year of schedule in milliseconds.
 */
export interface Clock {
  /** Wall-clock instant, epoch ms. */
  now(): number;
  /** Monotonic milliseconds, for measuring durations and detecting wall-clock jumps. */
  monotonic(): number;
  /** Call `fn` after `ms` (any length; the clock splits delays above 2^31-1 ms). */
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export type TimerHandle = { readonly id: unknown };

/** setTimeout overflows (fires at once) above this; longer delays are chained. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

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
};
