/**
 * Claiming ahead, and taking over what a dead instance claimed.
 *
 * Alone on its store an instance claims each occurrence with the run's first
 * row (runner.ts), a few tens of ms before the instant. With other instances
 * on the store it also claims each job's next occurrence as soon as it is
 * scheduled: then an instance that dies before an occurrence's time leaves a
 * claim without a row, which says for certain that it never started it, and
 * the instance that takes it over (store/lifecycle.ts) runs it instead
 * (trigger `takeover`). Without the claim ahead the dead instance's row would
 * say only that it might have started, and the occurrence would be recorded
 * `abandoned`.
 *
 * An instance that stops cleanly gives back what it claimed ahead; an
 * occurrence too close for the others to meet it (STOP_NEAR_MS) is recorded
 * `missed` instead, so that none is left without a record.
 */
import { STATUS } from "../sdk/index.ts";
import type { Clock } from "../clock.ts";
import { MAX_PREP_LEAD_MS } from "./constants.ts";
import type { EngineLogger } from "./events.ts";
import type { Launcher } from "./admission.ts";
import type { Job, JobTable } from "./job-table.ts";
import { recordNotStarted, type RunnerDeps } from "./runner.ts";
import type { EngineStore, Occurrence } from "./types.ts";

/**
 * Occurrences this close to a clean stop may have been passed over by the
 * other instances (they claim with the row up to MAX_PREP_LEAD_MS ahead; the
 * rest is for the release's own write): recorded missed, not given back.
 */
const STOP_NEAR_MS = MAX_PREP_LEAD_MS + 100;

/** An occurrence a dead instance had claimed, handed to this engine by the takeover. */
export interface TakenOverOccurrence extends Occurrence {
  /** The instance that had claimed it. */
  readonly instance: string;
}

export class AheadClaims {
  readonly #store: EngineStore;
  readonly #enabled: () => boolean;
  readonly #logger: EngineLogger;
  /** Each job's occurrence claimed ahead by this instance (until it fires). */
  readonly #held = new Map<Job, number>();

  constructor(store: EngineStore, enabled: () => boolean, logger: EngineLogger) {
    this.#store = store;
    this.#enabled = enabled;
    this.#logger = logger;
  }

  /** A job's next occurrence was scheduled: claim it now, while other instances share the store. */
  scheduled(job: Job, at: number): void {
    const claim = this.#store.claim;
    if (claim === undefined || !this.#enabled()) return;
    claim.call(this.#store, job.spec.label, at).then(
      (ours) => {
        if (ours) this.#held.set(job, at);
      },
      // The run's first row claims it then (or the store's failure is reported there).
      (error: unknown) => this.#logger.log("debug", "claim.ahead.failed", { label: job.spec.label, scheduledFor: at, message: String(error) }),
    );
  }

  /**
   * The engine stops: give back the occurrences claimed ahead and not
   * started, recording as missed those too close for another to meet.
   */
  async stop(deps: RunnerDeps, now: number): Promise<void> {
    const released: Occurrence[] = [];
    for (const [job, at] of this.#held) {
      if (at <= job.lastFired) continue;
      if (at - now <= STOP_NEAR_MS) {
        recordNotStarted(deps, job.spec, at, "schedule", "missed: not started: this instance stopped just after claiming it", STATUS.missed);
      } else released.push({ label: job.spec.label, scheduledFor: at });
    }
    this.#held.clear();
    if (released.length === 0 || !this.#store.release) return;
    try {
      await this.#store.release(released);
    } catch (error) {
      this.#logger.log("error", "claims.release.failed", { count: released.length, message: String(error) });
    }
  }
}

/**
 * Occurrences a dead instance had claimed and never started: run each now
 * (or at its time, when that is still to come and this engine has passed it
 * by), unless its schedule here still meets it, the job is off or gone, or
 * its grace is over — then it is recorded missed.
 */
export function takeOver(
  ctx: { readonly table: JobTable; readonly launcher: Launcher; readonly clock: Clock; readonly logger: EngineLogger; readonly deps: RunnerDeps },
  occurrences: readonly TakenOverOccurrence[],
): void {
  const now = ctx.clock.now();
  for (const o of occurrences) {
    const job = ctx.table.get(o.label);
    if (!job || !job.active || (job.spec.until !== undefined && o.scheduledFor > job.spec.until)) {
      ctx.logger.log("info", "takeover.skipped", { label: o.label, scheduledFor: o.scheduledFor, instance: o.instance, message: "the job is off or gone here" });
      continue;
    }
    // Still to be met by this engine's schedule (its claim is free again).
    if (o.scheduledFor > job.lastFired && job.next !== null && o.scheduledFor >= job.next) continue;
    const late = now - o.scheduledFor;
    const grace = job.spec.graceMs;
    if (grace !== undefined && late > grace) {
      const message = `missed: instance ${o.instance} claimed it and stopped before starting it; taken over ${late} ms after its time, past its grace`;
      recordNotStarted(ctx.deps, job.spec, o.scheduledFor, "takeover", message, STATUS.missed);
      continue;
    }
    ctx.logger.log("warn", "takeover", { label: o.label, scheduledFor: o.scheduledFor, instance: o.instance, lateMs: Math.max(0, late) });
    if (late >= 0) ctx.launcher.takeOver(job, o.scheduledFor);
    else ctx.clock.setTimer(() => ctx.launcher.takeOver(job, o.scheduledFor), -late);
  }
}
