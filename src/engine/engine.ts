/**
 * The tick engine. Every scheduled job has one entry in a binary heap keyed on
 * its next instant; one timer is armed for the earliest entry. A tick reads
 * the clock once, pops what is due, starts those runs first (lateness is
 * measured at the callback's start) and only then computes next occurrences.
 *
 * An occurrence is claimed in the store together with its run's "running"
 * row, when its run is prepared (see runner.ts): the claim is its first
 * durable trace, and no occurrence is claimed that nobody is about to start,
 * so an instance that dies leaves a row (`abandoned` at the next start) or
 * nothing to take over — never a claim that silently loses the run.
 *
 * On the system clock an instant is met in two stages (wake.ts): its runs are
 * prepared into a start gate a few tens of ms ahead, and the gate opens at
 * the instant. Between the stages the event loop is free (the runs' rows are
 * written then); what was taken with the instant (next occurrences) is done
 * after it opens. A job
 * still running when its instant is prepared is decided at the instant. A
 * job deactivated or removed between the stages still starts at that
 * instant, being already prepared; a stop in between records the prepared
 * runs as not started.
 *
 * Invariants:
 * - an occurrence (label, scheduledFor) starts at most once per engine
 *   (`lastFired` only grows) and at most once per store (the claim);
 * - next occurrences step from the previous *scheduled* instant, never from
 *   when a run ended, so nothing drifts.
 */
import type { Diagnostic, JobSpec } from "../config/types.ts";
import { TickdError } from "../errors.ts";
import { STATUS, type Callback } from "../sdk/index.ts";
import type { CompileSchedule, Schedule } from "../schedule/types.ts";
import { systemClock, type Clock } from "./clock.ts";
import { EARLY_WAKE_MS, JUMP_TOLERANCE_MS, MAX_SLEEP_MS, PREPARE_AHEAD_MS, SHUTDOWN_MESSAGE } from "./constants.ts";
import { Alarm } from "./wake.ts";
import { planReconcile, type Source } from "./reconcile.ts";
import { EventHub, silentLogger, type EngineLogger } from "./events.ts";
import { commandsEnded } from "./command.ts";
import { ShutdownSwitch, StartGate } from "./execute.ts";
import { TimerQueue, type QueueEntry } from "./queue.ts";
import { recordNotStarted, runOccurrence, sleep, type RunnerDeps } from "./runner.ts";
import type { EngineEvent, EngineStore, GridProposal, JobChange, JobState, ReloadSummary, RunRecord, SchedulerControl, Trigger } from "./types.ts";

export interface EngineOptions {
  /** Source of time; default the system clock. Tests pass a fake. */
  readonly clock?: Clock;
  readonly store: EngineStore;
  /** Recorded on every run (hostname:pid or --instance). */
  readonly instance: string;
  /** IANA zone for jobs without their own. */
  readonly timezone: string;
  readonly compile: CompileSchedule;
  /** The callback of a `call` job (command and url jobs need none). Called at each attempt. */
  readonly resolve: (spec: JobSpec) => Callback | undefined;
  /** Default Math.random; used for jitter. */
  readonly random?: () => number;
  /** Default silent. */
  readonly logger?: EngineLogger;
  /**
   * Longest the timer sleeps, so a suspend or clock step is noticed even when
   * the next job is days away. Default MAX_SLEEP_MS (60 s): one cheap wake-up
   * a minute that compares two clocks and looks at no job.
   */
  readonly maxSleepMs?: number;
  /**
   * Wake this many ms before the earliest due instant and wait out the rest
   * by watching the clock, because a timer fires ~1 ms late on an idle
   * machine and later on a busy one. Costs at most this much CPU per distinct
   * due instant. Default 2 with the system clock, 0 with any other (a fake
   * clock does not move while watched).
   */
  readonly earlyWakeMs?: number;
  /**
   * How far ahead of an instant its runs are prepared, on top of the learned
   * preparation time. Default PREPARE_AHEAD_MS; tests widen it to act
   * between the two stages.
   */
  readonly prepareAheadMs?: number;
  /** Working folder of command jobs; the service passes --root. Default: the process's. */
  readonly workDir?: string;
  /** Path shown by the API. Default "". */
  readonly configPath?: string;
  /** Re-read the job file (reload/SIGHUP). Without it, reload() only reports. */
  readonly reloadSource?: () => Promise<{ readonly jobs: readonly JobSpec[]; readonly diagnostics: readonly Diagnostic[] }>;
}

