/**
 * Dead man's switches, in the Healthchecks.io convention (Cronitor and Uptime
 * Kuma accept it too): a job's `ping = URL` gets GET URL/start when a run
 * starts, URL when it succeeds, URL/fail when it ends failure, error,
 * timeout or abandoned (a run whose instance died: the next start, or
 * another instance on the store, records it and tells it as an event);
 * skipped and missed runs ping nothing (the monitor notices the silence
 * itself). An attempt that is retried pings no /fail: its retry's /start
 * and end follow, and the occurrence's outcome is the retry's (as alerts
 * and tickd_job_consecutive_failures count it). An instance's `--ping URL` gets GET URL every
 * `--ping-every` while its scheduler loop is healthy, so a monitor outside
 * the machine hears when tickd itself is gone.
 *
 * Pings follow the engine's events, after a run has started or ended, never
 * on the path that starts callbacks. A job's pings go out one after another,
 * in the order of its events (a fast run's end waits for its start's ping).
 * A ping that fails is logged with its address redacted and changes nothing
 * of the run.
 */
import { repeat, type Clock } from "../clock.ts";
import type { EngineEvent, RunRecord } from "../engine/types.ts";
import type { Status } from "../sdk/index.ts";
import { redactUrl } from "./redact.ts";

/** A ping that has not answered by then is given up (and logged). */
export const PING_TIMEOUT_MS = 10_000;

/** The statuses that ping URL/fail; success pings URL; any other ends silently. */
const FAIL_STATUSES: ReadonlySet<Status> = new Set<Status>(["failure", "error", "timeout", "abandoned"]);

export interface PingLog {
  warn(event: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** The address an event pings for a job whose ping address is `base`; null when it pings nothing. */
export function pingFor(base: string, event: EngineEvent): string | null {
  if (event.type === "run.started") return `${base}/start`;
  if (event.type !== "run.finished") return null;
  if (event.run.status === "success") return base;
  return FAIL_STATUSES.has(event.run.status) && event.retrying !== true ? `${base}/fail` : null;
}

/** One GET; resolves either way (a failure is logged). */
async function ping(url: string, log: PingLog, fields: Readonly<Record<string, unknown>>): Promise<void> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PING_TIMEOUT_MS) });
    // Drained so the connection is reused; the body says nothing tickd needs.
    await response.arrayBuffer();
    if (!response.ok) log.warn("ping.failed", { ...fields, url: redactUrl(url), message: `HTTP ${response.status}` });
  } catch (error) {
    log.warn("ping.failed", { ...fields, url: redactUrl(url), message: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * The engine-event listener that pings jobs' addresses. `pingOf` answers a
 * job's ping address (its spec's `ping`), read at the run's start so its end
 * goes to the same address even if the job changed meanwhile.
 */
export function jobPinger(pingOf: (label: string) => string | undefined, log: PingLog): { listener: (event: EngineEvent) => void; idle: () => Promise<void> } {
  /** Per job: the last ping queued, so the next waits for it. */
  const queues = new Map<string, Promise<void>>();
  /** Per running run: the address its start pinged. */
  const addresses = new Map<string, string>();
  const send = (run: RunRecord, url: string) => {
    const before = queues.get(run.label) ?? Promise.resolve();
    const sent = before.then(() => ping(url, log, { label: run.label, runId: run.runId }));
    queues.set(run.label, sent);
    void sent.then(() => {
      if (queues.get(run.label) === sent) queues.delete(run.label);
    });
  };
  const listener = (event: EngineEvent) => {
    if (event.type === "job.changed") return;
    const run = event.run;
    const base = event.type === "run.started" ? pingOf(run.label) : (addresses.get(run.runId) ?? pingOf(run.label));
    if (event.type === "run.started" && base !== undefined) addresses.set(run.runId, base);
    if (event.type === "run.finished") addresses.delete(run.runId);
    if (base === undefined) return;
    const url = pingFor(base, event);
    if (url !== null) send(run, url);
  };
  return { listener, idle: async () => void (await Promise.all([...queues.values()])) };
}

/**
 * The instance's heartbeat: GET `url` now and every `everyMs` while
 * `healthy()` says so (the store takes writes). Returns the stop function.
 */
export function instanceHeartbeat(options: { url: string; everyMs: number; clock: Clock; healthy: () => { ok: boolean; reason?: string }; log: PingLog }): () => void {
  const { url, log } = options;
  let going: Promise<void> | null = null;
  const beat = () => {
    // One at a time: a ping still waiting for a slow monitor is not stacked on.
    if (going) return;
    const health = options.healthy();
    if (!health.ok) {
      log.warn("ping.withheld", { url: redactUrl(url), message: `the scheduler is not healthy (${health.reason ?? "the store does not take writes"}); no heartbeat` });
      return;
    }
    going = ping(url, log, { instance: true }).finally(() => (going = null));
  };
  beat();
  return repeat(options.clock, options.everyMs, beat);
}
