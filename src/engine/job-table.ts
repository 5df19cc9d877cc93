/**
 * The engine's jobs and their next occurrences: one entry per scheduled job
 * in a binary heap keyed on its next instant, and the grid each `every` job's
 * occurrences lie on (anchored in the store, so every instance and every
 * restart agrees on them).
 *
 * Next occurrences step from the previous *scheduled* instant, never from
 * when a run ended, so nothing drifts.
 */
import type { JobSpec } from "../config/types.ts";
import { TickdError } from "../errors.ts";
import type { CompileSchedule, Schedule } from "../schedule/types.ts";
import type { EngineLogger } from "./events.ts";
import { TimerQueue, type Queued } from "./queue.ts";
import type { EngineStore, GridProposal, JobState, Trigger } from "./types.ts";

export interface Job extends Queued {
  spec: JobSpec;
  schedule: Schedule;
  active: boolean;
  /** Next occurrence, or null when not scheduled; the timer heap's key while queued (slot >= 0). */
  next: number | null;
  /** Highest scheduled instant started; an occurrence at or before it never starts again. */
  lastFired: number;
  /** Last manual scheduledFor, so two manual runs in one millisecond stay distinct. */
  lastManual: number;
  /** Occurrences going (including their retry waits). */
  inflight: number;
  /** Of those, the ones whose first row the store has not answered for yet: not started. */
  awaitingRow: number;
  /** An occurrence on the job's grid shared through the store (every jobs); undefined: none known. */
  anchor: number | undefined;
  /** Occurrences waiting behind a running one (overlap = queue); null until the first (most jobs never queue one). */
  waiting: Array<{ at: number; trigger: Trigger }> | null;
}

export interface JobTableOptions {
  readonly compile: CompileSchedule;
  /** IANA zone for jobs without their own. */
  readonly timezone: string;
  readonly store: EngineStore;
  readonly logger: EngineLogger;
  /** A job's next occurrence was queued at `at`: wake for it if it is earlier than the timer. */
  readonly queued: (at: number, now: number) => void;
  /** A job's next occurrence was scheduled (claimed ahead when the store is shared: takeover.ts). */
  readonly scheduled?: (job: Job, at: number) => void;
  /** True once the engine stops: nothing is scheduled any more. */
  readonly stopped: () => boolean;
}

export class JobTable {
  readonly #options: JobTableOptions;
  readonly #queue = new TimerQueue<Job>();
  readonly #jobs = new Map<string, Job>();
  /** While true, queueing a job does not re-arm the timer (bulk start, reload, after an instant). */
  #bulk = false;

  constructor(options: JobTableOptions) {
    this.#options = options;
  }

  get(label: string): Job | undefined {
    return this.#jobs.get(label);
  }

  values(): IterableIterator<Job> {
    return this.#jobs.values();
  }

  /** Throws a TickdError "not-found" naming the label. */
  require(label: string): Job {
    const job = this.#jobs.get(label);
    if (!job) throw new TickdError("not-found", `no job labelled "${label}"; \`tickd list\` shows the labels`);
    return job;
  }

  /** Compile and add a job (not yet scheduled); null, logged, when its schedule does not compile. */
  add(spec: JobSpec): Job | null {
    const schedule = this.#compile(spec);
    if (!schedule) return null;
    const job: Job = { spec, schedule, active: spec.active, next: null, seq: 0, slot: -1, lastFired: -Infinity, lastManual: -Infinity, inflight: 0, awaitingRow: 0, anchor: undefined, waiting: null };
    this.#jobs.set(spec.label, job);
    return job;
  }

  /** A new spec for a job: false (logged) when its schedule does not compile, and the job keeps its old one. */
  update(job: Job, spec: JobSpec): boolean {
    const schedule = this.#compile(spec);
    if (!schedule) return false;
    job.spec = spec;
    job.schedule = schedule;
    return true;
  }