export interface Engine extends SchedulerControl {
  /** Register the jobs and arm the timer; resolves once catch-up runs are started. */
  start(jobs: readonly JobSpec[]): Promise<void>;
  /**
   * Stop scheduling; wait up to `graceMs` for running runs, then abort the
   * rest (recorded as error "aborted at shutdown"), then flush the store.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  /**
   * Run a job once now (trigger "manual") without scheduling it: `tickd
   * run-job`. The spec need not be registered.
   */
  runOnce(spec: JobSpec): Promise<RunRecord>;
}

/** An instant whose runs are prepared and held in a gate until it comes (see wake.ts). */
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
   * it has come: before it, that work would only
   * compete with the instant.
   */
  readonly due: Job[];
}

interface Job {
  spec: JobSpec;
  schedule: Schedule;
  active: boolean;
  /** Next occurrence, or null when not scheduled. */
  next: number | null;
  entry: QueueEntry<Job> | null;
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
  /** Occurrences waiting behind a running one (overlap = queue). */
  waiting: Array<{ at: number; trigger: Trigger }>;
}

export function createEngine(options: EngineOptions): Engine {
  return new TickEngine(options);
}

class TickEngine implements Engine {
  readonly instance: string;
  readonly timezone: string;
  readonly configPath: string;
  startedAt = 0;

  readonly #clock: Clock;
  readonly #store: EngineStore;
  readonly #compile: CompileSchedule;
  readonly #logger: EngineLogger;
  readonly #events = new EventHub();
  readonly #queue = new TimerQueue<Job>();
  readonly #jobs = new Map<string, Job>();
  readonly #running = new Set<Promise<RunRecord>>();
  readonly #stopping = new AbortController();
  readonly #shutdown = new ShutdownSwitch();
  readonly #deps: RunnerDeps;
  readonly #reloadSource: EngineOptions["reloadSource"];
  readonly #alarm: Alarm;
  #stopped: Promise<void> = Promise.resolve();
  #lastWall = 0;
  #lastMono = 0;
  /** While true, adding jobs does not re-arm the timer (bulk start/reload). */
  #bulk = false;
  /** The prepared instant waiting for its time, if any. */
  #pending: Pending | null = null;

