/**
 * The timers that end pauses at their `until`, on the store's clock (the
 * process's one clock, so a test can move a fake one past it). A timer longer
 * than a platform timer can wait is re-armed in steps.
 */
import { MAX_TIMER_MS, type Clock, type TimerHandle } from "../clock.ts";

export class ResumeTimers {
  readonly #timers = new Map<string, TimerHandle>();

  constructor(
    private readonly clock: Clock,
    /** Called at `until`; the caller checks the pause is still the one armed. */
    private readonly due: (label: string, until: number) => Promise<void>,
  ) {}

  arm(label: string, until: number): void {
    this.disarm(label);
    const wait = Math.max(0, until - this.clock.now());
    const fire = () => {
      this.#timers.delete(label);
      if (this.clock.now() < until) this.arm(label, until);
      // A failed resume is retried by the next start (armResumes); it never throws into the timer.
      else void this.due(label, until).catch(() => {});
    };
    this.#timers.set(label, this.clock.setTimer(fire, Math.min(wait, MAX_TIMER_MS)));
  }

  disarm(label: string): void {
    const timer = this.#timers.get(label);
    if (timer !== undefined) this.clock.clearTimer(timer);
    this.#timers.delete(label);
  }

  close(): void {
    for (const label of [...this.#timers.keys()]) this.disarm(label);
  }
}
