/**
 * Deciding when to alert: listens to the engine's events and turns runs into
 * outbox rows (store.alert), never delivering anything itself — the sender
 * does that, off the engine's path.
 *
 * Invariants:
 * - A finished run's alerts are queued in the same task as its record, so
 *   they commit in the same transaction (write-queue.ts): a run recorded is
 *   a run alerted, also across a kill -9.
 * - A streak is the occurrences that went wrong (FAILING_STATUSES) since the
 *   job's last success, each counted by its outcome: an attempt that is
 *   retried (`retrying` on its event) counts for nothing, so a failure whose
 *   retry succeeds is no streak at all. It alerts once, when it reaches
 *   `alert_after`; again with the first failure `realert` after the previous
 *   alert; and its end (a success) raises one `recovered`, only when the
 *   streak alerted.
 * - The streak and "did it alert" come from the store at start (jobHealth,
 *   read once by the service and shared with /metrics, and the outbox's
 *   latest alert per job), so a restart neither forgets a streak nor alerts
 *   it twice. Runs a dead instance left `running` arrive as events once the
 *   store has recorded them abandoned (engine.reportAbandoned), and alert
 *   like any other.
 * - `slow`: once per run, `warn_after` after it started, if still going.
 */
import type { Clock, TimerHandle } from "../clock.ts";
import { NOTIFY_EVENTS, STREAK_EVENTS, type NotifyEvent } from "../config/notify.ts";
import type { JobSpec } from "../config/types.ts";
import type { EngineEvent, RunRecord } from "../engine/types.ts";
import { FAILING_STATUSES, STATUS, type Status } from "../sdk/index.ts";
import type { Store } from "../store/index.ts";
import type { JobHealth } from "../store/activity.ts";
import { latestStreakAlerts, type OutboxRecord } from "../store/notifications.ts";
import { alertPayload } from "./payload.ts";

export interface NotifierOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** --notify: the channels of every job that has no `notify` of its own. */
  readonly defaultChannels: readonly string[];
  /** --public-url: payloads link to the run on the dashboard. */
  readonly publicUrl?: string;
}

interface Streak {
  /** Occurrences that went wrong since the last success (by their outcome: retried attempts do not count). */
  failures: number;
  /** When this streak last alerted; null = not yet (or no streak). */
  alertedAt: number | null;
}

const FAILING = new Set<Status>(FAILING_STATUSES);

export class Notifier {
  private readonly streaks = new Map<string, Streak>();
  private readonly slowTimers = new Map<string, TimerHandle>();
  private jobs: (label: string) => JobSpec | undefined = () => undefined;
  /** Alerts raised since start, for tests and the benchmark. */
  raised = 0;

  constructor(private readonly options: NotifierOptions) {}

  /**
   * Take each job's streak from its recorded history (jobHealth, read before
   * this start recorded anything, abandoned runs included) and the outbox.
   */
  async seed(health: ReadonlyMap<string, JobHealth>): Promise<void> {
    const alerts = await latestStreakAlerts(this.options.store);
    for (const [label, h] of health) {
      if (h.failuresInRow === 0) continue;
      const last = alerts.get(label);
      // The streak alerted when the job's latest streak alert is not a recovery and came after its last success.
      const alerted = last !== undefined && last.event !== "recovered" && last.createdAt >= (h.lastSuccessAt ?? -1) ? last.createdAt : null;
      this.streaks.set(label, { failures: h.failuresInRow, alertedAt: alerted });
    }
  }

  /** Where the jobs' settings come from (the engine's table), from now on. */
  attach(jobs: (label: string) => JobSpec | undefined): void {
    this.jobs = jobs;
  }

  /** The engine's listener. */
  readonly listener = (event: EngineEvent): void => {
    if (event.type === "run.started") this.started(event.run);
    else if (event.type === "run.finished") this.finished(event.run, event.retrying === true);
  };

  /** Stop the slow timers (shutdown). */
  stop(): void {
    for (const handle of this.slowTimers.values()) this.options.clock.clearTimer(handle);
    this.slowTimers.clear();
  }

  private started(run: RunRecord): void {
    const warnAfter = this.jobs(run.label)?.warnAfterMs;
    if (warnAfter === undefined || this.slowTimers.has(run.runId)) return;
    const wait = Math.max(0, run.startedAt + warnAfter - this.options.clock.now());
    const handle = this.options.clock.setTimer(() => {
      this.slowTimers.delete(run.runId);
      this.raise("slow", run, this.streaks.get(run.label)?.failures ?? 0);
    }, wait);
    this.slowTimers.set(run.runId, handle);
  }

  private finished(run: RunRecord, retrying: boolean): void {
    const timer = this.slowTimers.get(run.runId);
    if (timer !== undefined) {
      this.options.clock.clearTimer(timer);
      this.slowTimers.delete(run.runId);
    }
    // Not the occurrence's outcome: its retry decides.
    if (retrying) return;
    const streak = this.streaks.get(run.label);
    if (run.status === STATUS.success) {
      this.streaks.delete(run.label);
      if (streak?.alertedAt != null) this.raise("recovered", run, 0);
      return;
    }
    if (!FAILING.has(run.status)) return;
    const now = this.options.clock.now();
    const current = streak ?? { failures: 0, alertedAt: null };
    current.failures += 1;
    this.streaks.set(run.label, current);
    const job = this.jobs(run.label);
    if (current.failures < (job?.alertAfter ?? 1)) return;
    const due = current.alertedAt === null || (job?.realertMs !== undefined && now - current.alertedAt >= job.realertMs);
    if (!due) return;
    if (this.raise(run.status as NotifyEvent, run, current.failures)) current.alertedAt = now;
  }

  /** Queue one alert per channel; false when the job does not alert on this event. */
  private raise(event: NotifyEvent, run: RunRecord, consecutiveFailures: number): boolean {
    if (!(STREAK_EVENTS as readonly string[]).includes(event) && event !== "slow" && event !== "recovered") return false;
    const job = this.jobs(run.label);
    const on = job?.notifyOn ?? NOTIFY_EVENTS;
    if (!on.includes(event)) return false;
    const channels = job?.notify ?? this.options.defaultChannels;
    if (channels.length === 0) return false;
    const now = this.options.clock.now();
    const payload = JSON.stringify(alertPayload({ event, run, consecutiveFailures, now, ...(this.options.publicUrl !== undefined && { publicUrl: this.options.publicUrl }) }));
    const records: OutboxRecord[] = channels.map((channel) => ({
      key: `${run.runId}\u0000${event}\u0000${channel}`,
      label: run.label,
      event,
      runId: run.runId,
      channel,
      payload,
      createdAt: now,
    }));
    this.options.store.alert(records);
    this.raised += records.length;
    return true;
  }
}
