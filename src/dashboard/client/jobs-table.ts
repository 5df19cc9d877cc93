/**
 * The job table. Rows are keyed by label and updated in place (text changes,
 * same elements), so a refresh neither moves the focus nor shifts the layout;
 * the countdown column ticks every second from nextRunAt without asking the
 * server.
 */
import { h, replaceChildren } from "./dom.ts";
import { ago, BAD_STATUSES, clockTime, countdown, statusWord } from "./format.ts";
import { strip } from "./history.ts";
import { STRIP_RUNS, type JobRow, type Pause, type RunSummary } from "./queries.ts";

export interface JobsTableActions {
  setActive(label: string, active: boolean): Promise<void>;
  runNow(label: string): Promise<void>;
  open(label: string): void;
}

interface RowRefs {
  job: JobRow;
  tr: HTMLTableRowElement;
  labelButton: HTMLButtonElement;
  tags: HTMLElement;
  /** The strip of recent runs, under the label. */
  ticks: HTMLElement;
  schedule: HTMLElement;
  next: HTMLTimeElement;
  last: HTMLElement;
  toggle: HTMLButtonElement;
  run: HTMLButtonElement;
  /** Start of the run going on, when the runStarted stream told us (snapshots only give a count). */
  runningSince?: string;
}

/** "paused by operator at 14:02 until 15:00: deploy" (times in the browser's zone). */
export function pauseText(pause: Pause, now: number): string {
  const at = pause.at ? ` at ${clockTime(pause.at, now)}` : "";
  const until = pause.until ? ` until ${clockTime(pause.until, now)}` : "";
  return `paused by ${pause.by}${at}${until}${pause.note ? `: ${pause.note}` : ""}`;
}

/**
 * What makes a job stand out (issue 15), each a row class and a word, so the
 * row says it without colour: failing (runs went wrong since its last
 * success), slow (a run going on past its warn_after), missed (a missed
 * record in the last day).
 */
export function flagsOf(job: JobRow, now: number): { failing: number; slow: boolean; missed: boolean } {
  const h = job.health;
  return {
    failing: h?.failuresInRow ?? 0,
    slow: job.running > 0 && h?.slowAt != null && Date.parse(h.slowAt) <= now,
    missed: h?.lastMissedAt != null,
  };
}

/** A status as a badge: the word is always there, the colour only repeats it. */
export function statusBadge(status: string): HTMLElement {
  return h("span", { class: `badge status-${statusWord(status)}` }, statusWord(status));
}

export class JobsTable {
  private readonly rows = new Map<string, RowRefs>();
  private filter = "";

  constructor(
    private readonly tbody: HTMLTableSectionElement,
    private readonly empty: HTMLElement,
    private readonly actions: JobsTableActions,
  ) {}

  get labels(): string[] {
    return [...this.rows.keys()];
  }

  job(label: string): JobRow | undefined {
    return this.rows.get(label)?.job;
  }

  /** Replace the whole set: update rows that stay, add new ones, drop vanished ones. */
  setAll(jobs: readonly JobRow[], now: number): void {
    const seen = new Set<string>();
    for (const job of jobs) {
      seen.add(job.label);
      this.upsert(job, now, false);
    }
    for (const label of [...this.rows.keys()]) if (!seen.has(label)) this.remove(label);
    this.order();
  }

  upsert(job: JobRow, now: number, reorder = true): void {
    let refs = this.rows.get(job.label);
    if (!refs) {
      refs = this.createRow(job);
      this.rows.set(job.label, refs);
      if (reorder) this.order();
    }
    // A snapshot older than a run the stream already delivered must not take it back.
    const shown = refs.job.lastRun;
    // The row's last run is a finished one (a run going on shows from runStarted): a
    // snapshot taken while a run goes on names that run, and keeps the one shown.
    const incoming = job.lastRun?.status === "RUNNING" ? (shown ?? null) : job.lastRun;
    const lastRun = shown && shown.label === job.label && (!incoming || shown.startedAt > incoming.startedAt) ? shown : incoming;
    const merged = lastRun === job.lastRun ? job : { ...job, lastRun };
    // Subscriptions and mutations send no strip: keep the one shown.
    refs.job = merged.recentRuns ? merged : { ...merged, recentRuns: refs.job.recentRuns ?? [] };
    this.fill(refs, now);
  }

  remove(label: string): void {
    this.rows.get(label)?.tr.remove();
    this.rows.delete(label);
    this.updateEmpty();
  }

