/**
 * The tick engine: the lifecycle (start, stop with a grace period), the
 * control façade the API and the CLI use (activate, run now, reload), and
 * reconciling a new job file or set of discovered jobs with the live schedule.
 *
 * The rooms it is built from:
 * - job-table.ts: the jobs, their next occurrences (a heap) and grid anchors;
 * - instant.ts: meeting each due instant (prepare, then open a start gate);
 * - admission.ts: the overlap policy as a pure decision, and the runs going;
 * - runner.ts: one occurrence's attempts and their records; execute.ts: one
 *   attempt's callback, command or request, raced against its timeout.
 */
import type { Diagnostic, JobSpec } from "../config/types.ts";
import { TickdError } from "../errors.ts";
import { Launcher } from "./admission.ts";
import { Backfills, type BackfillProgress, type BackfillRequest } from "./backfill.ts";
import { sleep, systemClock, type Clock } from "../clock.ts";
import { commandsEnded } from "./command.ts";
import { EARLY_WAKE_MS, MAX_SLEEP_MS, PREPARE_AHEAD_MS, SHUTDOWN_MESSAGE } from "./constants.ts";
import { EventHub, silentLogger, type EngineLogger } from "./events.ts";
import { ShutdownSwitch } from "./execute.ts";
import { Instants } from "./instant.ts";
import { JobTable, stateOf, type Job } from "./job-table.ts";
import { gapSince } from "./missed.ts";
import { AheadClaims, takeOver, type TakenOverOccurrence } from "./takeover.ts";
import type { Engine, EngineOptions } from "./engine-options.ts";
import { planReconcile, type Source } from "./reconcile.ts";
import type { RunnerDeps } from "./runner.ts";
import type { Cancellable } from "./runner.ts";
import type { EngineEvent, EngineStore, JobChange, JobState, ReloadSummary, RunKwargs, RunRecord } from "./types.ts";

