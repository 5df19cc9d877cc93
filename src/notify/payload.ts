/**
 * The alert payload — documented in the README ("Knowing when something is
 * wrong") and stable: fields are added, never renamed or removed — and how
 * each channel kind words it (Slack's text + blocks, an email's subject and body).
 */
import type { NotifyEvent } from "../config/notify.ts";
import type { RunRecord } from "../engine/types.ts";

export interface AlertPayload {
  /** One of NOTIFY_EVENTS. */
  readonly event: NotifyEvent;
  readonly label: string;
  /** The run's status when the alert was raised (`running` for slow). */
  readonly status: string;
  readonly message: string;
  /** ISO 8601 instants; endedAt is null while the run goes on (slow). */
  readonly scheduledFor: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** How long the run took, or has taken so far (slow). */
  readonly durationMs: number;
  readonly attempt: number;
  /** Runs in a row that went wrong, this one included (0 for recovered). */
  readonly consecutiveFailures: number;
  /** The tickd instance that recorded the run. */
  readonly instance: string;
  readonly runId: string;
  /** The run on the dashboard; present when tickd runs with --public-url. */
  readonly dashboardUrl?: string;
}

export function alertPayload(input: { event: NotifyEvent; run: RunRecord; consecutiveFailures: number; now: number; publicUrl?: string }): AlertPayload {
  const { run, event } = input;
  const end = run.endedAt ?? input.now;
  return {
    event,
    label: run.label,
    status: run.status,
    message: run.message,
    scheduledFor: new Date(run.scheduledFor).toISOString(),
    startedAt: new Date(run.startedAt).toISOString(),
    endedAt: run.endedAt === undefined ? null : new Date(run.endedAt).toISOString(),
    durationMs: Math.max(0, end - run.startedAt),
    attempt: run.attempt,
    consecutiveFailures: input.consecutiveFailures,
    instance: run.instance,
    runId: run.runId,
    ...(input.publicUrl !== undefined && { dashboardUrl: dashboardLink(input.publicUrl, run) }),
  };
}

/** The dashboard, opened on the job's panel (the page reads ?job=). */
function dashboardLink(publicUrl: string, run: RunRecord): string {
  const url = new URL(publicUrl);
  url.searchParams.set("job", run.label);
  url.searchParams.set("run", run.runId);
  return url.toString();
}

const HEADLINES: Readonly<Record<NotifyEvent, string>> = {
  failure: "failed",
  error: "raised an error",
  timeout: "timed out",
  abandoned: "was abandoned (tickd stopped while it ran)",
  missed: "missed its run",
  slow: "is still running",
  recovered: "recovered",
};

/** One line for a human: `tickd: "nightly backup" failed (3 in a row): disk full`. */
export function headline(p: AlertPayload): string {
  const streak = p.consecutiveFailures > 1 && p.event !== "recovered" ? ` (${p.consecutiveFailures} in a row)` : "";
  const slow = p.event === "slow" ? ` after ${Math.round(p.durationMs / 1000)} s` : "";
  return `tickd: "${p.label}" ${HEADLINES[p.event]}${slow}${streak}${p.message !== "" ? `: ${p.message}` : ""}`;
}

/** What a Slack (or Slack-compatible) incoming webhook receives. */
export function slackMessage(p: AlertPayload): { text: string; blocks: unknown[] } {
  const text = headline(p);
  const fields = [
    `*Status*\n${p.status}`,
    `*Scheduled for*\n${p.scheduledFor}`,
    `*Attempt*\n${p.attempt}`,
    `*Instance*\n${p.instance}`,
  ].map((t) => ({ type: "mrkdwn", text: t }));
  const blocks: unknown[] = [
    { type: "section", text: { type: "mrkdwn", text: p.dashboardUrl ? `${text}\n<${p.dashboardUrl}|Open in tickd>` : text } },
    { type: "section", fields },
  ];
  return { text, blocks };
}

/** An email's subject and plain-text body. */
export function emailMessage(p: AlertPayload): { subject: string; text: string } {
  const lines = [headline(p), "", ...Object.entries(p).map(([k, v]) => `${k}: ${v === null ? "" : String(v)}`)];
  return { subject: headline(p).slice(0, 200), text: `${lines.join("\n")}\n` };
}
