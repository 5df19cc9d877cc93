/**
 * Meeting each due instant: one timer for the earliest occurrence. A tick
 * reads the clock once, takes what is due, starts those runs first (lateness
 * is measured at the callback's start) and only then computes next
 * occurrences.
 *
 * On the system clock an instant is met in two stages (wake.ts): its runs are
 * prepared into a start gate a few tens of ms ahead — each writes its
 * "running" row then, so the row is durable before the start — and the gate
 * opens at the instant. Between the stages the event loop is free; what was
 * taken with the instant (next occurrences) is done after it opens. A job
 * still running when its instant is prepared is decided at the instant. A job
 * deactivated or removed between the stages still starts at that instant,
 * being already prepared; a stop in between records the prepared runs as not
 * started.
 *
 * Invariant: an occurrence (label, scheduledFor) starts at most once per
 * engine (`lastFired` only grows) and at most once per store (the claim its
 * first row takes).
 */
import type { Clock } from "../clock.ts";
import { COLLECT_FIRST_MS, COLLECT_MIN_RUNS, JUMP_TOLERANCE_MS } from "./constants.ts";
import type { EngineLogger } from "./events.ts";
import { StartGate } from "./start-gate.ts";
import type { Launcher } from "./admission.ts";
import type { Job, JobTable } from "./job-table.ts";
import { gapFrom } from "./missed.ts";
import { FENCED_MESSAGE } from "./runner.ts";
import type { EngineLease, Trigger } from "./types.ts";
import { Alarm } from "./wake.ts";

/** An instant whose runs are prepared and held in a gate until it comes. */
interface Pending {
  readonly at: number;
  readonly gate: StartGate;
  /**
   * Occurrences of jobs that were still running when the instant was
   * prepared: their overlap policy is decided at the instant itself.
   */
  readonly deferred: Array<{ readonly job: Job; readonly at: number; readonly trigger: Trigger }>;
  /**
   * The jobs taken for the instant, to schedule their next occurrences once
   * it has come: before it, that work would only compete with the instant.
   */
  readonly due: Job[];
}

export interface InstantsOptions {
  readonly clock: Clock;
  readonly table: JobTable;
  readonly launcher: Launcher;
  readonly logger: EngineLogger;
  readonly alarm: { readonly maxSleepMs: number; readonly earlyWakeMs: number; readonly prepareAheadMs: number };
  /** True once the engine stops. */
  readonly stopped: () => boolean;
  /**
   * Resolves once the store has written what is queued (the prepared runs'
   * rows among it): the alarm learns preparing as lasting until then, so an
   * instant is prepared early enough for its rows to be durable before it.
   */
  readonly written: () => Promise<void>;
  /**
   * This instance's lease: a gate opens only while it holds, else once it is
   * renewed — or, if the instance was taken over meanwhile, its runs are
   * recorded missed (store/lease.ts). None: gates open at their instant.
   */
  readonly lease?: EngineLease;
}

export class Instants {
  readonly #clock: Clock;
  readonly #table: JobTable;
  readonly #launcher: Launcher;
  readonly #logger: EngineLogger;
  readonly #stopped: () => boolean;
  readonly #written: () => Promise<void>;
  readonly #lease: EngineLease | undefined;
  /** The lease was found lapsed at the last instant (logged once until it holds again). */
  #lapsed = false;
  readonly #alarm: Alarm;
  #lastWall = 0;
  #lastMono = 0;
  /** The prepared instant waiting for its time, if any. */
  #pending: Pending | null = null;
  /** How long a garbage collection took lately (decaying max), ms; measured first when the engine starts. */
  #collectMs = COLLECT_FIRST_MS;

  constructor(options: InstantsOptions) {
    this.#clock = options.clock;
    this.#table = options.table;
    this.#launcher = options.launcher;
    this.#logger = options.logger;
    this.#stopped = options.stopped;
    this.#written = options.written;
    this.#lease = options.lease;
    this.#alarm = new Alarm(options.clock, options.alarm, () => this.#tick());
  }

  /** The readings a later tick compares with, to notice a clock jump. */
  reset(now: number): void {
    this.#lastWall = now;
    this.#lastMono = this.#clock.monotonic();
  }