  constructor(options: EngineOptions) {
    this.instance = options.instance;
    this.timezone = options.timezone;
    this.configPath = options.configPath ?? "";
    this.#clock = options.clock ?? systemClock;
    this.#store = options.store;
    this.#compile = options.compile;
    this.#logger = options.logger ?? silentLogger;
    this.#reloadSource = options.reloadSource;
    this.#alarm = new Alarm(
      this.#clock,
      {
        maxSleepMs: options.maxSleepMs ?? MAX_SLEEP_MS,
        earlyWakeMs: options.earlyWakeMs ?? (this.#clock === systemClock ? EARLY_WAKE_MS : 0),
        prepareAheadMs: options.prepareAheadMs ?? PREPARE_AHEAD_MS,
      },
      () => this.#tick(),
    );
    this.#deps = {
      clock: this.#clock,
      store: this.#store,
      events: this.#events,
      logger: this.#logger,
      instance: this.instance,
      random: options.random ?? Math.random,
      resolve: options.resolve,
      shutdown: this.#shutdown,
      stopping: this.#stopping.signal,
      gate: null,
      gateAt: 0,
      ...(options.workDir !== undefined && { cwd: options.workDir }),
      onLog: (label, line) => this.#logger.log("info", "job.log", { label, line }),
    };
  }

  // ---- lifecycle ----

  async start(specs: readonly JobSpec[]): Promise<void> {
    const now = this.#clock.now();
    this.startedAt = now;
    this.#lastWall = now;
    this.#lastMono = this.#clock.monotonic();
    const added: Job[] = [];
    for (const spec of specs) {
      if (this.#jobs.has(spec.label)) {
        this.#logger.log("warn", "job.duplicate", { label: spec.label, message: "a job with this label is already scheduled; the later one is ignored" });
        continue;
      }
      const job = this.#addJob(spec);
      if (job) added.push(job);
    }
    await this.#anchor(added, now);
    this.#bulk = true;
    const catchups: Array<Promise<void>> = [];
    try {
      for (const job of added) {
        if (job.active && job.spec.catchup === "once") catchups.push(this.#startWithCatchup(job, now));
        else this.#scheduleFirst(job, now);
      }
    } finally {
      this.#bulk = false;
    }
    await Promise.all(catchups);
    this.#arm(this.#clock.now());
  }

  async stop(options: { graceMs?: number } = {}): Promise<void> {
    if (this.#stopping.signal.aborted) {
      // A second stop without grace (the operator pressed Ctrl-C again): abort now.
      if (options.graceMs === 0) this.#shutdown.abort();
      return this.#stopped;
    }
    this.#stopped = this.#stop(options);
    return this.#stopped;
  }

  async #stop(options: { graceMs?: number }): Promise<void> {
    this.#stopping.abort();
    this.#alarm.clear();
    // Runs prepared for an instant that has not come are recorded as not
    // started, like runs waiting behind a running one.
    const pending = this.#pending;
    this.#pending = null;
    pending?.gate.cancel(pending.at);
    for (const job of this.#jobs.values()) {
      this.#queue.cancel(job.entry);
      job.entry = null;
      job.next = null;
      for (const waiting of job.waiting.splice(0)) {
        recordNotStarted(this.#deps, job.spec, waiting.at, waiting.trigger, `not started: ${SHUTDOWN_MESSAGE}`);
      }
    }
    const graceMs = options.graceMs ?? 30_000;
    if (this.#running.size > 0) {
      const allDone = Promise.all([...this.#running]).then(() => true);
      const graceOver = new AbortController();
      const inTime = graceMs <= 0 ? false : await Promise.race([allDone, sleep(this.#clock, graceMs, graceOver.signal).then(() => false)]);
      graceOver.abort();
      if (!inTime) {
        this.#logger.log("warn", "shutdown.abort", { running: this.#running.size, message: `grace period of ${graceMs} ms over; aborting running jobs` });
        this.#shutdown.abort();
        await Promise.all([...this.#running]);
      }
    }
    // Commands' leftover processes are ended and their pipes closed before the store's last flush.
    await commandsEnded();
    await this.#store.flush();
  }

  // ---- SchedulerControl ----

  jobs(): readonly JobState[] {
    return [...this.#jobs.values()].map(stateOf);
  }

  job(label: string): JobState | undefined {
    const job = this.#jobs.get(label);
    return job ? stateOf(job) : undefined;
  }

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

  async activate(label: string): Promise<JobState> {
    const job = this.#require(label);
    if (!job.active) {
      job.active = true;
      this.#scheduleFirst(job, this.#clock.now());
      this.#emitChange(label, "activated");
    }
    return stateOf(job);
  }

  async deactivate(label: string): Promise<JobState> {
    const job = this.#require(label);
    if (job.active) {
      job.active = false;
      this.#unschedule(job);
      this.#emitChange(label, "deactivated");
    }
    return stateOf(job);
  }

  runNow(label: string): Promise<RunRecord> {
    const job = this.#require(label);
    if (this.#stopping.signal.aborted) return Promise.reject(new TickdError("conflict", `cannot run "${label}": the scheduler is stopping`));
    const now = this.#clock.now();
    const at = Math.max(now, job.lastManual + 1);
    job.lastManual = at;
    return this.#startOccurrence(job, at, "manual");
  }

  runOnce(spec: JobSpec): Promise<RunRecord> {
    const registered = this.#jobs.get(spec.label);
    if (registered && registered.spec === spec) return this.runNow(spec.label);
    const run = runOccurrence(this.#deps, spec, this.#clock.now(), "manual");
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
    return run;
  }

  async reload(): Promise<ReloadSummary> {
    if (!this.#reloadSource) return { added: [], removed: [], updated: [], unchanged: this.#countSource("ini"), diagnostics: [] };
    const { jobs, diagnostics } = await this.#reloadSource();
    const summary = await this.#apply("ini", jobs, diagnostics);
    this.#logger.log("info", "reload", { added: summary.added.length, removed: summary.removed.length, updated: summary.updated.length, unchanged: summary.unchanged, problems: diagnostics.length });
    return summary;
  }

  async setDiscoveredJobs(specs: readonly JobSpec[]): Promise<ReloadSummary> {
    return this.#apply("discovered", specs, []);
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  // ---- jobs and the queue ----

  #require(label: string): Job {
    const job = this.#jobs.get(label);
    if (!job) throw new TickdError("not-found", `no job labelled "${label}"; \`tickd list\` shows the labels`);
    return job;
  }

  #addJob(spec: JobSpec): Job | null {
    let schedule: Schedule;
    try {
      schedule = this.#compile(spec, this.timezone);
    } catch (error) {
      this.#logger.log("error", "job.invalid", { label: spec.label, message: String(error) });
      return null;
    }
    const job: Job = { spec, schedule, active: spec.active, next: null, entry: null, lastFired: -Infinity, lastManual: -Infinity, inflight: 0, awaitingRow: 0, anchor: undefined, waiting: [] };
    this.#jobs.set(spec.label, job);
    return job;
  }

  /**
   * The job's next occurrence from now (catchup skip, activation, schedule
   * change): on its anchored grid, else as if registered now.
   */
  #scheduleFirst(job: Job, now: number): void {
    if (!job.active || this.#stopping.signal.aborted) return;
    const anchor = job.anchor;
    this.#scheduleAt(job, anchor === undefined ? job.schedule.first(now) : anchor > now ? anchor : job.schedule.followingAfter(anchor, now), now);
  }

  /**
   * Learn the anchors of `every` jobs' grids from the store, proposing each
   * one's first occurrence from now. A store that cannot answer leaves the
   * jobs unanchored (as if registered now), which is logged.
   */
  async #anchor(jobs: readonly Job[], now: number): Promise<void> {
    const proposals: GridProposal[] = [];
    for (const job of jobs) {
      if (job.spec.schedule.kind !== "every") continue;
      const first = job.schedule.first(now);
      if (first !== null) proposals.push({ label: job.spec.label, grid: gridKey(job), anchor: first });
    }
    if (proposals.length === 0) return;
    let anchors: Map<string, number>;
    try {
      anchors = await this.#store.anchors(proposals);
    } catch (error) {
      this.#logger.log("error", "store.error", { message: `anchors failed: ${String(error)}; jobs start their grids now` });
      return;
    }
    for (const job of jobs) job.anchor = anchors.get(job.spec.label);
  }

  async #startWithCatchup(job: Job, now: number): Promise<void> {
    let last: number | null = null;
    try {
      last = await this.#store.lastScheduled(job.spec.label);
    } catch (error) {
      this.#logger.log("error", "store.error", { label: job.spec.label, message: `lastScheduled failed: ${String(error)}` });
    }
    const missed = last === null ? null : job.schedule.following(last);
    if (last === null || missed === null || missed > now || (job.spec.until !== undefined && missed > job.spec.until)) {
      this.#scheduleFirst(job, now);
      return;
    }
    // Downtime: run one missed occurrence now, then continue on the same grid.
    this.#logger.log("info", "catchup", { label: job.spec.label, scheduledFor: missed });
    this.#fire(job, missed, "catchup");
    this.#scheduleAt(job, job.schedule.followingAfter(missed, now), now);
  }

  #scheduleAt(job: Job, at: number | null, now: number): void {
    this.#queue.cancel(job.entry);
    job.entry = null;
    if (at !== null && job.spec.until !== undefined && at > job.spec.until) at = null;
    job.next = at;
    if (at === null) return;
    job.entry = this.#queue.push(at, job);
    if (!this.#bulk && job.entry.at < this.#alarm.armedFor) this.#arm(now);
  }

  #unschedule(job: Job): void {
    this.#queue.cancel(job.entry);
    job.entry = null;
    job.next = null;
  }

  /** Set the alarm for the prepared instant, or to prepare the earliest entry. */
  #arm(_tickNow: number): void {
    if (this.#stopping.signal.aborted) return;
    const top = this.#queue.peek()?.at;
    const pending = this.#pending;
    if (!pending) this.#alarm.set(top, "prepare");
    else if (top === undefined || pending.at <= top) this.#alarm.set(pending.at, "open");
    // Something came due before the prepared instant (a job added meanwhile): wake for it exactly.
    else this.#alarm.set(top, "exact");
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
    const start = (job: Job) => {
      job.entry = null;
      due.push(job);
      const at = job.next!;
      const missed = jumped && at < now - JUMP_TOLERANCE_MS;
      const trigger: Trigger = missed ? "catchup" : "schedule";
      if (missed && job.spec.catchup !== "once") {
        this.#logger.log("info", "run.missed", { label: job.spec.label, scheduledFor: at, message: "missed while the clock jumped; catchup = skip" });
      } else if (preparing && job.inflight > 0) {
        preparing.deferred.push({ job, at, trigger });
      } else this.#fire(job, at, trigger);
    };

    const take = (upTo: number) => {
      for (let entry = this.#queue.peek(); entry && entry.at <= upTo; entry = this.#queue.peek()) {
        this.#queue.pop();
        start(entry.value);
      }
    };

    const pending = this.#pending;
    const top = this.#queue.peek();
    if (pending && (!top || pending.at <= top.at)) {
      // Stage two: the prepared instant is a few ms away.
      this.#pending = null;
      ({ now, mono } = this.#openAt(pending, now, mono));
      if (this.#pending === null) ({ due } = pending);
    } else if (!pending && top && this.#alarm.shouldPrepare(now, mono, top.at)) {
      // Stage one: prepare every run of the coming instant (overlap,
      // contexts) and hold them in a gate.
      const prepared: Pending = { at: top.at, gate: new StartGate(), deferred: [], due };
      preparing = prepared;
      this.#deps.gate = prepared.gate;
      this.#deps.gateAt = top.at;
      try {
        take(top.at);
      } finally {
        this.#deps.gate = null;
        preparing = null;
      }
      const preparedAt = this.#clock.monotonic();
      this.#alarm.prepared(preparedAt - mono);
      now = this.#clock.now();
      mono = preparedAt;
      if (this.#alarm.openNow(now, top.at)) ({ now, mono } = this.#openAt(prepared, now, mono));
      else this.#pending = prepared;
      // Still waiting for its instant: the next stage schedules what it took.
      if (this.#pending) due = [];
    }
    this.#lastWall = now;
    this.#lastMono = mono;

    // Start every due run as it is popped, before any schedule arithmetic: lateness counts.
    take(now);
    this.#bulk = true;
    try {
      for (const job of due) {
        // Rescheduled, deactivated or removed meanwhile (between the stages of an instant).
        if (job.entry !== null || !job.active || job.next === null) continue;
        // Strictly after the occurrence just taken, even when it was taken ahead of its instant.
        this.#scheduleAt(job, job.schedule.followingAfter(job.next, Math.max(now, job.next)), now);
      }
    } finally {
      this.#bulk = false;
    }
    this.#arm(now);
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
    pending.gate.open(now);
    for (const { job, at, trigger } of pending.deferred) this.#fire(job, at, trigger);
  }

  /**
   * Start occurrence `at` unless this engine has started it already. Whether
   * this instance or another runs it is settled by the claim its run's first
   * row takes (runner.ts).
   */
  #fire(job: Job, at: number, trigger: Trigger): void {
    if (at <= job.lastFired) return;
    job.lastFired = at;
    this.#admit(job, at, trigger);
  }

  /**
   * Apply the overlap policy. With several instances each applies its own
   * (the job's previous run may be going on another): the occurrence's claim
   * then takes whichever record comes first, a run or its skip, and only it.
   */
  #admit(job: Job, at: number, trigger: Trigger): void {
    if (job.inflight > 0 && job.inflight === job.awaitingRow && job.spec.overlap !== "allow") {
      // Nothing of the job runs: the store has not taken the earlier start yet (a lock, a full disk).
      recordNotStarted(this.#deps, job.spec, at, trigger, "missed: the previous occurrence was still waiting for the store to record its start; not started", STATUS.missed);
      return;
    }
    if (job.inflight > 0) {
      if (job.spec.overlap === "skip") {
        recordNotStarted(this.#deps, job.spec, at, trigger, "skipped: the previous run was still running (overlap = skip)");
        return;
      }
      if (job.spec.overlap === "queue") {
        if (job.waiting.length > 0) {
          recordNotStarted(this.#deps, job.spec, at, trigger, "skipped: a run was already queued behind the running one (overlap = queue)");
        } else {
          job.waiting.push({ at, trigger });
        }
        return;
      }
    }
    void this.#startOccurrence(job, at, trigger);
  }

  #startOccurrence(job: Job, at: number, trigger: Trigger): Promise<RunRecord> {
    job.inflight += 1;
    job.awaitingRow += 1;
    let begun = false;
    const onBegun = () => {
      if (begun) return;
      begun = true;
      job.awaitingRow -= 1;
    };
    const spec = job.spec;
    const run = runOccurrence(this.#deps, spec, at, trigger, onBegun);
    this.#running.add(run);
    void run.finally(() => {
      this.#running.delete(run);
      onBegun();
      job.inflight -= 1;
      const next = job.waiting.shift();
      if (next && !this.#stopping.signal.aborted) void this.#startOccurrence(job, next.at, next.trigger);
    });
    return run;
  }

  // ---- reload / discovery ----

  #countSource(source: "ini" | "discovered"): number {
    let n = 0;
    for (const job of this.#jobs.values()) if (job.spec.origin.source === source) n++;
    return n;
  }

  async #apply(source: Source, specs: readonly JobSpec[], diagnostics: readonly Diagnostic[]): Promise<ReloadSummary> {
    const now = this.#clock.now();
    // Added jobs and new schedules are scheduled once their grids are anchored.
    const toSchedule: Job[] = [];
    const current = new Map([...this.#jobs].map(([label, job]) => [label, job.spec]));
    const plan = planReconcile(source, current, specs, diagnostics);
    const added: string[] = [];
    const updated: string[] = [];
    this.#bulk = true;
    try {
      for (const label of plan.remove) {
        const job = this.#jobs.get(label)!;
        this.#unschedule(job);
        for (const waiting of job.waiting.splice(0)) recordNotStarted(this.#deps, job.spec, waiting.at, waiting.trigger, "not started: the job was removed");
        this.#jobs.delete(label);
        this.#emitChange(label, "removed");
      }
      for (const spec of plan.add) {
        const job = this.#addJob(spec);
        if (!job) continue;
        toSchedule.push(job);
        added.push(spec.label);
        this.#emitChange(spec.label, "added");
      }
      for (const spec of plan.refresh) this.#jobs.get(spec.label)!.spec = spec;
      for (const label of plan.conflicts) {
        this.#logger.log("warn", "job.duplicate", { label, message: `a job from the other source already has this label; the ${source} one is ignored` });
      }
      for (const { spec, reschedule } of plan.update) {
        const job = this.#jobs.get(spec.label)!;
        let schedule: Schedule;
        try {
          schedule = this.#compile(spec, this.timezone);
        } catch (error) {
          this.#logger.log("error", "job.invalid", { label: spec.label, message: String(error) });
          continue;
        }
        // Running runs keep the spec they started with; only the future changes.
        job.spec = spec;
        job.schedule = schedule;
        if (reschedule) {
          job.active = spec.active;
          job.anchor = undefined;
          this.#unschedule(job);
          toSchedule.push(job);
        }
        updated.push(spec.label);
        this.#emitChange(spec.label, "updated");
      }
    } finally {
      this.#bulk = false;
    }
    await this.#anchor(toSchedule, now);
    const later = this.#clock.now();
    this.#bulk = true;
    try {
      // Still this job (not removed or replaced meanwhile) and not yet scheduled.
      for (const job of toSchedule) if (this.#jobs.get(job.spec.label) === job && job.entry === null) this.#scheduleFirst(job, later);
    } finally {
      this.#bulk = false;
    }
    this.#arm(later);
    return { added, removed: [...plan.remove], updated, unchanged: plan.refresh.length, diagnostics };
  }

  #emitChange(label: string, change: JobChange): void {
    this.#events.emit({ type: "job.changed", label, change });
  }
}

/** What an `every` job's grid depends on: its rule and zone. */
function gridKey(job: Job): string {
  return JSON.stringify([job.spec.schedule, job.schedule.zone]);
}

function stateOf(job: Job): JobState {
  return { spec: job.spec, active: job.active, nextRunAt: job.active ? job.next : null, running: job.inflight };
}
