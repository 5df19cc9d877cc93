/**
 * Prometheus text for /metrics. Counters count since this process started
 * (Prometheus handles resets); gauges read the live engine.
 */
import type { EngineEvent, SchedulerControl } from "../engine/types.ts";

/** Lateness buckets, seconds: how long after its due time a run started. */
const LATENESS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] as const;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

export class Metrics {
  readonly #runs = new Map<string, Map<string, number>>();
  readonly #buckets = new Array<number>(LATENESS_BUCKETS.length).fill(0);
  #latenessCount = 0;
  #latenessSum = 0;
  readonly #unsubscribe: () => void;

  constructor(
    private readonly scheduler: SchedulerControl,
    private readonly subscriptions: { readonly open: number },
  ) {
    this.#unsubscribe = scheduler.subscribe((event) => this.#observe(event));
  }

  #observe(event: EngineEvent): void {
    if (event.type === "run.started") {
      const lateness = Math.max(0, event.run.startedAt - event.run.scheduledFor) / 1000;
      this.#latenessCount++;
      this.#latenessSum += lateness;
      LATENESS_BUCKETS.forEach((le, i) => {
        if (lateness <= le) this.#buckets[i]!++;
      });
    } else if (event.type === "run.finished") {
      const byStatus = this.#runs.get(event.run.label) ?? new Map<string, number>();
      byStatus.set(event.run.status, (byStatus.get(event.run.status) ?? 0) + 1);
      this.#runs.set(event.run.label, byStatus);
    }
  }

  stop(): void {
    this.#unsubscribe();
  }

  render(extra: { version: string }): string {
    const lines: string[] = [];
    const jobs = this.scheduler.jobs();
    lines.push("# HELP tickd_info tickd version and instance.", "# TYPE tickd_info gauge");
    lines.push(`tickd_info{version="${escapeLabel(extra.version)}",instance="${escapeLabel(this.scheduler.instance)}"} 1`);
    lines.push("# HELP tickd_start_time_seconds When the scheduler started, unix seconds.", "# TYPE tickd_start_time_seconds gauge");
    lines.push(`tickd_start_time_seconds ${this.scheduler.startedAt / 1000}`);

    lines.push("# HELP tickd_runs_total Finished runs since start, by job and status.", "# TYPE tickd_runs_total counter");
    for (const [label, byStatus] of [...this.#runs].sort(([a], [b]) => (a < b ? -1 : 1))) {
      for (const [status, n] of byStatus) lines.push(`tickd_runs_total{job="${escapeLabel(label)}",status="${status}"} ${n}`);
    }

    lines.push("# HELP tickd_run_lateness_seconds Delay between a run's due time and its start.", "# TYPE tickd_run_lateness_seconds histogram");
    LATENESS_BUCKETS.forEach((le, i) => lines.push(`tickd_run_lateness_seconds_bucket{le="${le}"} ${this.#buckets[i]}`));
    lines.push(`tickd_run_lateness_seconds_bucket{le="+Inf"} ${this.#latenessCount}`);
    lines.push(`tickd_run_lateness_seconds_sum ${this.#latenessSum}`);
    lines.push(`tickd_run_lateness_seconds_count ${this.#latenessCount}`);

    lines.push("# HELP tickd_jobs_running Runs going on now.", "# TYPE tickd_jobs_running gauge");
    lines.push(`tickd_jobs_running ${jobs.reduce((n, j) => n + j.running, 0)}`);
    lines.push("# HELP tickd_jobs Jobs known to the engine, by active flag.", "# TYPE tickd_jobs gauge");
    const active = jobs.filter((j) => j.active).length;
    lines.push(`tickd_jobs{active="true"} ${active}`, `tickd_jobs{active="false"} ${jobs.length - active}`);
    lines.push("# HELP tickd_api_subscriptions GraphQL subscriptions open now (SSE and WebSocket).", "# TYPE tickd_api_subscriptions gauge");
    lines.push(`tickd_api_subscriptions ${this.subscriptions.open}`);
    return `${lines.join("\n")}\n`;
  }
}
