import type { JobSpec } from "../config/types.ts";
import type { Status } from "../sdk/index.ts";
import type { BackfillProgress, BackfillRequest } from "./backfill.ts";

/** Why a run happened: one list, the API's enum and the store read it. */
export const TRIGGERS = ["schedule", "catchup", "manual", "retry", "backfill", "takeover"] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** A run's parameters given by an operator (runJobNow kwargs, run-job --kwarg): data, never code. */
export type RunKwargs = Readonly<Record<string, string | number | boolean>>;

/** One run, as the engine reports it and the store records it. */
export interface RunRecord {
  /** Unique per run: `${instance}:${label}:${scheduledFor}:${attempt}` style, made by the engine. */
  readonly runId: string;
  readonly label: string;
  /** When the occurrence was due, epoch ms. */
  readonly scheduledFor: number;
  readonly startedAt: number;
  /** Undefined while running. */
  readonly endedAt?: number;
  readonly status: Status;
  readonly message: string;
  /** Captured output, capped (OUTPUT_CAP_BYTES) with a visible truncation mark. */
  readonly output: string;
  /** Exception text (name: message and stack) for `error`; "" otherwise. */
  readonly error: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly trigger: Trigger;
  /** The instance name (host:pid or --instance), so several instances can share a store. */
  readonly instance: string;
  /** A `missed` record standing for a gap of occurrences (engine/missed.ts); absent on every other run. */
  readonly missed?: MissedGap;
  /** Parameters an operator gave this run, merged over the job's kwargs; absent = the job's own. */
  readonly kwargs?: RunKwargs;
  /**
   * False for a deliberate re-run of an occurrence already recorded (backfill
   * --again): its row needs no claim. Default: a non-manual run needs one.
   */
  readonly claim?: false;
}

/** Occurrences of a job that did not start within its grace: the first, the last and how many. */
export interface MissedGap {
  readonly first: number;
  readonly last: number;
  readonly count: number;
}

/**
 * What the engine needs from persistence. src/store implements it on libSQL;
 * the engine never imports Drizzle. Writes are queued and flushed in batches
 * (one transaction per burst); `begin` resolves once its row is durable.
 */
export interface EngineStore {
  /**
   * Record that a run is starting, before it starts: resolves true once the
   * "running" row is durable (and, for an occurrence of the schedule, this
   * instance holds its claim), false when the occurrence belongs to another
   * instance — then the run must not start. Pending while the store fails.
   * A crash after this leaves a row that the next start marks `abandoned`.
   */
  begin(run: RunRecord): Promise<boolean>;
  /** Queue the final state of a run (same runId as started, or a run that never started: skipped). */
  finished(run: RunRecord): void;
  /**
   * The grid anchor of each job (see the anchors table): the stored one when
   * its grid is the same, else the proposed one, which is then stored. One
   * answer for every instance on the store. In the proposals' order (an
   * array, not a map by label: a million jobs make a million map entries);
   * undefined for a label that has none (another instance gave it another
   * grid meanwhile).
   */
  anchors(proposals: readonly GridProposal[]): Promise<ReadonlyArray<number | undefined>>;
  /** The latest scheduled time recorded for this label, for `catchup`. */
  lastScheduled(label: string): Promise<number | null>;
  /** Resolve when every queued write is durable. */
  flush(): Promise<void>;
  /**
   * Claim an occurrence ahead, without a row (several instances on one
   * store: what an instance claimed and never started can then be taken over
   * when it dies). False when another instance holds it. Optional: an engine
   * without it claims with each run's first row only.
   */
  claim?(label: string, scheduledFor: number): Promise<boolean>;
  /** Give back claims taken ahead that no run of this instance will use (the engine stops). */
  release?(occurrences: readonly Occurrence[]): Promise<void>;
}

export interface Occurrence {
  readonly label: string;
  readonly scheduledFor: number;
}

/**
 * This instance's lease on what it holds (store/lease.ts): past its end
 * nothing already written starts until a renewal has answered.
 */
