/**
 * Instances, their leases, dead processes and takeover.
 *
 * Each instance that opens the store writes (name, hostname, pid) to
 * `instances` and refreshes its `heartbeat` every HEARTBEAT_EVERY_MS while it
 * runs. The heartbeat is the lease on everything the instance claimed: it
 * holds for LEASE_MS after the heartbeat as stored, and the instance itself
 * starts nothing once its lease has run out by its own clock until it has
 * renewed it (StoreLease) — so an instance stopped or suspended past its lease
 * finds, when it wakes, that what it held may have been taken, and asks the
 * store before starting anything.
 *
 * An instance is dead when it ran on this host and its pid no longer exists,
 * or when its heartbeat is older than STALE_AFTER_MS (its lease plus a margin
 * for clocks that differ a little between hosts) — a stopped process on this
 * host included. The first live instance to see it so (every heartbeat) takes
 * it over in one transaction, only if its heartbeat is still the one read
 * (a renewal that came first wins):
 * - its runs left `running` are recorded `abandoned` (they may have started:
 *   the row was written before the start, and nobody can know whether the
 *   callback began);
 * - its claims without a run (occurrences it claimed ahead, never started)
 *   are dropped and handed back (AbandonReport.takenOver): those whose time
 *   has come are run by the instance that took them over, the others are
 *   claimed by whoever meets them;
 * - its row is deleted. Every claim and claimed row of an instance is written
 *   only while its row exists (write-statements.ts), so what it writes after
 *   being taken over is refused: it learns at its next heartbeat, and
 *   registers again as a new life.
 * Takeover bound: an occurrence claimed by an instance that died is run by
 * another within TAKEOVER_BOUND_MS of the dead instance's last heartbeat.
 */
import type { Client, InStatement, Row } from "@libsql/client";
import type { RunRecord, Trigger } from "../engine/types.ts";
import { STATUS } from "../sdk/index.ts";

/** How often a running service refreshes its instance row (its lease). */
export const HEARTBEAT_EVERY_MS = 5_000;
/** What an instance claimed is its own this long after its last heartbeat: two heartbeats. */
export const LEASE_MS = 2 * HEARTBEAT_EVERY_MS;
/** Clocks of different hosts may differ this much (NTP keeps them far closer). */
export const CLOCK_MARGIN_MS = 1_000;
/** An instance silent this long is taken as dead, and what it holds is taken over. */
export const STALE_AFTER_MS = LEASE_MS + CLOCK_MARGIN_MS;
/** The longest from a dead instance's last heartbeat to its claimed occurrences being run by another: stale, then seen at the next heartbeat. */
export const TAKEOVER_BOUND_MS = STALE_AFTER_MS + HEARTBEAT_EVERY_MS;

export interface InstanceLife {
  readonly name: string;
  readonly hostname: string;
  readonly pid: number;
  /** The row this name had before we opened, if any: an earlier life, or another live process using the same name. */
  readonly previous: { readonly hostname: string; readonly pid: number } | null;
}

/** An occurrence a dead instance (or this name's earlier life) claimed and never started: its claim dropped by the takeover. */
export interface TakenOver {
  readonly label: string;
  readonly scheduledFor: number;
  /** The instance that had claimed it. */
  readonly instance: string;
}

export interface AbandonReport {
  /** Activity rows turned from running to abandoned. */
  readonly abandoned: number;
  /** Claims of dead instances that never ran, dropped so the occurrence can be claimed again (as `takenOver`). */
  readonly claimsDropped: number;
  /** Instance names judged dead (and taken over by this instance). */
  readonly deadInstances: readonly string[];
  /** The runs turned abandoned, as recorded now (oldest start first): the service tells the engine's listeners, so they ping and alert. */
  readonly runs: readonly RunRecord[];
  /** The occurrences whose claims were dropped: the engine runs those whose time has come (Engine.takeOver). */
  readonly takenOver: readonly TakenOver[];
  /** Other instances on the store whose lease holds: while there are any, the engine claims occurrences ahead. */
  readonly others: number;
}

/** What an abandoning UPDATE returns of each row: enough to tell listeners of the run. */
const ABANDONED_COLUMNS = " RETURNING run_id, label, scheduled_for, started_at, ended_at, message, attempt, trigger, instance";

function abandonedRun(row: Row): RunRecord {
  return {
    runId: String(row.run_id),
    label: String(row.label),
    scheduledFor: Number(row.scheduled_for),
    startedAt: Number(row.started_at),
    endedAt: Number(row.ended_at),
    status: STATUS.abandoned,
    message: String(row.message),
    output: "",
    error: "",
    attempt: Number(row.attempt),
    trigger: String(row.trigger) as Trigger,
    instance: String(row.instance),
  };
}

