/**
 * The vocabulary of notifications, once: which events a job can alert on
 * (`notify_on`), which channel addresses `notify`, `--notify` and `--smtp`
 * accept, and how an address is shown where secrets must not appear (API,
 * dashboard, logs, metrics). Pure: no I/O. Delivery lives in src/notify/.
 */

/** What an alert is about; `notify_on` picks among them (the default is all). */
export const NOTIFY_EVENTS = ["failure", "error", "timeout", "abandoned", "missed", "slow", "recovered"] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** The events that belong to a failure streak (a run that ended one of these ways). */
export const STREAK_EVENTS: readonly NotifyEvent[] = ["failure", "error", "timeout", "abandoned", "missed"];

/**
 * A channel: where an alert goes.
 * - `webhook`: http(s) URL, gets the JSON payload as a POST.
 * - `slack`: a Slack incoming webhook (host hooks.slack.com), or any
 *   Slack-compatible one written `slack+https://…` (Mattermost, Rocket.Chat,
 *   Discord's /slack endpoint): gets `text` + `blocks`, POSTed to the URL without `slack+`.
 * - `email`: `mailto:a@example.com[;b@example.com]`, sent through --smtp.
 * - `exec`: `exec:/path/to/script [args]`, run through /bin/sh with the payload as JSON on stdin.
 */
export type ChannelKind = "webhook" | "slack" | "email" | "exec";

export interface Channel {
  readonly kind: ChannelKind;
  /** As written (secrets included): the outbox stores it, nothing shows it. */
  readonly address: string;
  /** Where it is sent: the URL without `slack+`, the recipients, the command. */
  readonly target: string;
}

export type ChannelParse = { ok: true; channel: Channel } | { ok: false; message: string };

const CHANNEL_HINT = "write an http(s):// URL, slack+https://… for a Slack-compatible webhook, mailto:ops@example.com or exec:/path/to/script";

/** One channel address, or what is wrong with it. */
export function parseChannel(text: string): ChannelParse {
  const address = text.trim();
  const lower = address.toLowerCase();
  if (lower.startsWith("mailto:")) {
    const to = address.slice(7).split(/[;]/).map((a) => a.trim());
    if (to.length === 0 || to.some((a) => !/^[^@\s,;]+@[^@\s,;]+$/.test(a))) {
      return { ok: false, message: `${JSON.stringify(address)} is not mailto:ADDRESS (several: mailto:a@example.com;b@example.com)` };
    }
    return { ok: true, channel: { kind: "email", address, target: to.join(", ") } };
  }
  if (lower.startsWith("exec:")) {
    const command = address.slice(5).trim();
    if (command === "") return { ok: false, message: `${JSON.stringify(address)} names no command; write exec:/path/to/script` };
    return { ok: true, channel: { kind: "exec", address, target: command } };
  }
  const slack = lower.startsWith("slack+");
  const url = slack ? address.slice(6) : address;
  if (/^https?:\/\//i.test(url) && URL.canParse(url)) {
    const kind: ChannelKind = slack || new URL(url).hostname.toLowerCase() === "hooks.slack.com" ? "slack" : "webhook";
    return { ok: true, channel: { kind, address, target: url } };
  }
  return { ok: false, message: `${JSON.stringify(address)} is not a notification channel; ${CHANNEL_HINT}` };
}

/**
 * A `notify` value: channels separated by commas (a comma starts a new
 * channel only before a scheme, so a URL's own commas stay), or `none`: no
 * alerts, not even to the instance's --notify.
 */
export function parseChannels(text: string): { ok: true; channels: Channel[] } | { ok: false; message: string } {
  if (text.trim().toLowerCase() === "none") return { ok: true, channels: [] };
  const parts = text.split(/,\s*(?=(?:slack\+)?[a-z][a-z0-9+.-]*:)/i).filter((p) => p.trim() !== "");
  if (parts.length === 0) return { ok: false, message: `no channel given; ${CHANNEL_HINT}, or none` };
  const channels: Channel[] = [];
  for (const part of parts) {
    const parsed = parseChannel(part);
    if (!parsed.ok) return parsed;
    channels.push(parsed.channel);
  }
  return { ok: true, channels };
}

/** A `notify_on` value: `all`, or some of NOTIFY_EVENTS. */
export function parseEvents(text: string): { ok: true; events: NotifyEvent[] } | { ok: false; message: string } {
  const words = text.split(/[\s,]+/).map((w) => w.trim().toLowerCase()).filter((w) => w !== "");
  if (words.length === 1 && words[0] === "all") return { ok: true, events: [...NOTIFY_EVENTS] };
  const wrong = words.filter((w) => !(NOTIFY_EVENTS as readonly string[]).includes(w));
  if (words.length === 0 || wrong.length > 0) {
    return { ok: false, message: `${JSON.stringify(wrong[0] ?? text)} is not an event; write all, or some of ${NOTIFY_EVENTS.join(", ")}` };
  }
  return { ok: true, events: NOTIFY_EVENTS.filter((e) => words.includes(e)) };
}

/**
 * An address with its secrets replaced by `***`: a URL keeps its scheme,
 * host and first path segment (`https://hooks.slack.com/services/***`),
 * loses its password, user and query; an exec channel keeps its command
 * and hides its arguments; an email address is shown whole.
 */
export function redactAddress(address: string): string {
  const lower = address.toLowerCase();
  if (lower.startsWith("mailto:")) return address;
  if (lower.startsWith("exec:")) {
    const [command, ...args] = address.slice(5).trim().split(/\s+/);
    return `exec:${command}${args.length > 0 ? " ***" : ""}`;
  }
  const prefix = lower.startsWith("slack+") ? address.slice(0, 6) : "";
  const rest = address.slice(prefix.length);
  if (!URL.canParse(rest)) return `${prefix}${rest.split(":")[0] ?? ""}:***`;
  const url = new URL(rest);
  const segments = url.pathname.split("/").filter((s) => s !== "");
  const path = segments.length === 0 ? "" : segments.length === 1 ? "/***" : `/${segments[0]}/***`;
  const user = url.username !== "" || url.password !== "" ? "***@" : "";
  const query = url.search !== "" ? "?***" : "";
  return `${prefix}${url.protocol}//${user}${url.host}${path}${query}`;
}
