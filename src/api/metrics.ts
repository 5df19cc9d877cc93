/**
 * Prometheus text for /metrics (text format 0.0.4; `promtool check metrics`
 * passes on it, a test runs it).
 *
 * - A job is `label="…"`, never `job` or `instance`: those are the target
 *   labels Prometheus adds to every scraped series, and a clash would rename
 *   ours `exported_job`. The instance's name is `tickd_info{name="…"}`.
 * - Every job the engine holds has its series from the first scrape, at zero
 *   (a rule on `tickd_job_consecutive_failures` works before the first run).
 * - Counters count since this process started (Prometheus handles resets);
 *   the per-job timestamps and the failure streak start from the store's
 *   history, so a restart does not make a failing job look healthy.
 * - The failure streak counts occurrences by their outcome: an attempt that
 *   is retried (`retrying` on its event) adds nothing (as in alerts).
 * - Lateness is measured on scheduled runs only: a retry waits its delay and
 *   a manual run has no due time, so neither says how punctual tickd is.
 */
import type { EngineEvent, JobState, RunRecord, SchedulerControl, Trigger } from "../engine/types.ts";
import { FAILING_STATUSES, STATUS, STATUSES, type Status } from "../sdk/index.ts";
import type { JobHealth } from "../store/activity.ts";
import type { StoreSize } from "../store/retention.ts";

/** Lateness buckets, seconds: how long after its due time a scheduled run started. */
const LATENESS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;
/** Duration buckets, seconds: from a no-op to an hour-long batch. */
const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600] as const;
/** The statuses a run ends with: each job's runs_total has a series for each, from the start. */
const FINAL_STATUSES: readonly Status[] = STATUSES.filter((s) => s !== STATUS.running);
const FAILING = new Set<Status>(FAILING_STATUSES);

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** Seconds since the epoch, as Prometheus timestamps are; 0 for "never". */
const seconds = (ms: number | null | undefined) => (ms ? ms / 1000 : 0);

class Histogram {
  readonly counts: number[];
  count = 0;
  sum = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }
  observe(value: number): void {
    this.count++;
    this.sum += value;
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) this.counts[i]!++;
  }
  render(name: string, labels: string, out: string[]): void {
    const sep = labels === "" ? "" : ",";
    this.bounds.forEach((le, i) => out.push(`${name}_bucket{${labels}${sep}le="${le}"} ${this.counts[i]}`));
    out.push(`${name}_bucket{${labels}${sep}le="+Inf"} ${this.count}`);
    const braces = labels === "" ? "" : `{${labels}}`;
    out.push(`${name}_sum${braces} ${this.sum}`, `${name}_count${braces} ${this.count}`);
  }
}

/** What /metrics keeps per job. */
interface JobSeries {
  /** Finished runs since start, by `status trigger`. */
  readonly runs: Map<string, number>;
  readonly duration: Histogram;
  lastSuccessAt: number | null;
  lastRunAt: number | null;
  failuresInRow: number;
  /** A success was seen since start: the streak the store recorded is over. */
  succeeded: boolean;
  missed: number;
}

export class Metrics {
  readonly #jobs = new Map<string, JobSeries>();
  readonly #lateness = new Histogram(LATENESS_BUCKETS);
  readonly #unsubscribe: () => void;
  /** The store's history, read once; runs that finish meanwhile are applied on top. */
  readonly #seeded: Promise<void>;

