/**
 * The live activity feed: newest run first, one fixed-height row per run
 * (long messages are cut with an ellipsis, full text in the title), at most
 * MAX_ITEMS kept. The list is an aria-live region, so a screen reader hears
 * each run as it lands; a full refresh is wrapped in aria-busy so it is not
 * read out item by item.
 */
import { h } from "./dom.ts";
import { BAD_STATUSES, clockTime, duration, statusWord } from "./format.ts";
import { statusBadge } from "./jobs-table.ts";
import type { RunSummary } from "./queries.ts";

export const MAX_ITEMS = 100;

function sortKey(run: RunSummary): string {
  return run.endedAt ?? run.startedAt;
}

export class Feed {
  private readonly items = new Map<string, { run: RunSummary; li: HTMLLIElement }>();

  constructor(
    private readonly list: HTMLOListElement,
    private readonly empty: HTMLElement,
    private readonly open: (label: string) => void,
  ) {}

  /**
   * Replace everything (first load, reconnect), newest first. Runs that came
   * through the stream after the query's snapshot (newer than its newest) stay.
   */
  setAll(runs: readonly RunSummary[], now: number): void {
    const newest = runs.reduce((max, run) => (sortKey(run) > max ? sortKey(run) : max), "");
    const later = [...this.items.values()].filter(({ run }) => sortKey(run) > newest).map(({ run }) => run);
    this.list.setAttribute("aria-busy", "true");
    this.list.replaceChildren();
    this.items.clear();
    for (const run of [...runs, ...later]) this.add(run, now, false);
    this.list.setAttribute("aria-busy", "false");
    this.updateEmpty();
  }

  /** One finished run; a run already shown (same runId) is updated in place. */
  add(run: RunSummary, now: number, fresh = true): void {
    const known = this.items.get(run.runId);
    const li = this.render(run, now, fresh);
    if (known) {
      known.li.replaceWith(li);
      this.items.set(run.runId, { run, li });
      return;
    }
    // Newest first by end time; a late event from a slow run slots in where it belongs.
    const key = sortKey(run);
    let before: Element | null = null;
    for (const child of this.list.children) {
      const other = this.items.get((child as HTMLElement).dataset.runId ?? "");
      if (other && sortKey(other.run) <= key) {
        before = child;
        break;
      }
    }
    this.list.insertBefore(li, before);
    this.items.set(run.runId, { run, li });
    while (this.list.children.length > MAX_ITEMS) {
      const last = this.list.lastElementChild as HTMLElement;
      this.items.delete(last.dataset.runId ?? "");
      last.remove();
    }
    this.updateEmpty();
  }

  private updateEmpty(): void {
    this.empty.hidden = this.items.size > 0;
  }

  private render(run: RunSummary, now: number, fresh: boolean): HTMLLIElement {
    const bad = BAD_STATUSES.has(run.status);
    const trigger = run.trigger === "SCHEDULE" ? "" : ` · ${run.trigger.toLowerCase()}${run.attempt > 1 ? ` #${run.attempt}` : ""}`;
    const label = h("button", { type: "button", class: "link", "aria-label": `${run.label}: details` }, run.label);
    label.addEventListener("click", () => this.open(run.label));
    return h(
      "li",
      { class: `item status-${statusWord(run.status)}${bad ? " bad" : ""}${fresh ? " fresh" : ""}`, "data-run-id": run.runId },
      h("span", { class: "item-head" }, statusBadge(run.status), label, h("time", { class: "meta", datetime: run.endedAt ?? run.startedAt }, clockTime(run.endedAt ?? run.startedAt, now))),
      h("span", { class: "item-line" }, h("span", { class: "item-msg", title: run.message }, run.message || (bad ? "(no message)" : "")), h("span", { class: "meta" }, `${duration(run.durationMs)}${trigger}`)),
    );
  }
}
