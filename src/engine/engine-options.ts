/**
 * What the engine is given (EngineOptions) and what it offers beyond the
 * SchedulerControl façade (Engine): its lifecycle and the hooks the service
 * wires to the store (abandoned runs, takeover, the sender's quiet window).
 */
import type { Clock } from "../clock.ts";
import type { JobSpec, Diagnostic } from "../config/types.ts";
import type { Callback } from "../sdk/index.ts";
import type { CompileSchedule } from "../schedule/types.ts";
import type { BackfillStore } from "./backfill.ts";
import type { EngineLogger } from "./events.ts";
import type { TakenOverOccurrence } from "./takeover.ts";
import type { EngineLease, EngineStore, RunKwargs, RunRecord, SchedulerControl } from "./types.ts";

export interface EngineOptions {
  /** Source of time; default the system clock. Tests pass a fake. */
  readonly clock?: Clock;
  readonly store: EngineStore;
  /** Recorded on every run (hostname:pid or --instance). */
  readonly instance: string;
  /** IANA zone for jobs without their own. */
  readonly timezone: string;
  readonly compile: CompileSchedule;
  /** What backfills read: the occurrences already recorded. Without it, backfill() is refused. */
  readonly backfillStore?: BackfillStore;
  /** The callback of a `call` job (command and url jobs need none). Called at each attempt. */
  readonly resolve: (spec: JobSpec) => Callback | undefined;
  /** Default Math.random; used for jitter. */
  readonly random?: () => number;
  /** Default silent. */
  readonly logger?: EngineLogger;
  /**
   * A command job's stdout and stderr, chunk by chunk as they come (`tickd
   * run-job` shows them live); what is recorded is the capture, capped as
   * always. ctx.log lines go to the logger ("job.log"). Default: none.
   */
  readonly onOutput?: (label: string, stream: "stdout" | "stderr", chunk: Uint8Array) => void;
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
  /**
   * The W3C traceparent of a run, when traces are exported (--otlp): url jobs
   * send it as a header, command jobs get TRACEPARENT. Default none.
   */
  readonly traceparent?: (run: RunRecord) => string;
  /**
   * This instance's lease (store/lease.ts): runs already written start only
   * while it holds. None: nothing can be taken over (one engine, tests).
   */
  readonly lease?: EngineLease;
  /** True while other instances share the store: each job's next occurrence is then claimed ahead (takeover.ts). Default never. */
  readonly claimAhead?: () => boolean;
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
  runOnce(spec: JobSpec, kwargs?: RunKwargs): Promise<RunRecord>;
  /**
   * Runs the store recorded `abandoned` (their instance died mid-run; see
   * store.markAbandoned), told to the listeners as `run.finished`: pings,
   * alerts, metrics, spans and the log follow them as they follow the
   * engine's own runs. The engine records nothing: the store already has.
   */
  reportAbandoned(runs: readonly RunRecord[]): void;
  /** The earliest instant a run is due (prepared or not); null when none is scheduled. The sender keeps out of the moments before it. */
  nextDueAt(): number | null;
  /** Occurrences a dead instance had claimed and never started (store.markAbandoned): run here (takeover.ts). */
  takeOver(occurrences: readonly TakenOverOccurrence[]): void;
}
