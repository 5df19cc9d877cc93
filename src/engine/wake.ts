/**
 * The engine's one timer, and how it wakes precisely. Timers fire about 1 ms
 * late on an idle machine and later on a busy one, and lateness is what a
 * scheduler is judged on, so an instant is met in two stages:
 *
 * 1. **prepare**, PREPARE_AHEAD_MS (plus the learned preparation time) before
 *    the instant: the engine builds every run due then and holds them in a
 *    start gate, then returns to the event loop. Preparing a burst wakes the
 *    JIT compiler and the garbage collector; their threads get this gap to
 *    finish, instead of competing with the instant for a core.
 * 2. **open**, a little before the instant (the slack): the thread sleeps in
 *    the kernel until just before it, reads the clock for the rest, and opens
 *    the gate. The instant itself costs only the callbacks' own starts.
 *
 * - The slack starts at `earlyWakeMs`, rises to how late timers have
 *   recently fired (+1 ms), and decays back by 10% per wake.
 * - The preparation time is learned from each burst (decaying max).
 * - Reading the clock is paid from a bucket that refills at SPIN_BUDGET_MS
 *   per second of monotonic time and holds at most SPIN_BURST_MS. While it is
 *   empty the timer alone decides. (A per-second window that resets is not
 *   enough: instants one second apart fall into one window or the other by
 *   chance, and a wake that found the window spent came late by its whole
 *   preparation.)
 * - The longest sleep is `maxSleepMs`, so a wall-clock jump is noticed even
 *   when the next job is days away.
 */
import type { Clock, TimerHandle } from "../clock.ts";
import { MAX_EARLY_WAKE_MS, MAX_PREP_LEAD_MS, SPIN_BUDGET_MS, SPIN_BURST_MS, WATCH_SPIN_MS } from "./constants.ts";

/**
 * What a wake is for: `prepare` an instant (the earliest wake), `open` a
 * prepared one (the slack before it), or `exact` (no lead: something due
 * while another instant is prepared).
 */
export type WakeStage = "prepare" | "open" | "exact";

export class Alarm {
  readonly #clock: Clock;
  readonly #maxSleepMs: number;
  readonly #earlyWakeMs: number;
  readonly #prepareAheadMs: number;
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
  /** Clock-reading time still allowed (ms); may go a little negative, then refills. */
  #creditMs = SPIN_BURST_MS;
  #creditAt: number | undefined;

  constructor(clock: Clock, options: { maxSleepMs: number; earlyWakeMs: number; prepareAheadMs: number }, onWake: () => void) {
    this.#clock = clock;
    this.#prepareAheadMs = options.prepareAheadMs;
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
   * Set the alarm for instant `at` (undefined: clear it), early by what
   * `stage` needs. The delay is measured from a fresh reading, not from the
   * tick's `now`: computing a thousand next occurrences takes milliseconds,
   * which would otherwise make every wake late.
   */
  set(at: number | undefined, stage: WakeStage = "prepare"): void {
    this.clear();
    if (at === undefined) return;
    const now = this.#clock.now();
    const mono = this.#clock.monotonic();
    // No lead with a clock that cannot be watched (earlyWakeMs 0), for an exact wake, or out of budget.
    const early = this.#earlyWakeMs <= 0 || stage === "exact" || this.#refill(mono) <= 0 ? 0 : stage === "open" ? this.#slackMs : this.#prepareLead();
    const delay = Math.min(Math.max(0, at - now - early), this.#maxSleepMs);
    this.#armedMono = mono + delay;
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

  /** How early the wake that opens a prepared instant comes, ms. */
  get slackMs(): number {
    return this.#slackMs;
  }

  /** At a wake: learn how late this machine's timers fire, so the next wake is early enough. */
  learn(mono: number): void {
    if (this.#earlyWakeMs <= 0) return;
    const lateBy = mono - this.#armedMono;
    this.#slackMs = Math.min(MAX_EARLY_WAKE_MS, Math.max(this.#earlyWakeMs, lateBy + 1, this.#slackMs * 0.9));
  }

  /** How long preparing an instant's runs took; the next prepare wake comes that much earlier. */
  prepared(ms: number): void {
    if (this.#earlyWakeMs <= 0) return;
    // Half again the measured time as margin, decaying slowly: a burst that
    // once took long (a cold JIT, a collection) may take long again.
    this.#prepMs = Math.min(MAX_PREP_LEAD_MS, Math.max(ms * 1.5, this.#prepMs * 0.9));
  }

  /** How far ahead of an instant to prepare it. */
  #prepareLead(): number {
    return this.#slackMs + this.#prepMs + this.#prepareAheadMs;
  }

  /** True when instant `at` is close enough to prepare now, and the budget allows. */
  shouldPrepare(now: number, mono: number, at: number): boolean {
    // +1: `now` counts whole milliseconds, so a timer right on time can read up to 1 ms early.
    if (this.#earlyWakeMs <= 0 || !(at > now && at - now <= this.#prepareLead() + 1)) return false;
    return this.#refill(mono) > 0;
  }

  /** True when instant `at` is too close to return to the event loop before opening it. */
  openNow(now: number, at: number): boolean {
    return at - now <= this.#slackMs;
  }

  /** Credit the bucket for the time since it was last looked at; returns the credit. */
  #refill(mono: number): number {
    const since = this.#creditAt === undefined ? 0 : mono - this.#creditAt;
    this.#creditAt = mono;
    this.#creditMs = Math.min(SPIN_BURST_MS, this.#creditMs + (since * SPIN_BUDGET_MS) / 1000);
    return this.#creditMs;
  }

  /**
   * Wait for the clock to read `at`: asleep in the kernel until WATCH_SPIN_MS
   * before it, then reading the clock. Sleeping rather than spinning matters
   * on a machine with few cores: a thread that has run for milliseconds is
   * the one the kernel preempts for the JIT compiler's threads (observed: 4 ms
   * stalls, one scheduler tick). Bounded by monotonic time, in case the wall
   * clock stalls. Returns the last readings.
   */
  watch(at: number, now: number, mono: number): { now: number; mono: number } {
    const limit = mono + this.#slackMs + this.#prepMs + 1;
    // `now` counts whole milliseconds, so up to 1 ms more remains than `at - now` says.
    const sleepMs = Math.min(at - now - 1 - WATCH_SPIN_MS, limit - mono);
    if (this.#clock.block && sleepMs > 0) {
      this.#clock.block(sleepMs);
      now = this.#clock.now();
      mono = this.#clock.monotonic();
    }
    const spinFrom = mono;
    // The iteration cap guards against a clock that never moves (a fake one).
    for (let i = 0; now < at && mono < limit && i < 50_000_000; i++) {
      now = this.#clock.now();
      mono = this.#clock.monotonic();
    }
    this.#creditMs -= mono - spinFrom;
    return { now, mono };
  }
}
