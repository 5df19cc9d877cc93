/**
 * A filterable, paged list of runs over the `activities` query: the job
 * panel's (status, trigger, time range) and the activity page's (plus app,
 * label and a search in messages). Output and error come only for admins (the
 * API sends null to others); they show monospace, scrollable, with a copy button.
 */
import { gql } from "./api.ts";
import { h, replaceChildren } from "./dom.ts";
import { BAD_STATUSES, clockTime, duration } from "./format.ts";
import { statusBadge } from "./jobs-table.ts";
import { CANCEL_RUN, RUNS, type RunDetail, type RunFilter, type RunsData } from "./queries.ts";
import { roleAtLeast } from "./role.ts";

const STATUSES = ["SUCCESS", "FAILURE", "ERROR", "TIMEOUT", "SKIPPED", "CANCELLED", "ABANDONED", "MISSED", "RUNNING"];
const TRIGGERS = ["SCHEDULE", "MANUAL", "RETRY", "CATCHUP", "BACKFILL", "TAKEOVER"];
const PAGE = 25;

export interface RunListOptions {
  /** Fixed filter (the panel's job label). */
  readonly fixed?: RunFilter;
  /** Offer app, label and message search (the activity page). */
  readonly across?: boolean;
}

function select(name: string, label: string, values: readonly string[]): HTMLElement {
  return h("label", { class: "field" }, h("span", {}, label), h("select", { name }, h("option", { value: "" }, "any"), ...values.map((v) => h("option", { value: v }, v.toLowerCase()))));
}

function input(name: string, label: string, type = "text"): HTMLElement {
  return h("label", { class: "field" }, h("span", {}, label), h("input", { name, type, autocomplete: "off", spellcheck: "false" }));
}

/** Monospace, scrollable text with a copy button. */
function block(title: string, text: string, error: boolean): HTMLElement {
  const pre = h("pre", { class: error ? "mono error" : "mono", tabindex: 0 }, text);
  const copy = h("button", { type: "button", class: "small copy" }, "Copy");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text);
      copy.textContent = "Copied";
    } catch {
      getSelection()?.selectAllChildren(pre);
    }
  });
  return h("details", { class: "run-text", open: error }, h("summary", {}, title, " ", copy), pre);
}

export class RunList {
  readonly element: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly body: HTMLElement;
  private readonly more: HTMLButtonElement;
  private readonly count: HTMLElement;
  private after: string | null = null;
  private ticket = 0;

  constructor(private readonly options: RunListOptions = {}) {
    const across = options.across === true;
    this.form = h(
      "form",
      { class: "run-filters", "aria-label": "Filter runs" },
      h(
        "div",
        { class: "fields" },
        select("status", "Status", STATUSES),
        across ? null : select("trigger", "Trigger", TRIGGERS),
        across ? input("app", "App") : null,
        across ? input("label", "Job") : null,
        input("since", "From", "datetime-local"),
        input("until", "To", "datetime-local"),
        across ? input("search", "Message", "search") : null,
      ),
      h("button", { type: "submit" }, "Apply"),
    );
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.load();
    });
    this.form.addEventListener("change", () => void this.load());
    this.body = h("tbody", {});
    this.count = h("p", { class: "muted run-count", role: "status" });
    this.more = h("button", { type: "button", class: "more" }, "Older runs");
    this.more.addEventListener("click", () => void this.load(true));
    this.element = h(
      "div",
      { class: "run-list" },
      this.form,
      this.count,
      h(
        "div",
        { class: "table-scroll" },
        h("table", { class: "runs" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Status"), across ? h("th", { scope: "col" }, "Job") : null, h("th", { scope: "col" }, "Started"), h("th", { scope: "col" }, "Duration"), h("th", { scope: "col" }, "Message"))), this.body),
      ),
      this.more,
    );
  }

  filter(): RunFilter {
    const data = new FormData(this.form);
    const text = (k: string) => String(data.get(k) ?? "").trim();
    const when = (k: string) => (text(k) ? new Date(text(k)).toISOString() : undefined);
    const f: RunFilter = { ...this.options.fixed };
    if (text("status")) f.statuses = [text("status")];
    if (text("trigger")) f.triggers = [text("trigger")];
    if (text("app")) f.app = text("app");
    if (text("label")) f.label = text("label");
    const since = when("since");
    const until = when("until");
    if (since) f.since = since;
    if (until) f.until = until;
    if (text("search")) f.search = text("search");
    return f;
  }

  /** The first page for the current filter, or (`next`) the page after the last one shown. */
  async load(next = false): Promise<void> {
    const ticket = ++this.ticket;
    const { activities } = await gql<RunsData>(RUNS, { filter: this.filter(), first: PAGE, after: next ? this.after : null });
    if (ticket !== this.ticket) return;
    const rows = activities.edges.map((e) => this.row(e.node, Date.now()));
    if (next) this.body.append(...rows);
    else replaceChildren(this.body, rows);
    this.after = activities.pageInfo.endCursor;
    this.more.hidden = !activities.pageInfo.hasNextPage;
    const shown = this.body.children.length;
    this.count.textContent = shown === 0 ? "No run matches." : `${shown} of ${activities.totalCount ?? "?"} runs`;
  }

  /** A run going on can be cancelled by an operator (cancelRun); the row then shows its record. */
  private cancelButton(run: RunDetail): HTMLElement | null {
    if (run.status !== "RUNNING" || !roleAtLeast("operator")) return null;
    const button = h("button", { type: "button", class: "small cancel", "aria-label": `Cancel the run of ${run.label} started ${new Date(run.startedAt).toLocaleString()}` }, "Cancel");
    const error = h("small", { class: "error", "aria-live": "assertive" });
    button.addEventListener("click", async () => {
      if (button.getAttribute("aria-disabled") === "true") return;
      button.setAttribute("aria-disabled", "true");
      button.textContent = "Cancelling…";
      try {
        await gql(CANCEL_RUN, { runId: run.runId });
        await this.load();
      } catch (e) {
        error.textContent = ` ${(e as Error).message}`;
        button.removeAttribute("aria-disabled");
        button.textContent = "Cancel";
      }
    });
    return h("span", { class: "cancel-box" }, " ", button, error);
  }

  private row(run: RunDetail, now: number): HTMLElement {
    const extra = [run.output ? block("Output", run.output, false) : null, run.error ? block("Error", run.error, true) : null];
    return h(
      "tr",
      { class: BAD_STATUSES.has(run.status) ? "bad" : "", "data-status": run.status, "data-run": run.runId },
      h("td", {}, statusBadge(run.status), run.trigger !== "SCHEDULE" ? h("small", { class: "muted" }, ` ${run.trigger.toLowerCase()}`) : null, this.cancelButton(run)),
      this.options.across ? h("td", {}, run.label) : null,
      h("td", {}, h("time", { datetime: run.startedAt, title: new Date(run.startedAt).toLocaleString() }, clockTime(run.startedAt, now))),
      h("td", { class: "num" }, duration(run.durationMs)),
      h("td", { class: "msg-cell" }, run.message || "", ...extra),
    );
  }
}