export async function registerInstance(client: Client, name: string, hostname: string, pid: number, now: number): Promise<InstanceLife> {
  const [previousRs] = await client.batch([{ sql: "SELECT hostname, pid FROM instances WHERE name = ?", args: [name] }, registration(name, hostname, pid, now)], "write");
  const row = previousRs?.rows[0];
  return { name, hostname, pid, previous: row ? { hostname: String(row.hostname), pid: Number(row.pid) } : null };
}

function registration(name: string, hostname: string, pid: number, now: number): InStatement {
  return {
    sql:
      "INSERT INTO instances (name, hostname, pid, started_at, heartbeat) VALUES (?, ?, ?, ?, ?)" +
      " ON CONFLICT(name) DO UPDATE SET hostname = excluded.hostname, pid = excluded.pid, started_at = excluded.started_at, heartbeat = excluded.heartbeat",
    args: [name, hostname, pid, now, now],
  };
}

/** True while a process with this pid exists (EPERM: it exists, owned by someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** `host:pid` as the engine names instances by default; null for a custom name. */
export function parseInstanceName(name: string): { hostname: string; pid: number } | null {
  const m = /^(.*):(\d+)$/.exec(name);
  return m ? { hostname: m[1]!, pid: Number(m[2]) } : null;
}

const abandonMessage = (name: string) =>
  `the instance running this job stopped before recording how it ended (instance ${name} is gone): the callback may have run in part, in full or not at all`;

/** A dead instance's claims without a run, dropped and returned (only once `gone` holds). */
function dropUnstarted(name: string, gone: string, goneArgs: (string | number)[]): InStatement {
  return {
    sql:
      `DELETE FROM claims WHERE instance = ?${gone}` +
      " AND NOT EXISTS (SELECT 1 FROM activity a WHERE a.label = claims.label AND a.scheduled_for = claims.scheduled_for) RETURNING label, scheduled_for, instance",
    args: [name, ...goneArgs],
  };
}

