/**
 * The job panel: a modal <dialog> (focus moves in, Escape closes, focus goes
 * back to the button that opened it) with the job's description, keyword
 * arguments, next runs and recent runs. Output and error appear only when the
 * API sends them, i.e. for admins; other roles see that they are hidden.
 */
import { alertsSection } from "./alerts.ts";
import { gql } from "./api.ts";
import { h, replaceChildren } from "./dom.ts";
import { duration } from "./format.ts";
import { durationChart, successChart } from "./history.ts";
import { JOB_DETAIL, type JobDetail, type JobDetailData, UPDATE_SCHEDULE } from "./queries.ts";
import { RunList } from "./run-list.ts";

/** The charts' span: the last 30 days. */
const CHART_DAYS = 30;

export interface PanelActions {
  setActive(label: string, active: boolean): Promise<void>;
  runNow(label: string): Promise<void>;
}

function kwargValue(value: unknown): string {
  if (value === null || value === undefined) return "hidden (admins only)";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** "Sun, 29 Nov, 03:00:00" in the browser's zone: seconds matter for short intervals. */
function longTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
}

function definition(term: string, value: Node | string | null): (HTMLElement | null)[] {
  if (value === null || value === "") return [null];
  return [h("dt", {}, term), h("dd", {}, value)];
}

export class JobPanel {
  private label: string | null = null;
  private loading = 0;
  /** Admins may change when discovered jobs run (job-file jobs change in the file). */
  admin = false;
  /** The schedule editor stays open across re-renders once opened. */
  private editOpen = false;
  /** The open job's run list, kept across re-renders so its filters and pages stay. */
  private runs: RunList | null = null;

  constructor(
    private readonly dialog: HTMLDialogElement,
    private readonly body: HTMLElement,
    private readonly title: HTMLElement,
    private readonly actions: PanelActions,
  ) {
    dialog.addEventListener("close", () => {
      this.label = null;
      this.editOpen = false;
      this.runs = null;
    });
  }

  get openLabel(): string | null {
    return this.label;
  }

  async open(label: string): Promise<void> {
    if (this.label !== label) this.runs = null;
    this.label = label;
    this.title.textContent = label;
    replaceChildren(this.body, [h("p", { class: "muted" }, "Loading…")]);
    if (!this.dialog.open) this.dialog.showModal();
    await this.refresh();
  }

  /** Reload when the panel shows this job (a run finished, the job changed). */
  async refreshIf(label: string): Promise<void> {
    if (this.label === label && this.dialog.open) await this.refresh();
  }

  async refresh(): Promise<void> {
    const label = this.label;
    if (label === null) return;
    const ticket = ++this.loading;
    try {
      const since = new Date(Math.floor(Date.now() / 86_400_000 - CHART_DAYS + 1) * 86_400_000).toISOString();
      const { job } = await gql<JobDetailData>(JOB_DETAIL, { label, since });
      if (ticket !== this.loading || this.label !== label) return;
      if (!job) replaceChildren(this.body, [h("p", {}, `The job "${label}" no longer exists.`)]);
      else this.render(job);
    } catch (error) {
      if (ticket !== this.loading) return;
      replaceChildren(this.body, [h("p", { class: "error", role: "alert" }, `Could not load the job: ${(error as Error).message}`)]);
    }
  }