  /** The job's schedule; null, logged, when it does not compile. */
  #compile(spec: JobSpec): Schedule | null {
    try {
      return this.#options.compile(spec, this.#options.timezone);
    } catch (error) {
      this.#options.logger.log("error", "job.invalid", { label: spec.label, message: String(error) });
      return null;
    }
  }

  delete(label: string): void {
    const job = this.#jobs.get(label);
    if (job) this.unschedule(job);
    this.#jobs.delete(label);
  }

  /** Run `fn` queueing without re-arming the timer each time; the caller arms once after. */
  bulk<T>(fn: () => T): T {
    const was = this.#bulk;
    this.#bulk = true;
    try {
      return fn();
    } finally {
      this.#bulk = was;
    }
  }

  /**
   * The job's next occurrence from now (catchup skip, activation, schedule
   * change): on its anchored grid, else as if registered now.
   */
  scheduleFirst(job: Job, now: number): void {
    if (!job.active || this.#options.stopped()) return;
    const anchor = job.anchor;
    this.scheduleAt(job, anchor === undefined ? job.schedule.first(now) : anchor > now ? anchor : job.schedule.followingAfter(anchor, now), now);
  }

  scheduleAt(job: Job, at: number | null, now: number): void {
    if (at !== null && job.spec.until !== undefined && at > job.spec.until) at = null;
    if (at === null) return this.unschedule(job);
    job.next = at;
    // Queued already: it moves to its new instant.
    this.#queue.push(job);
    this.#options.scheduled?.(job, at);
    if (!this.#bulk) this.#options.queued(at, now);
  }

  unschedule(job: Job): void {
    this.#queue.remove(job);
    job.next = null;
  }

  /** Whether the job's next occurrence is queued (popped, unscheduled or never scheduled: not). */
  queued(job: Job): boolean {
    return job.slot >= 0;
  }

  /** Unschedule every job (the engine stops). */
  unscheduleAll(): void {
    for (const job of this.#jobs.values()) this.unschedule(job);
  }

  /** The earliest queued occurrence's instant. */
  peekAt(): number | undefined {
    return this.#queue.peek()?.next ?? undefined;
  }

  /** Take the job of the earliest queued occurrence (its `next` stays that occurrence). */
  pop(): Job | undefined {
    return this.#queue.pop();
  }

  /**
   * Learn the anchors of `every` jobs' grids from the store, proposing each
   * one's first occurrence from now. A store that cannot answer leaves the
   * jobs unanchored (as if registered now), which is logged.
   */
  async anchor(jobs: readonly Job[], now: number): Promise<void> {
    const proposals: GridProposal[] = [];
    const proposed: Job[] = [];
    for (const job of jobs) {
      if (job.spec.schedule.kind !== "every") continue;
      const first = job.schedule.first(now);
      if (first === null) continue;
      proposals.push({ label: job.spec.label, grid: gridKey(job), anchor: first });
      proposed.push(job);
    }
    if (proposals.length === 0) return;
    let anchors: ReadonlyArray<number | undefined>;
    try {
      anchors = await this.#options.store.anchors(proposals);
    } catch (error) {
      this.#options.logger.log("error", "store.error", { message: `anchors failed: ${String(error)}; jobs start their grids now` });
      return;
    } finally {
      // Emptied, not just dropped: the JIT can keep an async call's scope (and
      // this array with it) alive after the call. A heap snapshot after setup
      // still held a proposal per job: 48 bytes each.
      proposals.length = 0;
    }
    for (const job of jobs) job.anchor = undefined;
    for (let i = 0; i < proposed.length; i++) proposed[i]!.anchor = anchors[i];
  }

  /** The next `count` due instants of a job (empty when inactive or ended). */
  nextRuns(label: string, count: number): number[] {
    const job = this.#jobs.get(label);
    if (!job || job.next === null) return [];
    const out: number[] = [];
    let at: number | null = job.next;
    while (at !== null && out.length < count) {
      if (job.spec.until !== undefined && at > job.spec.until) break;
      out.push(at);
      at = job.schedule.following(at);
    }
    return out;
  }

  countSource(source: JobSpec["origin"]["source"]): number {
    let n = 0;
    for (const job of this.#jobs.values()) if (job.spec.origin.source === source) n++;
    return n;
  }
}

/**
 * What an `every` job's grid depends on: its rule and zone. The loader shares
 * one rule object among jobs with equal rules (config/load.ts), so the text
 * is made once per rule and zone, not once per job; it is the same text
 * either way (JSON of that very object).
 */
function gridKey(job: Job): string {
  const rule = job.spec.schedule;
  const zone = job.schedule.zone;
  const known = gridKeys.get(rule);
  if (known !== undefined && known.zone === zone) return known.key;
  const key = JSON.stringify([rule, zone]);
  gridKeys.set(rule, { zone, key });
  return key;
}
const gridKeys = new WeakMap<object, { readonly zone: string; readonly key: string }>();

export function stateOf(job: Job): JobState {
  return { spec: job.spec, active: job.active, nextRunAt: job.active ? job.next : null, running: job.inflight };
}