export type { Engine, EngineOptions } from "./engine-options.ts";

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
  readonly #logger: EngineLogger;
  readonly #events = new EventHub();
  readonly #stopping = new AbortController();
  readonly #shutdown = new ShutdownSwitch();
  readonly #deps: RunnerDeps;
  readonly #reloadSource: EngineOptions["reloadSource"];
  readonly #table: JobTable;
  readonly #launcher: Launcher;
  readonly #instants: Instants;
  readonly #cancellable = new Map<string, Cancellable>();
  readonly #backfills: Backfills | null;
  readonly #ahead: AheadClaims;
  #stopped: Promise<void> = Promise.resolve();

  constructor(options: EngineOptions) {
    this.instance = options.instance;
    this.timezone = options.timezone;
    this.configPath = options.configPath ?? "";
    this.#clock = options.clock ?? systemClock;
    this.#store = options.store;
    this.#logger = options.logger ?? silentLogger;
    this.#reloadSource = options.reloadSource;
    const stopped = () => this.#stopping.signal.aborted;
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
      ...(options.workDir !== undefined && { cwd: options.workDir }),
      ...(options.traceparent !== undefined && { traceparent: options.traceparent }),
      onLog: (label, line) => this.#logger.log("info", "job.log", { label, line }),
      ...(options.onOutput !== undefined && { onOutput: options.onOutput }),
      cancellable: this.#cancellable,
      ...(options.lease !== undefined && { lease: options.lease }),
    };
    this.#ahead = new AheadClaims(this.#store, options.claimAhead ?? (() => false), this.#logger);
    this.#table = new JobTable({
      compile: options.compile,
      timezone: options.timezone,
      store: this.#store,
      logger: this.#logger,
      queued: (at, now) => this.#instants.queued(at, now),
      scheduled: (job, at) => this.#ahead.scheduled(job, at),
      stopped,
    });
    this.#launcher = new Launcher(this.#deps);
    this.#backfills = options.backfillStore ? new Backfills(this.#launcher, options.backfillStore, this.#stopping.signal) : null;
    this.#instants = new Instants({
      clock: this.#clock,
      table: this.#table,
      launcher: this.#launcher,
      logger: this.#logger,
      stopped,
      written: () => this.#store.flush(),
      ...(options.lease !== undefined && { lease: options.lease }),
      alarm: {
        maxSleepMs: options.maxSleepMs ?? MAX_SLEEP_MS,
        // Waking early only pays with a clock that can be watched up to the instant (block).
        earlyWakeMs: options.earlyWakeMs ?? (this.#clock.block ? EARLY_WAKE_MS : 0),
        prepareAheadMs: options.prepareAheadMs ?? PREPARE_AHEAD_MS,
      },
    });
  }

  // ---- lifecycle ----

  async start(specs: readonly JobSpec[]): Promise<void> {
    const now = this.#clock.now();
    this.startedAt = now;
    this.#instants.reset(now);
    const added: Job[] = [];
    for (const spec of specs) {
      if (this.#table.get(spec.label)) {
        this.#logger.log("warn", "job.duplicate", { label: spec.label, message: "a job with this label is already scheduled; the later one is ignored" });
        continue;
      }
      const job = this.#table.add(spec);
      if (job) added.push(job);
    }
    await this.#table.anchor(added, now);
    // What the store last recorded of each job that looks back: catch-up and missed gaps.
    const lasts = await this.#lastRecorded(added.filter((job) => job.active && (job.spec.catchup === "once" || job.spec.graceMs !== undefined)));
    this.#table.bulk(() => {
      for (const job of added) {
        const last = lasts.get(job) ?? null;
        if (job.active && job.spec.catchup === "once") this.#startWithCatchup(job, last, now);
        else this.#table.scheduleFirst(job, now);
      }
    });
    // Recorded after the catch-up runs have started, off their path.
    for (const [job, last] of lasts) {
      const gap = gapSince(job.spec, job.schedule, last, now);
      if (gap) this.#launcher.recordGap(job, gap);
    }
    this.#instants.settled(added.length);
    this.#instants.arm(this.#clock.now());
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
    // Runs prepared for an instant that has not come are recorded as not
    // started, like runs waiting behind a running one.
    this.#instants.cancel();
    this.#table.unscheduleAll();
    // What was claimed ahead goes back to the other instances (or, too close for them, is recorded missed).
    await this.#ahead.stop(this.#deps, this.#clock.now());
    for (const job of this.#table.values()) this.#launcher.dropWaiting(job, `not started: ${SHUTDOWN_MESSAGE}`);
    const graceMs = options.graceMs ?? 30_000;
    const running = this.#launcher.running;
    if (running.size > 0) {
      const allDone = Promise.all([...running]).then(() => true);
      const graceOver = new AbortController();
      const inTime = graceMs <= 0 ? false : await Promise.race([allDone, sleep(this.#clock, graceMs, graceOver.signal).then(() => false)]);
      graceOver.abort();
      if (!inTime) {
        this.#logger.log("warn", "shutdown.abort", { running: running.size, message: `grace period of ${graceMs} ms over; aborting running jobs` });
        this.#shutdown.abort();
        await Promise.all([...running]);
      }
    }
    // Commands' leftover processes are ended and their pipes closed before the store's last flush.
    await commandsEnded();
    await this.#store.flush();
  }

  /** The latest occurrence the store recorded of each job (null: none, or the store failed, logged). */
  async #lastRecorded(jobs: readonly Job[]): Promise<Map<Job, number | null>> {
    const answers = await Promise.all(
      jobs.map((job) =>
        this.#store.lastScheduled(job.spec.label).catch((error: unknown) => {
          this.#logger.log("error", "store.error", { label: job.spec.label, message: `lastScheduled failed: ${String(error)}` });
          return null;
        }),
      ),
    );
    return new Map(jobs.map((job, i) => [job, answers[i]!]));
  }

  /** Catchup = once at start: after downtime, run one missed occurrence now, then continue on the grid. */
  #startWithCatchup(job: Job, last: number | null, now: number): void {
    const missed = last === null ? null : job.schedule.following(last);
    if (last === null || missed === null || missed > now || (job.spec.until !== undefined && missed > job.spec.until)) {
      this.#table.scheduleFirst(job, now);
      return;
    }
    this.#logger.log("info", "catchup", { label: job.spec.label, scheduledFor: missed });
    this.#launcher.fire(job, missed, "catchup");
    this.#table.scheduleAt(job, job.schedule.followingAfter(missed, now), now);
  }

  // ---- SchedulerControl ----

  jobs(): readonly JobState[] {
    return [...this.#table.values()].map(stateOf);
  }

  job(label: string): JobState | undefined {
    const job = this.#table.get(label);
    return job ? stateOf(job) : undefined;
  }

  nextRuns(label: string, count: number): number[] {
    return this.#table.nextRuns(label, count);
  }

  async activate(label: string): Promise<JobState> {
    const job = this.#table.require(label);
    if (!job.active) {
      job.active = true;
      this.#table.scheduleFirst(job, this.#clock.now());
      this.#emitChange(label, "activated");
    }
    return stateOf(job);
  }

  async deactivate(label: string): Promise<JobState> {
    const job = this.#table.require(label);
    if (job.active) {
      job.active = false;
      this.#table.unschedule(job);
      this.#emitChange(label, "deactivated");
    }
    return stateOf(job);
  }

  runNow(label: string, kwargs?: RunKwargs): Promise<RunRecord> {
    const job = this.#table.require(label);
    if (this.#stopping.signal.aborted) return Promise.reject(new TickdError("conflict", `cannot run "${label}": the scheduler is stopping`));
    const now = this.#clock.now();
    const at = Math.max(now, job.lastManual + 1);
    job.lastManual = at;
    return this.#launcher.launch(job, at, "manual", null, kwargs ? { kwargs } : undefined);
  }

  runOnce(spec: JobSpec, kwargs?: RunKwargs): Promise<RunRecord> {
    const registered = this.#table.get(spec.label);
    if (registered && registered.spec === spec) return this.runNow(spec.label, kwargs);
    return this.#launcher.launchSpec(spec, this.#clock.now(), kwargs ? { kwargs } : undefined);
  }

  cancelRun(runId: string, by: string): Promise<RunRecord> {
    const going = this.#cancellable.get(runId);
    if (!going) return Promise.reject(new TickdError("not-found", `no run ${JSON.stringify(runId)} is going on in this instance (it may have ended; see \`tickd history\`)`));
    if (!going.cancel.aborted) {
      going.cancel.by = by;
      going.cancel.abort();
    }
    return going.finished;
  }

  backfill(label: string, request: BackfillRequest): Promise<BackfillProgress> {
    const job = this.#table.require(label);
    if (!this.#backfills) return Promise.reject(new TickdError("usage", "backfill needs the store; this engine has none"));
    if (this.#stopping.signal.aborted) return Promise.reject(new TickdError("conflict", `cannot backfill "${label}": the scheduler is stopping`));
    return this.#backfills.start(job, request);
  }

  cancelBackfill(label: string): boolean {
    return this.#backfills?.cancel(label) ?? false;
  }

  backfillOf(label: string): BackfillProgress | null {
    return this.#backfills?.of(label) ?? null;
  }

  async reload(): Promise<ReloadSummary> {
    if (!this.#reloadSource) return { added: [], removed: [], updated: [], unchanged: this.#table.countSource("ini"), diagnostics: [] };
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

  reportAbandoned(runs: readonly RunRecord[]): void {
    for (const run of runs) this.#events.emit({ type: "run.finished", run });
  }

  nextDueAt(): number | null {
    return this.#instants.nextDueAt();
  }

  takeOver(occurrences: readonly TakenOverOccurrence[]): void {
    if (this.#stopping.signal.aborted || occurrences.length === 0) return;
    takeOver({ table: this.#table, launcher: this.#launcher, clock: this.#clock, logger: this.#logger, deps: this.#deps }, occurrences);
  }

  // ---- reload / discovery ----

  async #apply(source: Source, specs: readonly JobSpec[], diagnostics: readonly Diagnostic[]): Promise<ReloadSummary> {
    const now = this.#clock.now();
    const current = new Map([...this.#table.values()].map((job) => [job.spec.label, job.spec]));
    const plan = planReconcile(source, current, specs, diagnostics);
    const added: string[] = [];
    const updated: string[] = [];
    // Added jobs and new schedules are scheduled once their grids are anchored.
    const toSchedule: Job[] = [];
    for (const label of plan.remove) {
      const job = this.#table.get(label)!;
      this.#launcher.dropWaiting(job, "not started: the job was removed");
      this.#table.delete(label);
      this.#emitChange(label, "removed");
    }
    for (const spec of plan.add) {
      const job = this.#table.add(spec);
      if (!job) continue;
      toSchedule.push(job);
      added.push(spec.label);
      this.#emitChange(spec.label, "added");
    }
    for (const spec of plan.refresh) this.#table.get(spec.label)!.spec = spec;
    for (const label of plan.conflicts) {
      this.#logger.log("warn", "job.duplicate", { label, message: `a job from the other source already has this label; the ${source} one is ignored` });
    }
    for (const { spec, reschedule } of plan.update) {
      const job = this.#table.get(spec.label)!;
      // Running runs keep the spec they started with; only the future changes.
      if (!this.#table.update(job, spec)) continue;
      if (reschedule) {
        job.active = spec.active;
        job.anchor = undefined;
        this.#table.unschedule(job);
        toSchedule.push(job);
      }
      updated.push(spec.label);
      this.#emitChange(spec.label, "updated");
    }
    await this.#table.anchor(toSchedule, now);
    const later = this.#clock.now();
    this.#table.bulk(() => {
      // Still this job (not removed or replaced meanwhile) and not yet scheduled.
      for (const job of toSchedule) if (this.#table.get(job.spec.label) === job && !this.#table.queued(job)) this.#table.scheduleFirst(job, later);
    });
    this.#instants.arm(later);
    return { added, removed: [...plan.remove], updated, unchanged: plan.refresh.length, diagnostics };
  }

  #emitChange(label: string, change: JobChange): void {
    this.#events.emit({ type: "job.changed", label, change });
  }
}