export async function abandonDeadRuns(
  client: Client,
  ctx: {
    now: number;
    self: InstanceLife;
    live: ReadonlySet<string>;
    hostname: string;
    /** Called before the engine starts: this name's earlier life is taken over too. */
    atStart: boolean;
    /**
     * Since when this instance has reached the store without a gap. After an
     * outage every instance's heartbeat is old, so another's counts as stale
     * only once it has had STALE_AFTER_MS from then to beat again.
     */
    inTouchSince: number;
  },
): Promise<AbandonReport> {
  const known = await client.execute({ sql: "SELECT name, hostname, pid, heartbeat FROM instances WHERE name <> ?", args: [ctx.self.name] });
  // At start, also runs left running under names without a row: processes of
  // this host whose row an older tickd deleted without recording their runs.
  // (Since, a row goes only with its runs, in one transaction.)
  const unlisted = ctx.atStart
    ? await client.execute({
        sql: "SELECT DISTINCT instance AS name FROM activity WHERE status = 'running' AND instance <> ? AND instance NOT IN (SELECT name FROM instances)",
        args: [ctx.self.name],
      })
    : { rows: [] };
  const dead: Array<{ name: string; heartbeat: number | null }> = [];
  let others = 0;
  for (const row of known.rows) {
    const heartbeat = Number(row.heartbeat);
    // Gone from this host (a crash, or a `tickd discover` that ended): its row goes, with anything it held.
    const gone = String(row.hostname) === ctx.hostname && !pidAlive(Number(row.pid));
    if (gone || ctx.now - Math.max(heartbeat, ctx.inTouchSince) > STALE_AFTER_MS) dead.push({ name: String(row.name), heartbeat });
    else others++;
  }
  for (const row of unlisted.rows) {
    const where = parseInstanceName(String(row.name));
    if (where && where.hostname === ctx.hostname && !pidAlive(where.pid)) dead.push({ name: String(row.name), heartbeat: null });
  }

  // Our own name: rows this process did not start belong to an earlier life,
  // unless another process on this host still runs under the same name.
  const prev = ctx.self.previous;
  const sharedWithLiveProcess = prev !== null && prev.pid !== ctx.self.pid && prev.hostname === ctx.hostname && pidAlive(prev.pid);

  const statements: InStatement[] = [];
  /** Index of each abandoning UPDATE and each claim-dropping DELETE in `statements`. */
  const abandoning: number[] = [];
  const dropping: number[] = [];
  /** Index of each dead instance's row DELETE (-1: it had no row). */
  const deleting: number[] = [];
  for (const d of dead) {
    // Taken over only if its heartbeat is still the one read: a renewal that
    // came first keeps it alive, and every statement below then does nothing.
    const gone = " AND NOT EXISTS (SELECT 1 FROM instances WHERE name = ?)";
    deleting.push(d.heartbeat === null ? -1 : statements.length);
    if (d.heartbeat !== null) statements.push({ sql: "DELETE FROM instances WHERE name = ? AND heartbeat = ?", args: [d.name, d.heartbeat] });
    abandoning.push(statements.length);
    statements.push({
      sql: `UPDATE activity SET status = 'abandoned', ended_at = ?, message = ? WHERE status = 'running' AND instance = ?${gone}${ABANDONED_COLUMNS}`,
      args: [ctx.now, abandonMessage(d.name), d.name, d.name],
    });
    dropping.push(statements.length);
    statements.push(dropUnstarted(d.name, gone, [d.name]));
  }
  if (!sharedWithLiveProcess) {
    const live = JSON.stringify([...ctx.live]);
    const stray = "status = 'running' AND instance = ? AND run_id NOT IN (SELECT value FROM json_each(?))";
    // Past the start such rows are rare: a read finds whether there is one, so
    // that a heartbeat's look (every 5 s) is no write transaction when there is not.
    const look = ctx.atStart || statements.length > 0 ? null : await client.execute({ sql: `SELECT 1 FROM activity WHERE ${stray} LIMIT 1`, args: [ctx.self.name, live] });
    if (look === null || look.rows.length > 0) {
      abandoning.push(statements.length);
      statements.push({
        sql: `UPDATE activity SET status = 'abandoned', ended_at = ?, message = ? WHERE ${stray}${ABANDONED_COLUMNS}`,
        args: [ctx.now, abandonMessage(ctx.self.name), ctx.self.name, live],
      });
    }
    // At start, what the earlier life claimed ahead and never started is taken over by this one.
    if (ctx.atStart && prev !== null) {
      dropping.push(statements.length);
      statements.push(dropUnstarted(ctx.self.name, "", []));
    }
  }
  const results = statements.length === 0 ? [] : await client.batch(statements, "write");
  const runs: RunRecord[] = [];
  const takenOver: TakenOver[] = [];
  // With RETURNING, libSQL reports no rowsAffected: the rows returned are the count.
  for (const i of abandoning) for (const row of results[i]!.rows) runs.push(abandonedRun(row));
  for (const i of dropping) {
    for (const row of results[i]!.rows) takenOver.push({ label: String(row.label), scheduledFor: Number(row.scheduled_for), instance: String(row.instance) });
  }
  runs.sort((a, b) => a.startedAt - b.startedAt);
  takenOver.sort((a, b) => a.scheduledFor - b.scheduledFor);
  return {
    abandoned: runs.length,
    claimsDropped: takenOver.length,
    // Those this instance took over: another's renewal, or another taker, may have come first.
    deadInstances: dead.filter((_, n) => deleting[n] === -1 || results[deleting[n]!]!.rowsAffected > 0).map((d) => d.name),
    runs,
    takenOver,
    others,
  };
}

/**
 * Refresh this process's heartbeat, which renews its lease. False when its
 * row was gone — another instance took it for dead (it was stopped or cut
 * off past its lease) and took over what it held — and it registered again.
 */
export async function beat(client: Client, life: InstanceLife, now: number): Promise<boolean> {
  const rs = await client.execute({ sql: "UPDATE instances SET heartbeat = ? WHERE name = ? AND hostname = ? AND pid = ?", args: [now, life.name, life.hostname, life.pid] });
  if (rs.rowsAffected > 0) return true;
  await client.execute(registration(life.name, life.hostname, life.pid, now));
  return false;
}

/**
 * On a clean close: forget this process's row (only if it is still ours), and
 * give back the claims it took ahead for occurrences still to come, for the
 * instances that meet them.
 */
export async function unregisterInstance(client: Client, life: InstanceLife, now: number): Promise<void> {
  await client.batch(
    [
      {
        sql: "DELETE FROM claims WHERE instance = ? AND scheduled_for > ? AND NOT EXISTS (SELECT 1 FROM activity a WHERE a.label = claims.label AND a.scheduled_for = claims.scheduled_for)",
        args: [life.name, now],
      },
      { sql: "DELETE FROM instances WHERE name = ? AND hostname = ? AND pid = ?", args: [life.name, life.hostname, life.pid] },
    ],
    "write",
  );
}
