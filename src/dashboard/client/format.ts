/**
 * Pure formatting for the page: countdowns, durations, times. No DOM, no
 * clock reads: `now` is always passed in, so the rules are easy to test.
 */

/** "in 8s", "in 4m 12s", "in 3h 2m", "in 2d 4h"; "due now" once passed. */
export function countdown(target: number, now: number): string {
  const ms = target - now;
  if (ms <= 0) return "due now";
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `in ${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `in ${m}m ${String(s % 60).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `in ${h}h ${String(m % 60).padStart(2, "0")}m`;
  const d = Math.floor(h / 24);
  return `in ${d}d ${h % 24}h`;
}

/** 850 -> "850 ms", 12_300 -> "12.3 s", 125_000 -> "2m 05s". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

/** "12:40:01" today, "28 Nov 12:40" otherwise, in the browser's zone. */
export function clockTime(iso: string | null | undefined, now: number): string {
  if (!iso) return "—";
  const at = new Date(iso);
  const today = new Date(now);
  const sameDay = at.toDateString() === today.toDateString();
  return sameDay
    ? at.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false })
    : at.toLocaleString(undefined, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false });
}

/** "5s ago", "3m ago", "2h ago", "4d ago". */
export function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return "";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** Statuses that should catch the eye. */
export const BAD_STATUSES: ReadonlySet<string> = new Set(["FAILURE", "ERROR", "TIMEOUT", "ABANDONED", "MISSED"]);

/** SUCCESS -> "success": the words the SDK and the CLI use. */
export function statusWord(status: string): string {
  return status.toLowerCase();
}
