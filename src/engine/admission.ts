/**
 * Whether an occurrence runs now, waits, or is recorded as not run — the
 * overlap policy as a pure decision — and the runs the engine has going.
 *
 * Whether this instance or another runs an occurrence is not decided here:
 * the claim its run's first row takes settles that (runner.ts). With several
 * instances each applies its own overlap policy (the job's previous run may
 * be going on another); the claim then takes whichever record comes first,
 * a run or its skip, and only it.
 */
import { STATUS } from "../sdk/index.ts";
import type { StartGate } from "./start-gate.ts";
import type { Job } from "./job-table.ts";
import { recordGap } from "./missed.ts";
import { recordNotStarted, runOccurrence, type RunExtras, type RunnerDeps } from "./runner.ts";
import type { MissedGap, RunRecord, Trigger } from "./types.ts";

/** A gate prepared for an instant: a run passed one starts in it, at `at`. */
export interface Held {
  readonly gate: StartGate;
  readonly at: number;
}

export type Admission =
  | { readonly kind: "start" }
  | { readonly kind: "queue" }
  | { readonly kind: "record"; readonly status: typeof STATUS.skipped | typeof STATUS.missed; readonly message: string };

/** What the job's overlap policy says of a new occurrence, given what of the job is going. */
export function admission(job: Pick<Job, "inflight" | "awaitingRow" | "waiting" | "spec">): Admission {
  if (job.inflight === 0) return { kind: "start" };
  const overlap = job.spec.overlap;
  if (overlap === "allow") return { kind: "start" };
  if (job.inflight === job.awaitingRow) {
    // Nothing of the job runs: the store has not taken the earlier start yet (a lock, a full disk).
    return { kind: "record", status: STATUS.missed, message: "missed: the previous occurrence was still waiting for the store to record its start; not started" };
  }
  if (overlap === "skip") return { kind: "record", status: STATUS.skipped, message: "skipped: the previous run was still running (overlap = skip)" };
  if (job.waiting !== null && job.waiting.length > 0) return { kind: "record", status: STATUS.skipped, message: "skipped: a run was already queued behind the running one (overlap = queue)" };
  return { kind: "queue" };
}

/** Starts occurrences and keeps the runs going, until they end. */
export class Launcher {
  readonly #deps: RunnerDeps;
  /** Every occurrence going, from its start to its last attempt. */
  readonly running = new Set<Promise<RunRecord>>();

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
  }

  /**
   * Occurrence `at` came due: start it unless this engine started it already,
   * as the job's overlap policy says. `held`: the gate of the instant being
   * prepared, when the run is to start in it.
   */
  fire(job: Job, at: number, trigger: Trigger, held: Held | null = null): void {
    if (at <= job.lastFired) return;
    job.lastFired = at;
    this.#admit(job, at, trigger, held);
  }

  /**
   * An occurrence another instance had claimed and never started (takeover.ts):
   * this engine may have met it already (and been refused), so `lastFired`
   * does not stop it; the overlap policy still applies.
   */
  takeOver(job: Job, at: number): void {
    if (this.#deps.stopping.aborted) return;
    job.lastFired = Math.max(job.lastFired, at);
    this.#admit(job, at, "takeover", null);
  }

  #admit(job: Job, at: number, trigger: Trigger, held: Held | null): void {
    const decision = admission(job);
    if (decision.kind === "record") recordNotStarted(this.#deps, job.spec, at, trigger, decision.message, decision.status);
    else if (decision.kind === "queue") (job.waiting ??= []).push({ at, trigger });
    else void this.launch(job, at, trigger, held);
  }

  /** Run an occurrence of a job through all its attempts; then the one waiting behind it, if any. */
  launch(job: Job, at: number, trigger: Trigger, held: Held | null = null, extras?: RunExtras): Promise<RunRecord> {
    job.inflight += 1;
    job.awaitingRow += 1;
    let begun = false;
    const onBegun = () => {
      if (begun) return;
      begun = true;
      job.awaitingRow -= 1;
    };
    const run = runOccurrence(this.#deps, job.spec, at, trigger, onBegun, held, extras);
    this.running.add(run);
    void run.finally(() => {
      this.running.delete(run);
      onBegun();
      job.inflight -= 1;
      const next = job.waiting?.shift();
      if (next && !this.#deps.stopping.aborted) void this.launch(job, next.at, next.trigger);
    });
    return run;
  }

  /** A manual run of a spec that is not (or not this way) in the schedule: `tickd run-job`. */
  launchSpec(spec: Job["spec"], at: number, extras?: RunExtras): Promise<RunRecord> {
    const run = runOccurrence(this.#deps, spec, at, "manual", undefined, null, extras);
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return run;
  }

  /** Record a gap of occurrences that did not start within the job's grace (missed.ts). */
  recordGap(job: Job, gap: MissedGap): void {
    recordGap(this.#deps, job.spec, gap);
  }

  /** Record the occurrences waiting behind running ones as not started. */
  dropWaiting(job: Job, message: string): void {
    for (const waiting of job.waiting?.splice(0) ?? []) recordNotStarted(this.#deps, job.spec, waiting.at, waiting.trigger, message);
  }
}
