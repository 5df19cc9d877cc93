/**
 * Alerts on the page: the banner that says a notification channel is failing
 * (from notificationChannels, refreshed every CHANNELS_EVERY_MS), and the
 * job panel's alert history (Job.alerts). Channel addresses arrive redacted.
 */
import { gql } from "./api.ts";
import { byId, h } from "./dom.ts";
import { clockTime } from "./format.ts";
import { CHANNELS, type AlertRow, type ChannelsData } from "./queries.ts";

export const CHANNELS_EVERY_MS = 15_000;

/** Show or hide the failing-channels banner; errors leave it as it was. */
export async function showChannels(): Promise<void> {
  try {
    const { notificationChannels } = await gql<ChannelsData>(CHANNELS);
    const failing = notificationChannels.filter((c) => c.failing);
    byId("channels").hidden = failing.length === 0;
    byId("channels-list").replaceChildren(
      ...failing.map((c) => h("li", {}, h("code", {}, c.channel), ` — ${c.failuresInRow} failed attempt(s) in a row: ${c.lastError}`, c.gaveUp > 0 ? ` (${c.gaveUp} alert(s) given up)` : "")),
    );
  } catch {
    // The connection banner already says when the API is gone.
  }
}

/** The job panel's "Alerts" section. */
export function alertsSection(alerts: readonly AlertRow[], now: number): (HTMLElement | null)[] {
  if (alerts.length === 0) return [h("h3", {}, "Alerts"), h("p", { class: "muted" }, "No alerts raised.")];
  return [
    h("h3", {}, "Alerts"),
    h(
      "div",
      { class: "table-scroll" },
      h(
        "table",
        { class: "alerts" },
        h("thead", {}, h("tr", {}, ...["Event", "Raised", "Channel", "Delivery"].map((t) => h("th", { scope: "col" }, t)))),
        h(
          "tbody",
          {},
          ...alerts.map((a) =>
            h(
              "tr",
              { class: a.state === "failed" ? "bad" : "" },
              h("td", {}, a.event),
              h("td", {}, h("time", { datetime: a.createdAt, title: new Date(a.createdAt).toLocaleString() }, clockTime(a.createdAt, now))),
              h("td", {}, h("code", {}, a.channel)),
              h("td", {}, `${a.state.toLowerCase()} (${a.attempts} attempt${a.attempts === 1 ? "" : "s"})`, a.lastError ? h("small", { class: "muted" }, ` ${a.lastError}`) : null),
            ),
          ),
        ),
      ),
    ),
  ];
}
