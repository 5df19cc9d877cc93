/**
 * Operator changes made on one instance reach the others (PostgreSQL).
 *
 * Every statement that changes the jobs table notifies channel `tickd_jobs`
 * (a trigger, migrations/pg/0001_jobs_notify.sql) — an operator's switch or
 * pause, a schedule edit, discovery, also from `tickd discover` or a job file
 * reloaded elsewhere. Each instance LISTENs and re-reads the catalog: a change
 * is live everywhere within a round trip. LISTEN/NOTIFY rather than polling
 * alone because a pause should stop the job on every server before its next
 * occurrence, and a 1-second poll on every instance would cost a query a
 * second for a change made a few times a day.
 *
 * A notification sent while this instance's listening connection is down is
 * lost, so the watch also compares a fingerprint of the table (rows, latest
 * updated_at) every JOBS_POLL_MS and on every (re)connection of the listener:
 * the bound is then JOBS_POLL_MS. The listener is called on any change, its
 * own included; re-reading the catalog finds nothing to do then.
 */
import { repeat, type Clock } from "../clock.ts";
import type { PgClient } from "./pg-client.ts";

export const JOBS_CHANNEL = "tickd_jobs";
/** The fallback: how often the jobs table's fingerprint is compared. */
export const JOBS_POLL_MS = 5_000;

export function watchJobs(client: PgClient, clock: Clock, listener: () => void, log: (line: string) => void): () => void {
  let stopped = false;
  let last: string | null = null;
  const changed = () => {
    if (!stopped) listener();
  };
  const poll = async () => {
    try {
      const rs = await client.execute("SELECT COUNT(*) AS n, COALESCE(MAX(updated_at), 0) AS at FROM jobs");
      const print = `${rs.rows[0]?.n}:${rs.rows[0]?.at}`;
      if (last !== null && print !== last) changed();
      last = print;
    } catch {
      // the store is unreachable: its writes report that; the next poll tries again
    }
  };
  const listening = client.sql.listen(JOBS_CHANNEL, changed, () => void poll());
  listening.catch((error: Error) => log(`tickd store: cannot listen for job changes (${error.message}); polling every ${JOBS_POLL_MS / 1000} s`));
  const stopPolling = repeat(clock, JOBS_POLL_MS, () => void poll());
  return () => {
    stopped = true;
    stopPolling();
    void listening.then((l) => l.unlisten()).catch(() => {});
  };
}
