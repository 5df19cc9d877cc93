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
import { pauseText } from "./jobs-table.ts";
import { BACKFILL, CANCEL_BACKFILL, JOB_DETAIL, PAUSE, RESUME, RUN_WITH, type Backfill, type JobDetail, type JobDetailData, type JobRow, type PauseData, UPDATE_SCHEDULE } from "./queries.ts";
import { roleAtLeast } from "./role.ts";
import { RunList } from "./run-list.ts";

/** The charts' span: the last 30 days. */
const CHART_DAYS = 30;

export interface PanelActions {
  setActive(label: string, active: boolean): Promise<void>;
  runNow(label: string): Promise<void>;
  /** The job changed here (paused, resumed): the table shows it at once. */
  changed(job: JobRow): void;
  /** A message in the page's live region. */
  say(text: string, kind?: "info" | "error"): void;
}

/** A datetime-local field's value as an ISO instant (the browser's zone); null when empty. */
function localInstant(value: FormDataEntryValue | null): string | null {
  const text = String(value ?? "").trim();
  return text === "" ? null : new Date(text).toISOString();
}

/** "12 of 40 runs done, 3 already recorded (running)". */
export function backfillText(b: Backfill): string {
  if (b.state === "dry_run") return `${b.count} occurrence(s) to run, ${b.skipped} already recorded (dry run: nothing ran)`;
  return `${b.done} of ${b.count} run(s) done${b.skipped ? `, ${b.skipped} already recorded` : ""} (${b.state})`;
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
    // ... nor what was typed into a form, nor which sections were open (a run finishing re-renders).
    const typed = new Map<string, string | boolean>();
    for (const el of this.body.querySelectorAll<HTMLInputElement>("form:not(.run-filters) [name]")) typed.set(`${el.form?.className}/${el.name}`, el.type === "checkbox" ? el.checked : el.value);
    const opened = new Set([...this.body.querySelectorAll("details[open]")].map((d) => d.className));
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
      this.pauseSection(job),
      this.backfillSection(job),
      roleAtLeast("admin") ? this.runWithForm(job) : null,
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
        ? h("p", { class: "muted" }, job.schedule.kind === "MANUAL" ? "Manual (every = manual): never scheduled; it runs when someone runs it." : job.active ? "None scheduled." : "Paused: activate the job to schedule it.")
        : h("ol", { class: "next-runs" }, ...job.nextRuns.map((at) => h("li", {}, h("time", { datetime: at }, longTime(at))))),
      h("h3", {}, "Duration ", h("small", { class: "muted" }, `(last ${CHART_DAYS} days; lines: daily p50 and p95)`)),
      durationChart(runs, job.rollups, since, now),
      h("h3", {}, "Success rate per day"),
      successChart(job.rollups),
      h("h3", {}, "Runs"),
      this.runs.element,
      ...alertsSection(job.alerts, now),
    ]);
    for (const el of this.body.querySelectorAll<HTMLInputElement>("form:not(.run-filters) [name]")) {
      const value = typed.get(`${el.form?.className}/${el.name}`);
      if (typeof value === "boolean") el.checked = value;
      else if (value !== undefined) el.value = value;
    }
    for (const d of this.body.querySelectorAll<HTMLDetailsElement>("details")) if (opened.has(d.className)) d.open = true;
    if (focused) this.body.querySelector<HTMLElement>(`[data-key="${focused}"]`)?.focus();
  }

  /**
   * The pause: who, when, until when and why, with Resume (operators); on an
   * active job, Pause with a note and an optional end (operators).
   */
  private pauseSection(job: JobDetail): HTMLElement | null {
    const operator = roleAtLeast("operator");
    const act = async (query: string, variables: Record<string, unknown>, done: string, doing: string, error: HTMLElement) => {
      try {
        const data = await gql<PauseData>(query, variables);
        const changed = data.pauseJob ?? data.resumeJob;
        if (changed) this.actions.changed(changed);
        this.actions.say(done);
        await this.refresh();
      } catch (e) {
        error.textContent = `${doing} failed: ${(e as Error).message}`;
      }
    };
    if (job.pause) {
      const error = h("p", { class: "error", "aria-live": "assertive" });
      const resume = operator ? h("button", { type: "button", class: "resume", "data-key": "resume" }, "Resume") : null;
      resume?.addEventListener("click", () => void act(RESUME, { label: job.label }, `${job.label} resumed`, "Resuming", error));
      return h(
        "div",
        { class: "pause-box", role: "status" },
        h("span", { class: "badge status-paused" }, "paused"),
        h("span", { class: "pause-text" }, pauseText(job.pause, Date.now())),
        resume,
        error,
      );
    }
    if (!operator || !job.active) return null;
    const error = h("p", { class: "error", "aria-live": "assertive" });
    const form = h(
      "form",
      { class: "pause-form", "aria-label": "Pause the job" },
      h(
        "div",
        { class: "fields" },
        h("label", { class: "field" }, h("span", {}, "Note"), h("input", { name: "note", required: true, placeholder: "why (a deploy, an incident)", autocomplete: "off" })),
        h("label", { class: "field" }, h("span", {}, "Until (optional)"), h("input", { name: "until", type: "datetime-local" })),
      ),
      error,
      h("button", { type: "submit", "data-key": "pause" }, "Pause"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const note = String(data.get("note") ?? "").trim();
      const until = localInstant(data.get("until"));
      void act(PAUSE, { label: job.label, note, until }, `${job.label} paused${until ? ` until ${new Date(until).toLocaleString()}` : ""}`, "Pausing", error);
    });
    return h("details", { class: "pause-edit" }, h("summary", {}, "Pause with a note"), form);
  }

  /** The backfill going on (or the last one): a progress bar; admins start and stop one here. */
  private backfillSection(job: JobDetail): HTMLElement | null {
    const b = job.backfill;
    const admin = roleAtLeast("admin");
    if (!b && !admin) return null;
    const error = h("p", { class: "error", "aria-live": "assertive" });
    const progress = b
      ? h(
          "div",
          { class: "backfill-progress" },
          h("progress", { max: Math.max(1, b.count), value: b.state === "dry_run" ? 0 : b.done, "aria-label": `Backfill of ${job.label}` }),
          h("span", { class: "backfill-text" }, `Backfill ${new Date(b.from).toLocaleString()} – ${new Date(b.to).toLocaleString()}: ${backfillText(b)}`),
        )
      : null;
    const stop = admin && b?.state === "running" ? h("button", { type: "button", class: "small", "data-key": "stop-backfill" }, "Stop the backfill") : null;
    stop?.addEventListener("click", async () => {
      try {
        await gql(CANCEL_BACKFILL, { label: job.label });
        await this.refresh();
      } catch (e) {
        error.textContent = `Stopping the backfill failed: ${(e as Error).message}`;
      }
    });
    let form: HTMLElement | null = null;
    if (admin && b?.state !== "running") {
      const f = h(
        "form",
        { class: "backfill-form", "aria-label": "Backfill a range" },
        h(
          "div",
          { class: "fields" },
          h("label", { class: "field" }, h("span", {}, "From"), h("input", { name: "from", type: "datetime-local", required: true })),
          h("label", { class: "field" }, h("span", {}, "To"), h("input", { name: "to", type: "datetime-local", required: true })),
          h("label", { class: "check" }, h("input", { name: "again", type: "checkbox" }), " run recorded ones again"),
        ),
        h("button", { type: "submit", "data-key": "backfill" }, "Backfill"),
      );
      f.addEventListener("submit", async (event) => {
        event.preventDefault();
        const data = new FormData(f);
        try {
          const { backfillJob } = await gql<{ backfillJob: Backfill }>(BACKFILL, { label: job.label, from: localInstant(data.get("from")), to: localInstant(data.get("to")), again: data.get("again") === "on" });
          this.actions.say(`Backfill of ${job.label}: ${backfillJob.count} run(s) to go`);
          await this.refresh();
        } catch (e) {
          error.textContent = `Backfill failed: ${(e as Error).message}`;
        }
      });
      form = h("details", { class: "backfill-edit" }, h("summary", {}, "Backfill a range"), f);
    }
    return h("div", { class: "backfill" }, progress, stop, form, error);
  }

  /** Admins: run now with parameters (key=value lines; strings, as run-job --kwarg gives them). */
  private runWithForm(job: JobDetail): HTMLElement {
    const error = h("p", { class: "error", "aria-live": "assertive" });
    const form = h(
      "form",
      { class: "run-with-form", "aria-label": "Run with parameters" },
      h("label", { class: "field" }, h("span", {}, "Parameters, one key=value a line"), h("textarea", { name: "kwargs", rows: 3, spellcheck: "false", placeholder: "day=2026-01-02" })),
      error,
      h("button", { type: "submit", "data-key": "run-with" }, "Run with these"),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const kwargs: Record<string, string> = {};
      for (const line of String(new FormData(form).get("kwargs") ?? "").split("\n")) {
        if (line.trim() === "") continue;
        const eq = line.indexOf("=");
        if (eq < 1) {
          error.textContent = `"${line.trim()}": write key=value`;
          return;
        }
        kwargs[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
      }
      error.textContent = "";
      try {
        await gql(RUN_WITH, { label: job.label, kwargs });
        this.actions.say(`${job.label} started with ${Object.keys(kwargs).length} parameter(s)`);
      } catch (e) {
        error.textContent = `Running failed: ${(e as Error).message}`;
      }
    });
    return h("details", { class: "run-with" }, h("summary", {}, "Run with parameters"), form);
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