  /** A finished run: show it as the job's last run at once (nextRunAt follows with the next refresh). */
  applyRun(run: RunSummary, now: number): void {
    const refs = this.rows.get(run.label);
    // Each run arrives twice when started here (the stream and runJobNow's answer): count it once.
    if (!refs || refs.job.lastRun?.runId === run.runId) return;
    const running = Math.max(0, refs.job.running - 1);
    if (running === 0) refs.runningSince = undefined;
    const last = refs.job.lastRun;
    const recentRuns = [run, ...(refs.job.recentRuns ?? []).filter((r) => r.runId !== run.runId)].slice(0, STRIP_RUNS);
    refs.job = { ...refs.job, running, lastRun: last && last.startedAt > run.startedAt ? last : run, recentRuns };
    this.fill(refs, now);
  }

  /** A run began (runStarted): the row says so until the run's result arrives. */
  runStarted(run: { label: string; startedAt: string }, now: number): void {
    const refs = this.rows.get(run.label);
    if (!refs) return;
    refs.runningSince = run.startedAt;
    refs.job = { ...refs.job, running: refs.job.running + 1 };
    this.fill(refs, now);
  }

  /** Once a second: countdowns and "ago" texts. Returns true when some job is due (time to refresh). */
  tick(now: number): boolean {
    let due = false;
    for (const refs of this.rows.values()) {
      const { nextRunAt } = refs.job;
      if (nextRunAt) {
        const at = Date.parse(nextRunAt);
        refs.next.textContent = countdown(at, now);
        if (at <= now - 1000) due = true;
      }
      // A run going on becomes slow at slowAt, with no event to say so.
      if (refs.tr.classList.contains("slow") !== flagsOf(refs.job, now).slow) this.fill(refs, now);
      const agoEl = refs.last.querySelector<HTMLElement>(".ago");
      if (agoEl?.dataset.since) agoEl.textContent = `${agoEl.dataset.prefix ?? ""}${ago(agoEl.dataset.since, now)}`;
    }
    return due;
  }

  setFilter(text: string): void {
    this.filter = text.trim().toLowerCase();
    for (const refs of this.rows.values()) refs.tr.hidden = !this.matches(refs.job);
    this.updateEmpty();
  }

  setPending(label: string, what: "toggle" | "run", pending: boolean): void {
    const refs = this.rows.get(label);
    if (!refs) return;
    const button = what === "toggle" ? refs.toggle : refs.run;
    // aria-disabled rather than disabled: a disabled button drops the keyboard focus.
    if (pending) button.setAttribute("aria-disabled", "true");
    else button.removeAttribute("aria-disabled");
    if (what === "run") refs.run.textContent = pending ? "Running…" : "Run now";
  }

  private matches(job: JobRow): boolean {
    return this.filter === "" || job.label.toLowerCase().includes(this.filter) || job.schedule.text.toLowerCase().includes(this.filter);
  }

  private updateEmpty(): void {
    const visible = [...this.rows.values()].some((r) => !r.tr.hidden);
    this.empty.hidden = visible;
    this.empty.textContent = this.rows.size === 0 ? "No jobs in this instance yet." : "No job matches the filter.";
  }

  private order(): void {
    const sorted = [...this.rows.values()].sort((a, b) => (a.job.label < b.job.label ? -1 : a.job.label > b.job.label ? 1 : 0));
    sorted.forEach((refs, i) => {
      if (this.tbody.children[i] !== refs.tr) this.tbody.insertBefore(refs.tr, this.tbody.children[i] ?? null);
    });
    this.updateEmpty();
  }

  private createRow(job: JobRow): RowRefs {
    const label = job.label;
    const guard = (button: HTMLButtonElement, act: () => void) => () => {
      if (button.getAttribute("aria-disabled") === "true") return;
      act();
    };
    const labelButton = h("button", { type: "button", class: "link", title: "Details, recent runs" }, label);
    labelButton.addEventListener("click", () => this.actions.open(label));
    const toggle = h("button", { type: "button", role: "switch", class: "switch", "aria-label": `Active: ${label}` });
    toggle.addEventListener("click", guard(toggle, () => void this.actions.setActive(label, !(this.rows.get(label)?.job.active ?? false))));
    const run = h("button", { type: "button", class: "run", "aria-label": `Run ${label} now` }, "Run now");
    run.addEventListener("click", guard(run, () => void this.actions.runNow(label)));
    const tags = h("span", { class: "tags" });
    const ticks = h("span", { class: "strip-box" });
    const schedule = h("span", { class: "schedule" });
    const next = h("time", { class: "countdown" });
    const last = h("span", { class: "last" });
    const tr = h(
      "tr",
      { role: "row", "data-label": label },
      h("th", { scope: "row", role: "rowheader", class: "c-label" }, labelButton, tags, ticks),
      h("td", { role: "cell", class: "c-schedule", "data-col": "Schedule" }, schedule),
      h("td", { role: "cell", class: "c-next", "data-col": "Next run" }, next),
      h("td", { role: "cell", class: "c-last", "data-col": "Last run" }, last),
      h("td", { role: "cell", class: "c-active", "data-col": "Active" }, toggle),
      h("td", { role: "cell", class: "c-run" }, run),
    );
    return { job, tr, labelButton, tags, ticks, schedule, next, last, toggle, run };
  }

