/**
 * A fake Clock for engine tests: a year of schedule in milliseconds.
 *
 * Timers run on monotonic time, like real timers. `advance`/`advanceTo` fire
 * them in order, setting both clocks to each timer's instant, and let promises
 * (and the real store's I/O) settle between timers. `jump(ms)` moves wall time
 * only, as a suspend/resume or an NTP step does.
 */
import type { Clock, TimerHandle } from "../../src/clock.ts";

interface FakeTimer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

export interface FakeClockOptions {
  /** Wall-clock start, epoch ms. */
  readonly start: number;
  /**
   * Awaited after each fired timer. Default: a few macrotask turns. Tests
   * with a real store pass one that also flushes it, so claims settle.
   */
  readonly settle?: () => Promise<void>;
}

export class FakeClock implements Clock {
  #mono = 0;
  #offset: number;
  #timers = new Map<number, FakeTimer>();
  #nextId = 1;
  #settle: () => Promise<void>;
  /** Delays of every setTimer call, for asserting that no timer exceeded a limit. */
  readonly requestedDelays: number[] = [];

  constructor(options: FakeClockOptions) {
    this.#offset = options.start;
    this.#settle = options.settle ?? (() => turns(3));
  }

  now(): number {
    return this.#offset + this.#mono;
  }

  monotonic(): number {
    return this.#mono;
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    this.requestedDelays.push(ms);
    const timer: FakeTimer = { id: this.#nextId++, due: this.#mono + Math.max(0, ms), fn };
    this.#timers.set(timer.id, timer);
    return { id: timer.id };
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle.id as number);
  }

  /** Timers waiting. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Move both clocks forward by `ms`, firing due timers in order. */
  async advance(ms: number): Promise<void> {
    await this.#runUntil(this.#mono + ms);
  }

  /** Advance until wall time reads `wall`. */
  async advanceTo(wall: number): Promise<void> {
    await this.#runUntil(wall - this.#offset);
  }

  /** Move wall time by `ms` (negative: backwards) without monotonic time and without firing anything. */
  jump(ms: number): void {
    this.#offset += ms;
  }

  /** Let promises and I/O settle without moving time. */
  async settle(): Promise<void> {
    await this.#settle();
  }

  async #runUntil(targetMono: number): Promise<void> {
    await this.#settle();
    for (;;) {
      let next: FakeTimer | undefined;
      for (const timer of this.#timers.values()) {
        if (timer.due <= targetMono && (!next || timer.due < next.due || (timer.due === next.due && timer.id < next.id))) next = timer;
      }
      if (!next) break;
      this.#timers.delete(next.id);
      this.#mono = Math.max(this.#mono, next.due);
      next.fn();
      await this.#settle();
    }
    this.#mono = Math.max(this.#mono, targetMono);
    await this.#settle();
  }
}

/** Yield to the event loop `n` times. */
export async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