  constructor(
    private readonly scheduler: SchedulerControl,
    private readonly subscriptions: { readonly open: number },
    /** The store's history before this process recorded anything (the service reads it at start); runs seen as events count on top. */
    history?: () => Promise<ReadonlyMap<string, JobHealth>>,
    /** Delivery attempts of alerts since start, by outcome (the sender's counts). */
    private readonly notifications?: () => Readonly<Record<string, number>>,
  ) {
    this.#unsubscribe = scheduler.subscribe((event) => this.#observe(event));
    this.#seeded = (history?.() ?? Promise.resolve(new Map<string, JobHealth>())).then(
      (health) => {
        for (const [label, h] of health) {
          const job = this.#job(label);
          // A run that finished after the query was sent is newer than what it read.
          job.lastSuccessAt = Math.max(job.lastSuccessAt ?? 0, h.lastSuccessAt ?? 0) || null;
          job.lastRunAt = Math.max(job.lastRunAt ?? 0, h.lastRunAt ?? 0) || null;
          // Failures seen before the history arrived continue its streak, unless a success ended it.
          if (!job.succeeded) job.failuresInRow += h.failuresInRow;
        }
      },
      () => {}, // without history the series start from this process's runs
    );
  }

  #job(label: string): JobSeries {
    let job = this.#jobs.get(label);
    if (!job) {
      job = { runs: new Map(), duration: new Histogram(DURATION_BUCKETS), lastSuccessAt: null, lastRunAt: null, failuresInRow: 0, succeeded: false, missed: 0 };
      this.#jobs.set(label, job);
    }
    return job;
  }

  #observe(event: EngineEvent): void {
    if (event.type === "run.started") {
      if (event.run.trigger === "schedule") this.#lateness.observe(Math.max(0, event.run.startedAt - event.run.scheduledFor) / 1000);
    } else if (event.type === "run.finished") {
      this.#finished(event.run, event.retrying === true);
    }
  }

  #finished(run: RunRecord, retrying: boolean): void {
    const job = this.#job(run.label);
    const key = `${run.status} ${run.trigger}`;
    job.runs.set(key, (job.runs.get(key) ?? 0) + 1);
    if (run.status === STATUS.missed) job.missed++;
    // A skipped occurrence (overlap) neither breaks nor continues a streak.
    if (run.status === STATUS.skipped) return;
    job.lastRunAt = Math.max(job.lastRunAt ?? 0, run.startedAt);
    if (run.endedAt !== undefined && run.status !== STATUS.missed) job.duration.observe(Math.max(0, run.endedAt - run.startedAt) / 1000);
    if (run.status === STATUS.success) {
      job.failuresInRow = 0;
      job.succeeded = true;
      job.lastSuccessAt = Math.max(job.lastSuccessAt ?? 0, run.endedAt ?? run.startedAt);
    } else if (FAILING.has(run.status) && !retrying) job.failuresInRow++;
  }

  stop(): void {
    this.#unsubscribe();
  }

  async render(extra: { version: string; store?: StoreSize }): Promise<string> {
    await this.#seeded;
    const out: string[] = [];
    const jobs = [...this.scheduler.jobs()].sort((a, b) => (a.spec.label < b.spec.label ? -1 : 1));
    const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    const perJob = (name: string, type: string, help: string, value: (job: JobSeries, state: JobState) => number) => {
      family(name, type, help);
      for (const state of jobs) out.push(`${name}{label="${escapeLabel(state.spec.label)}"} ${value(this.#job(state.spec.label), state)}`);
    };

    family("tickd_info", "gauge", "tickd's version and the instance's name (--instance).");
    out.push(`tickd_info{version="${escapeLabel(extra.version)}",name="${escapeLabel(this.scheduler.instance)}"} 1`);
    family("tickd_start_time_seconds", "gauge", "When the scheduler started, unix seconds.");
    out.push(`tickd_start_time_seconds ${seconds(this.scheduler.startedAt)}`);

    family("tickd_runs_total", "counter", "Finished runs since this process started, by job label, status and trigger.");
    for (const state of jobs) {
      const job = this.#job(state.spec.label);
      const label = escapeLabel(state.spec.label);
      const keys = new Set([...FINAL_STATUSES.map((s) => `${s} schedule`), ...job.runs.keys()]);
      for (const key of [...keys].sort()) {
        const [status, trigger] = key.split(" ") as [Status, Trigger];
        out.push(`tickd_runs_total{label="${label}",status="${status}",trigger="${trigger}"} ${job.runs.get(key) ?? 0}`);
      }
    }
    perJob("tickd_occurrences_missed_total", "counter", "Occurrences recorded missed since this process started: they could not start in time.", (j) => j.missed);
    perJob("tickd_job_last_success_timestamp_seconds", "gauge", "When the job's last successful run ended, unix seconds; 0 if none is recorded.", (j) => seconds(j.lastSuccessAt));
    perJob("tickd_job_last_run_timestamp_seconds", "gauge", "When the job's last finished run started, unix seconds; 0 if none is recorded.", (j) => seconds(j.lastRunAt));
    perJob("tickd_job_next_run_timestamp_seconds", "gauge", "When the job is due next, unix seconds; 0 when it is not scheduled (inactive or ended).", (_j, s) => seconds(s.nextRunAt));
    perJob("tickd_job_consecutive_failures", "gauge", "Occurrences that went wrong (failure, error, timeout, abandoned, missed; a retried attempt counts by its retry) since the job's last success.", (j) => j.failuresInRow);
    perJob("tickd_job_active", "gauge", "1 when the job is active (scheduled), 0 when it is switched off.", (_j, s) => (s.active ? 1 : 0));
    perJob("tickd_job_running", "gauge", "Runs of the job going on now.", (_j, s) => s.running);

    family("tickd_job_duration_seconds", "histogram", "How long the job's runs took, since this process started.");
    for (const state of jobs) this.#job(state.spec.label).duration.render("tickd_job_duration_seconds", `label="${escapeLabel(state.spec.label)}"`, out);
    family("tickd_run_lateness_seconds", "histogram", "How long after its due time a scheduled run started (retries and manual runs excluded).");
    this.#lateness.render("tickd_run_lateness_seconds", "", out);

    family("tickd_jobs_running", "gauge", "Runs going on now, all jobs.");
    out.push(`tickd_jobs_running ${jobs.reduce((n, j) => n + j.running, 0)}`);
    family("tickd_jobs", "gauge", "Jobs known to the engine, by active flag.");
    const active = jobs.filter((j) => j.active).length;
    out.push(`tickd_jobs{active="true"} ${active}`, `tickd_jobs{active="false"} ${jobs.length - active}`);
    family("tickd_notifications_total", "counter", "Alert delivery attempts since this process started: delivered, retry (failed, tried again later), failed (the last attempt failed).");
    const sent = this.notifications?.() ?? {};
    for (const outcome of ["delivered", "failed", "retry"]) out.push(`tickd_notifications_total{outcome="${outcome}"} ${sent[outcome] ?? 0}`);
    family("tickd_api_subscriptions", "gauge", "GraphQL subscriptions open now (SSE and WebSocket).");
    out.push(`tickd_api_subscriptions ${this.subscriptions.open}`);

    // The store's size (retention, issue 16): read at each scrape.
    if (extra.store) {
      family("tickd_store_bytes", "gauge", "Size of the database, bytes (its pages; the write-ahead log not included).");
      out.push(`tickd_store_bytes ${extra.store.bytes}`);
      family("tickd_store_rows", "gauge", "Rows of history in the store, by table: activity (runs) and rollups (job-days).");
      out.push(`tickd_store_rows{table="activity"} ${extra.store.runs}`, `tickd_store_rows{table="rollups"} ${extra.store.rollups}`);
    }
    return `${out.join("\n")}\n`;
  }
}
