/**
 * The timers that end pauses at their `until`, on the store's clock (the
 * process's one clock, so a test can move a fake one past it). A timer longer
 * than a platform timer can wait is re-armed in steps.
 */
import { MAX_TIMER_MS, type Clock, type TimerHandle } from "../clock.ts";

/** How long after a failed resume (the store refused the write) it is tried again. */
export const RESUME_RETRY_MS = 30_000;

/** What a failed resume tells its owner, to log: the job, the pause's end, the error, when it is tried again. */
export interface ResumeFailure {
  readonly label: string;
  readonly until: number;
  readonly error: unknown;
  readonly retryInMs: number;
}

export class ResumeTimers {
  readonly #timers = new Map<string, TimerHandle>();
  /** Bumped by every arm and disarm of a job: a failed resume retries only if nothing changed the pause meanwhile. */
  readonly #generation = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    /** Called at `until`; the caller checks the pause is still the one armed. */
    private readonly due: (label: string, until: number) => Promise<void>,
    /** A resume at `until` failed: said once per attempt, so the log shows a job still paused past its end. */
    private readonly failed: (failure: ResumeFailure) => void = () => {},
  ) {}

  arm(label: string, until: number, wait = Math.max(0, until - this.clock.now())): void {
    this.disarm(label);
    const generation = this.#bump(label);
    const fire = () => {
      this.#timers.delete(label);
      if (this.clock.now() < until) {
        this.arm(label, until);
        return;
      }
      // Never throws into the timer. A failed resume is said and tried again
      // (the next start's armResumes would also resume it, but a job must not
      // stay paused past its end until a restart).
      void this.due(label, until).catch((error: unknown) => {
        this.failed({ label, until, error, retryInMs: RESUME_RETRY_MS });
        if (this.#generation.get(label) === generation) this.arm(label, until, RESUME_RETRY_MS);
      });
    };
    this.#timers.set(label, this.clock.setTimer(fire, Math.min(wait, MAX_TIMER_MS)));
  }

  disarm(label: string): void {
    this.#bump(label);
    const timer = this.#timers.get(label);
    if (timer !== undefined) this.clock.clearTimer(timer);
    this.#timers.delete(label);
  }

  #bump(label: string): number {
    const next = (this.#generation.get(label) ?? 0) + 1;
    this.#generation.set(label, next);
    return next;
  }

  close(): void {
    for (const label of [...this.#timers.keys()]) this.disarm(label);
  }
}