export interface EngineLease {
  /** Until when (epoch ms, this clock) nothing held can have been taken over. */
  until(): number;
  /** Renew now: true when nothing was taken over. */
  renew(): Promise<boolean>;
  /** A run begun before this instance was taken over: it must not start. */
  fenced(runId: string): boolean;
}

/** A job's grid as this instance would start it: `anchor` is its first occurrence from now. */
export interface GridProposal {
  readonly label: string;
  /** What the grid depends on (schedule and zone), as text. */
  readonly grid: string;
  readonly anchor: number;
}

/** Events the engine emits; the API turns them into subscriptions. */
export type EngineEvent =
  | { readonly type: "run.started"; readonly run: RunRecord }
  | {
      readonly type: "run.finished";
      readonly run: RunRecord;
      /**
       * True when this attempt failed and its occurrence is tried again (its
       * job's `retries`): not the occurrence's outcome, so it neither starts
       * nor continues a failure streak. Absent on an occurrence's last attempt.
       * (A retry that shutdown then cancels leaves the occurrence's outcome to
       * the store's history, which the next start reads.)
       */
      readonly retrying?: true;
    }
  | { readonly type: "job.changed"; readonly label: string; readonly change: JobChange };

export type JobChange = "added" | "removed" | "updated" | "activated" | "deactivated";

/** A job as the engine holds it, for listing. */
export interface JobState {
  readonly spec: JobSpec;
  readonly active: boolean;
  /** Next due instant, or null when not scheduled (inactive, ended). */
  readonly nextRunAt: number | null;
  /** Runs of this job currently going. */
  readonly running: number;
}

/** What a reload changed (SIGHUP, reloadConfig). */
export interface ReloadSummary {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly updated: readonly string[];
  readonly unchanged: number;
  /** Problems in the new file; the jobs they name keep their previous spec or are left out. */
  readonly diagnostics: readonly import("../config/types.ts").Diagnostic[];
}

/**
 * The running scheduler as the API and the CLI's `run` command see it.
 * Every method acts on the live engine at once.
 */
export interface SchedulerControl {
  /** Instance name recorded on every run (hostname:pid unless set). */
  readonly instance: string;
  /** IANA zone of the instance. */
  readonly timezone: string;
  readonly configPath: string;
  /** Epoch ms the engine started. */
  readonly startedAt: number;
  jobs(): readonly JobState[];
  job(label: string): JobState | undefined;
  /** The next `count` due instants of a job from now (empty when inactive or ended). */
  nextRuns(label: string, count: number): number[];
  /** Throws a TickdError with code "not-found" for an unknown label. */
  activate(label: string): Promise<JobState>;
  deactivate(label: string): Promise<JobState>;
  /** Run once now (trigger "manual"), with `kwargs` over the job's own; resolves with the finished run. */
  runNow(label: string, kwargs?: RunKwargs): Promise<RunRecord>;
  /**
   * Cancel a run going on: its signal is aborted (a worker that does not stop
   * is ended, a command's process group gets TERM then KILL); resolves with
   * its record, status `cancelled`. Throws not-found when no such run goes on here.
   */
  cancelRun(runId: string, by: string): Promise<RunRecord>;
  /** Start (or, dryRun, count) a backfill of a job's occurrences in [from, to]; see backfill.ts. */
  backfill(label: string, request: BackfillRequest): Promise<BackfillProgress>;
  /** Stop a job's backfill after the run going on; false when none goes on. */
  cancelBackfill(label: string): boolean;
  /** The job's backfill, going on or the last one; null when none since start. */
  backfillOf(label: string): BackfillProgress | null;
  /** Re-read the job file and apply only the difference. */
  reload(): Promise<ReloadSummary>;
  /**
   * Replace the set of discovered jobs (source "discovered"): add, update or
   * remove them in the live schedule without touching job-file jobs.
   */
  setDiscoveredJobs(specs: readonly JobSpec[]): Promise<ReloadSummary>;
  /** Subscribe to engine events; returns the unsubscribe function. */
  subscribe(listener: (event: EngineEvent) => void): () => void;
}