  private render(job: JobDetail): void {
    const now = Date.now();
    // A re-render (a run finished, the switch was used) must not drop the keyboard focus.
    const focused = this.body.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.key : undefined;
    const toggle = h("button", { type: "button", role: "switch", class: "switch", "data-key": "toggle", "aria-checked": String(job.active), "aria-label": `Active: ${job.label}` }, job.active ? "On" : "Off");
    toggle.addEventListener("click", () => void this.actions.setActive(job.label, !job.active));
    const run = h("button", { type: "button", class: "run", "data-key": "run" }, "Run now");
    run.addEventListener("click", async () => {
      run.setAttribute("aria-disabled", "true");
      run.textContent = "Running…";
      try {
        await this.actions.runNow(job.label);
      } finally {
        run.removeAttribute("aria-disabled");
        run.textContent = "Run now";
      }
    });
    const runs = job.activities.edges.map((e) => e.node);
    const since = Math.floor(now / 86_400_000 - CHART_DAYS + 1) * 86_400_000;
    this.runs ??= new RunList({ fixed: { label: job.label } });
    void this.runs.load().catch(() => {});
    const where = job.source === "INI" ? `${job.file}:${job.line}` : `${job.app ?? "app"} (${job.file})`;
    replaceChildren(this.body, [
      h("div", { class: "panel-actions" }, h("span", { class: "switch-label" }, "Active ", toggle), run),
      job.description ? h("p", { class: "description" }, job.description) : h("p", { class: "muted" }, "No description."),
      h(
        "dl",
        { class: "facts" },
        ...definition("Schedule", `${job.schedule.text}`),
        ...definition("Zone", job.schedule.timezone),
        ...definition("Runs", job.callback ?? job.kind.toLowerCase()),
        ...definition("Defined in", where),
        ...definition("Timeout", job.timeoutMs === null ? "none" : duration(job.timeoutMs)),
        ...definition("Overlap", job.overlap),
        ...definition("Retries", String(job.retries)),
      ),
      this.admin && job.source === "DISCOVERED" ? this.scheduleForm(job) : null,
      h("h3", {}, "Keyword arguments"),
      job.kwargs.length === 0
        ? h("p", { class: "muted" }, "None.")
        : h("table", { class: "kwargs" }, h("tbody", {}, ...job.kwargs.map((k) => h("tr", {}, h("th", { scope: "row" }, k.key), h("td", {}, h("code", {}, kwargValue(k.value))))))),
      h("h3", {}, "Next runs ", h("small", { class: "muted" }, `(your time, ${Intl.DateTimeFormat().resolvedOptions().timeZone})`)),
      job.nextRuns.length === 0
        ? h("p", { class: "muted" }, job.active ? "None scheduled." : "Paused: activate the job to schedule it.")
        : h("ol", { class: "next-runs" }, ...job.nextRuns.map((at) => h("li", {}, h("time", { datetime: at }, longTime(at))))),
      h("h3", {}, "Duration ", h("small", { class: "muted" }, `(last ${CHART_DAYS} days; lines: daily p50 and p95)`)),
      durationChart(runs, job.rollups, since, now),
      h("h3", {}, "Success rate per day"),
      successChart(job.rollups),
      h("h3", {}, "Runs"),
      this.runs.element,
      ...alertsSection(job.alerts, now),
    ]);
    if (focused) this.body.querySelector<HTMLElement>(`[data-key="${focused}"]`)?.focus();
  }

  /** updateJobSchedule: every (with at) or cron, validated by the API like the job file. */
  private scheduleForm(job: JobDetail): HTMLElement {
    const s = job.schedule;
    const field = (name: string, label: string, value: string | null, hint: string) =>
      h("label", { class: "field" }, h("span", {}, label), h("input", { name, value: value ?? "", placeholder: hint, autocomplete: "off", spellcheck: "false" }));
    const error = h("p", { class: "error", role: "alert" });
    const form = h(
      "form",
      { class: "schedule-form", "aria-label": "Change the schedule" },
      h("div", { class: "fields" }, field("every", "Every", s.every, "10 minutes"), field("at", "At", s.at, "09:00"), field("cron", "Cron", s.cron, "*/5 * * * *"), field("timezone", "Zone", job.timezone, "the instance's")),
      error,
      h("button", { type: "submit", "data-key": "save-schedule" }, "Save schedule"),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const value = (key: string) => String(data.get(key) ?? "").trim() || null;
      try {
        await gql(UPDATE_SCHEDULE, { label: job.label, every: value("every"), at: value("at"), cron: value("cron"), timezone: value("timezone") });
        await this.refresh();
      } catch (e) {
        error.textContent = (e as Error).message;
      }
    });
    const details = h("details", { class: "schedule-edit", open: this.editOpen }, h("summary", {}, "Change the schedule"), form);
    details.addEventListener("toggle", () => (this.editOpen = details.open));
    return details;
  }
}