  /** The earliest instant due: the prepared one, or the table's first entry; null when nothing is scheduled. */
  nextDueAt(): number | null {
    const top = this.#table.peekAt();
    const pending = this.#pending?.at;
    if (pending === undefined) return top ?? null;
    return top === undefined ? pending : Math.min(pending, top);
  }

  /** An occurrence was queued at `at`: wake for it when it comes before the armed timer. */
  queued(at: number, now: number): void {
    if (at < this.#alarm.armedFor) this.arm(now);
  }

  /** Set the alarm for the prepared instant, or to prepare the earliest entry. */
  arm(_now: number): void {
    if (this.#stopped()) return;
    const top = this.#table.peekAt();
    const pending = this.#pending;
    if (!pending) this.#alarm.set(top, "prepare");
    else if (top === undefined || pending.at <= top) this.#alarm.set(pending.at, "open");
    // Something came due before the prepared instant (a job added meanwhile): wake for it exactly.
    else this.#alarm.set(top, "exact");
  }

  /** The engine stops: no more wakes; runs prepared for an instant that has not come are released as not started. */
  cancel(): void {
    this.#alarm.clear();
    const pending = this.#pending;
    this.#pending = null;
    pending?.gate.cancel(pending.at);
  }

  #tick(): void {
    let now = this.#clock.now();
    let mono = this.#clock.monotonic();
    this.#alarm.learn(mono);
    const drift = now - (this.#lastWall + (mono - this.#lastMono));
    // After a forward jump (suspend, NTP step) occurrences inside the jump
    // were missed, not merely late; they follow the job's catchup policy.
    const jumped = drift > JUMP_TOLERANCE_MS;
    if (jumped) this.#logger.log("warn", "clock.jump", { direction: "forward", ms: Math.round(drift) });
    else if (drift < -JUMP_TOLERANCE_MS) this.#logger.log("warn", "clock.jump", { direction: "backward", ms: Math.round(-drift), message: "nothing runs twice; jobs wait for their next occurrence" });

    // While an instant is being prepared, a job still running is decided at the instant.
    let preparing: Pending | null = null;
    // Jobs taken in this tick (or in the stage that prepared the instant opened now).
    let due: Job[] = [];
    // Occurrences taken later than their job's grace (a jump, a stuck loop): recorded once the tick's runs have started.
    const late: Array<{ readonly job: Job; readonly at: number }> = [];
    const start = (job: Job) => {
      due.push(job);
      const at = job.next!;
      const grace = job.spec.graceMs;
      const tooLate = grace !== undefined && now - at > grace;
      if (tooLate) late.push({ job, at });
      const missed = tooLate || (jumped && at < now - JUMP_TOLERANCE_MS);
      const trigger: Trigger = missed ? "catchup" : "schedule";
      if (missed && job.spec.catchup !== "once") {
        if (!tooLate) this.#logger.log("info", "run.missed", { label: job.spec.label, scheduledFor: at, message: "missed while the clock jumped; catchup = skip" });
      } else if (preparing && job.inflight > 0) {
        preparing.deferred.push({ job, at, trigger });
      } else this.#launcher.fire(job, at, trigger, preparing);
    };

    const take = (upTo: number) => {
      for (let at = this.#table.peekAt(); at !== undefined && at <= upTo; at = this.#table.peekAt()) start(this.#table.pop()!);
    };

    const pending = this.#pending;
    const top = this.#table.peekAt();
    if (pending && (top === undefined || pending.at <= top)) {
      // Stage two: the prepared instant is a few ms away.
      this.#pending = null;
      ({ now, mono } = this.#openAt(pending, now, mono));
      if (this.#pending === null) ({ due } = pending);
    } else if (!pending && top !== undefined && this.#alarm.shouldPrepare(now, mono, top)) {
      // Stage one: prepare every run of the coming instant (overlap,
      // contexts, their rows) and hold them in a gate.
      const prepared: Pending = { at: top, gate: new StartGate(), deferred: [], due };
      if (this.#lease) prepared.gate.openBy = this.#lease.until();
      preparing = prepared;
      try {
        take(top);
      } finally {
        preparing = null;
      }
      const preparedAt = this.#clock.monotonic();
      this.#alarm.prepared(preparedAt - mono);
      const began = mono;
      this.#written().then(
        () => {
          this.#alarm.prepared(this.#clock.monotonic() - began);
          this.#collectBefore(prepared);
        },
        () => {}, // the store reports its own failures
      );
      now = this.#clock.now();
      mono = preparedAt;
      if (this.#alarm.openNow(now, top)) ({ now, mono } = this.#openAt(prepared, now, mono));
      else this.#pending = prepared;
      // Still waiting for its instant: the next stage schedules what it took.
      if (this.#pending) due = [];
    }
    this.#lastWall = now;
    this.#lastMono = mono;

    // Start every due run as it is popped, before any schedule arithmetic: lateness counts.
    take(now);
    this.#table.bulk(() => {
      for (const job of due) {
        // Rescheduled, deactivated or removed meanwhile (between the stages of an instant).
        if (this.#table.queued(job) || !job.active || job.next === null) continue;
        // Strictly after the occurrence just taken, even when it was taken ahead of its instant.
        this.#table.scheduleAt(job, job.schedule.followingAfter(job.next, Math.max(now, job.next)), now);
      }
    });
    // Every occurrence from the late one through now is skipped by the scheduling above: one gap.
    for (const { job, at } of late) this.#launcher.recordGap(job, gapFrom(job.schedule, at, now, job.spec.until));
    this.arm(now);
  }

  /**
   * Jobs were set up (the engine started with `jobs` of them): when that is
   * enough for large instants, collect the setup's garbage now and learn what
   * a collection takes on this heap.
   */
  settled(jobs: number): void {
    if (jobs >= COLLECT_MIN_RUNS) this.#collect();
  }

  /**
   * A large instant is prepared and its rows are written: collect garbage
   * now, while nothing is due, when twice what a collection takes is left
   * before the instant's wake (COLLECT_MIN_RUNS says why).
   */
  #collectBefore(prepared: Pending): void {
    if (this.#pending !== prepared || prepared.due.length < COLLECT_MIN_RUNS) return;
    if (prepared.at - this.#clock.now() - this.#alarm.slackMs >= 2 * this.#collectMs) this.#collect();
  }

  #collect(): void {
    const collect = this.#clock.collect;
    if (!collect) return;
    const began = this.#clock.monotonic();
    collect();
    this.#collectMs = Math.max(this.#clock.monotonic() - began, this.#collectMs * 0.9);
  }

  /** Wait precisely for a prepared instant and open its gate. Returns the last clock readings. */
  #openAt(pending: Pending, now: number, mono: number): { now: number; mono: number } {
    ({ now, mono } = this.#alarm.watch(pending.at, now, mono));
    if (now >= pending.at) this.#open(pending, now);
    // The watch gave up (the wall clock stalled or stepped back): wait again for the instant.
    else this.#pending = pending;
    return { now, mono };
  }

  #open(pending: Pending, now: number): void {
    const lease = this.#lease;
    if (lease && now >= lease.until()) {
      // Woken past the lease (stopped, suspended, the store out of reach): the
      // prepared runs wait for a renewal.
      if (!this.#lapsed) this.#logger.log("warn", "lease.lapsed", { at: pending.at, lateMs: now - pending.at, message: "renewing the lease before starting the instant's runs" });
      this.#lapsed = true;
      lease.renew().then(
        (kept) => this.#openLeased(pending, kept ? null : FENCED_MESSAGE),
        (error: unknown) => this.#openLeased(pending, `missed: not started: this instance's lease could not be renewed (${String(error)})`),
      );
    } else {
      this.#lapsed = false;
      pending.gate.open(now);
    }
    // Decided now, in the order of instants (a later one must not overtake
    // them); having no row yet, each asks for the lease itself as it starts.
    for (const { job, at, trigger } of pending.deferred) this.#launcher.fire(job, at, trigger);
  }

  /** After a renewal: open the gate late, or (`fenced`: the instance was taken over) record its runs missed. */
  #openLeased(pending: Pending, fenced: string | null): void {
    const now = this.#clock.now();
    if (this.#stopped()) {
      pending.gate.cancel(now); // the service stopped meanwhile: not started, as any prepared run then
      return;
    }
    if (fenced === null) pending.gate.open(now);
    else {
      this.#logger.log("error", "run.fenced", { at: pending.at, runs: pending.gate.size, message: fenced });
      pending.gate.cancel(now, { status: "missed", message: fenced });
    }
  }
}
