/**
 * The engine's one timer, and how it wakes precisely. Timers fire about 1 ms
 * late on an idle machine and later on a busy one, and lateness is what a
 * scheduler is judged on, so the alarm is armed a little *before* the due
 * instant (the slack) and the engine watches the clock for the rest.
 *
 * - The slack starts at `earlyWakeMs`, rises to how late timers have
 *   recently fired (+1 ms), and decays back by 10% per wake.
 * - On top of it comes the time the engine needs to prepare the runs of an
 *   instant (thousands of jobs due together take milliseconds), learned the
 *   same way.
 * - Watching costs at most SPIN_BUDGET_MS per second of monotonic time;
 *   beyond it the timer alone decides until the next second.
 * - The longest sleep is `maxSleepMs`, so a wall-clock jump is noticed even
 *   when the next job is days away.
 */
import type { Clock, TimerHandle } from "./clock.ts";
import { MAX_EARLY_WAKE_MS, MAX_PREP_LEAD_MS, SPIN_BUDGET_MS } from "./constants.ts";

export class Alarm {
  readonly #clock: Clock;
  readonly #maxSleepMs: number;
  readonly #earlyWakeMs: number;
  readonly #onWake: () => void;
  #timer: TimerHandle | null = null;
  /** The due instant the armed timer is for (Infinity when none). */
  #armedFor = Infinity;
  /** Monotonic instant the armed timer should fire at. */
  #armedMono = 0;
  #slackMs: number;
  /**
   * How long preparing the runs of an instant took lately (decaying max).
   * Starts high, so even the first burst after start is prepared in time;
   * it settles to the measured cost within a few wakes.
   */
  #prepMs: number;
  #spentMs = 0;
  #budgetSince = -Infinity;

  constructor(clock: Clock, options: { maxSleepMs: number; earlyWakeMs: number }, onWake: () => void) {
    this.#clock = clock;
    this.#maxSleepMs = options.maxSleepMs;
    this.#earlyWakeMs = options.earlyWakeMs;
    this.#slackMs = options.earlyWakeMs;
    this.#prepMs = options.earlyWakeMs > 0 ? MAX_EARLY_WAKE_MS : 0;
    this.#onWake = onWake;
  }

  /** The due instant the alarm is set for; Infinity when unset. */
  get armedFor(): number {
    return this.#armedFor;
  }

  /**
   * Set the alarm for `at` (undefined: clear it). The delay is measured from
   * a fresh reading, not from the tick's `now`: computing a thousand next
   * occurrences takes milliseconds, which would otherwise make every wake late.
   */
  set(at: number | undefined): void {
    this.clear();
    if (at === undefined) return;
    const now = this.#clock.now();
    const early = this.#spentMs < SPIN_BUDGET_MS ? this.#lead() : 0;
    const delay = Math.min(Math.max(0, at - now - early), this.#maxSleepMs);
    this.#armedMono = this.#clock.monotonic() + delay;
    this.#armedFor = at;
    this.#timer = this.#clock.setTimer(() => {
      this.#timer = null;
      this.#armedFor = Infinity;
      this.#onWake();
    }, delay);
  }

  clear(): void {
    if (this.#timer) this.#clock.clearTimer(this.#timer);
    this.#timer = null;
    this.#armedFor = Infinity;
  }

  /** At a wake: learn how late this machine's timers fire, so the next wake is early enough. */
  learn(mono: number): void {
    if (this.#earlyWakeMs <= 0) return;
    const lateBy = mono - this.#armedMono;
    this.#slackMs = Math.min(MAX_EARLY_WAKE_MS, Math.max(this.#earlyWakeMs, lateBy + 1, this.#slackMs * 0.9));
  }

  /** How long preparing an instant's runs took; the next wake comes that much earlier. */
  prepared(ms: number): void {
    if (this.#earlyWakeMs <= 0) return;
    // Half again the measured time as margin; an overestimate decays fast,
    // because the excess is spent watching the clock.
    this.#prepMs = Math.min(MAX_PREP_LEAD_MS, Math.max(ms * 1.5, this.#prepMs * 0.6));
  }

  /** How far ahead of an instant to wake: timer lateness plus preparation. */
  #lead(): number {
    return this.#slackMs + this.#prepMs;
  }

  /** True when `at` is close enough to watch the clock for, and the budget allows. */
  shouldWatch(now: number, mono: number, at: number): boolean {
    if (!(at > now && at - now <= this.#lead())) return false;
    if (mono - this.#budgetSince >= 1000) {
      this.#budgetSince = mono;
      this.#spentMs = 0;
    }
    return this.#spentMs < SPIN_BUDGET_MS;
  }

  /**
   * Watch the clock until it reads `at`. Bounded by monotonic time, in case
   * the wall clock stalls. Returns the last readings.
   */
  watch(at: number, now: number, mono: number): { now: number; mono: number } {
    const began = mono;
    const limit = mono + this.#lead() + 1;
    // The iteration cap guards against a clock that never moves (a fake one).
    for (let i = 0; now < at && mono < limit && i < 50_000_000; i++) {
      now = this.#clock.now();
      mono = this.#clock.monotonic();
    }
    this.#spentMs += mono - began;
    return { now, mono };
  }
}