  private fill(refs: RowRefs, now: number): void {
    const { job } = refs;
    const flags = flagsOf(job, now);
    const pause = job.pause ? pauseText(job.pause, now) : "";
    replaceChildren(refs.tags, [
      job.missing && h("span", { class: "tag tag-missing", title: "Its app no longer registers it; history kept" }, "missing"),
      job.source === "DISCOVERED" && h("span", { class: "tag" }, "discovered"),
      job.pause && h("span", { class: "tag tag-paused", title: pause }, job.pause.note ? `paused: ${job.pause.note}` : "paused"),
    ]);
    // The marks that come and go as runs end sit on the strip's line, which never wraps: the row keeps its height.
    replaceChildren(refs.ticks, [
      strip(job.recentRuns ?? []),
      flags.failing > 0 && h("span", { class: "tag tag-flag tag-failing", title: `${flags.failing} run(s) went wrong since the last success` }, flags.failing > 1 ? `failing ×${flags.failing}` : "failing"),
      flags.slow && h("span", { class: "tag tag-flag tag-slow", title: `running longer than its warn_after (started ${clockTime(job.health.runningSince, now)})` }, "slow"),
      flags.missed && h("span", { class: "tag tag-flag tag-missed", title: `missed an occurrence at ${clockTime(job.health.lastMissedAt, now)}` }, "missed"),
    ]);
    refs.tr.classList.toggle("failing", flags.failing > 0);
    refs.tr.classList.toggle("slow", flags.slow);
    refs.tr.classList.toggle("missed", flags.missed);
    refs.tr.classList.toggle("paused", job.pause !== null && job.pause !== undefined);
    refs.schedule.textContent = job.schedule.text;
    refs.schedule.title = `computed in ${job.schedule.timezone}`;
    if (job.nextRunAt) {
      refs.next.dateTime = job.nextRunAt;
      refs.next.title = new Date(job.nextRunAt).toLocaleString();
      refs.next.textContent = countdown(Date.parse(job.nextRunAt), now);
    } else {
      refs.next.removeAttribute("datetime");
      refs.next.title = pause;
      refs.next.textContent = job.schedule.kind === "MANUAL" && job.active ? "by hand" : job.active ? "—" : job.pause?.until ? `paused until ${clockTime(job.pause.until, now)}` : "paused";
    }
    const run = job.lastRun;
    if (job.running === 0) refs.runningSince = undefined;
    refs.tr.classList.toggle("bad", !!run && BAD_STATUSES.has(run.status) && job.running === 0);
    refs.tr.classList.toggle("inactive", !job.active);
    // Same two lines in every state (status + when, then the message), so a row never changes height.
    const since = job.running > 0 ? refs.runningSince : run ? (run.endedAt ?? run.startedAt) : undefined;
    const prefix = job.running > 0 ? "started " : "";
    const when = since ? h("small", { class: "ago", "data-since": since, "data-prefix": prefix }, `${prefix}${ago(since, now)}`) : null;
    replaceChildren(
      refs.last,
      job.running > 0
        ? [statusBadge("RUNNING"), when ?? h("small", { class: "ago" }, "now"), h("span", { class: "msg muted" }, run ? `last: ${run.message || run.status.toLowerCase()}` : "first run")]
        : run
          ? [statusBadge(run.status), when, h("span", { class: "msg", title: run.message }, run.message || "")]
          : [h("span", { class: "muted" }, "never ran")],
    );
    refs.toggle.setAttribute("aria-checked", String(job.active));
    refs.toggle.textContent = job.active ? "On" : "Off";
    refs.tr.hidden = !this.matches(job);
  }
}
