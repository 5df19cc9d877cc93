/**
 * Instances, dead processes and retention.
 *
 * Each instance that opens the store writes (name, hostname, pid) to
 * `instances` and refreshes its `heartbeat` every HEARTBEAT_EVERY_MS while it
 * runs. A run left `running` belongs to a dead process when its instance ran
 * on this host and that pid no longer exists, or, on another host (several
 * instances sharing one libSQL server), when its heartbeat is older than
 * STALE_AFTER_MS.
 */
import type { Client, Row } from "@libsql/client";
import type { RunRecord, Trigger } from "../engine/types.ts";
import { STATUS } from "../sdk/index.ts";

/** How often a running service refreshes its instance row. */
export const HEARTBEAT_EVERY_MS = 30_000;
/** An instance of another host silent this long is taken as dead (four missed beats). */
export const STALE_AFTER_MS = 4 * HEARTBEAT_EVERY_MS;

export interface InstanceLife {
  readonly name: string;
  readonly hostname: string;
  readonly pid: number;
  /** The row this name had before we opened, if any: an earlier life, or another live process using the same name. */
  readonly previous: { readonly hostname: string; readonly pid: number } | null;
}

export interface AbandonReport {
  /** Activity rows turned from running to abandoned. */
  readonly abandoned: number;
  /** Claims of dead instances that never ran, dropped so the occurrence can be claimed again. */
  readonly claimsDropped: number;
  /** Instance names judged dead. */
  readonly deadInstances: readonly string[];
  /** The runs turned abandoned, as recorded now (oldest start first): the service tells the engine's listeners, so they ping and alert. */
  readonly runs: readonly RunRecord[];
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
  const [previousRs] = await client.batch(
    [
      { sql: "SELECT hostname, pid FROM instances WHERE name = ?", args: [name] },
      {
        sql:
          "INSERT INTO instances (name, hostname, pid, started_at, heartbeat) VALUES (?, ?, ?, ?, ?)" +
          " ON CONFLICT(name) DO UPDATE SET hostname = excluded.hostname, pid = excluded.pid, started_at = excluded.started_at, heartbeat = excluded.heartbeat",
        args: [name, hostname, pid, now, now],
      },
    ],
    "write",
  );
  const row = previousRs?.rows[0];
  return { name, hostname, pid, previous: row ? { hostname: String(row.hostname), pid: Number(row.pid) } : null };
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

export async function abandonDeadRuns(
  client: Client,
  ctx: { now: number; self: InstanceLife; live: ReadonlySet<string>; hostname: string },
): Promise<AbandonReport> {
  const candidates = await client.execute(
    "SELECT DISTINCT a.instance AS name, i.hostname AS hostname, i.pid AS pid, i.heartbeat AS heartbeat FROM activity a LEFT JOIN instances i ON i.name = a.instance WHERE a.status = 'running'" +
      " UNION SELECT DISTINCT c.instance, i.hostname, i.pid, i.heartbeat FROM claims c LEFT JOIN instances i ON i.name = c.instance" +
      " WHERE NOT EXISTS (SELECT 1 FROM activity a WHERE a.label = c.label AND a.scheduled_for = c.scheduled_for)",
  );
  const dead: string[] = [];
  for (const row of candidates.rows) {
    const name = String(row.name);
    if (name === ctx.self.name) continue; // handled below: its rows are an earlier life of this name
    const where = row.hostname === null ? parseInstanceName(name) : { hostname: String(row.hostname), pid: Number(row.pid) };
    if (where && where.hostname === ctx.hostname) {
      if (!pidAlive(where.pid)) dead.push(name);
    } else if (row.heartbeat !== null && ctx.now - Number(row.heartbeat) > STALE_AFTER_MS) {
      dead.push(name); // another host's instance that stopped beating
    }
  }
  // Our own name: rows this process did not start belong to an earlier life,
  // unless another process on this host still runs under the same name.
  const prev = ctx.self.previous;
  const sharedWithLiveProcess = prev !== null && prev.pid !== ctx.self.pid && prev.hostname === ctx.hostname && pidAlive(prev.pid);
  const message = (name: string) =>
    `the instance running this job stopped before recording how it ended (instance ${name} is gone): the callback may have run in part, in full or not at all`;

  const statements: { sql: string; args: (string | number)[] }[] = [];
  for (const name of dead) {
    statements.push({
      sql: "UPDATE activity SET status = 'abandoned', ended_at = ?, message = ? WHERE status = 'running' AND instance = ?" + ABANDONED_COLUMNS,
      args: [ctx.now, message(name), name],
    });
  }
  if (!sharedWithLiveProcess) {
    const live = JSON.stringify([...ctx.live]);
    statements.push({
      sql: "UPDATE activity SET status = 'abandoned', ended_at = ?, message = ? WHERE status = 'running' AND instance = ? AND run_id NOT IN (SELECT value FROM json_each(?))" + ABANDONED_COLUMNS,
      args: [ctx.now, message(ctx.self.name), ctx.self.name, live],
    });
  }
  const abandonCount = statements.length;
  for (const name of dead) {
    statements.push({
      sql: "DELETE FROM claims WHERE instance = ? AND NOT EXISTS (SELECT 1 FROM activity a WHERE a.label = claims.label AND a.scheduled_for = claims.scheduled_for)",
      args: [name],
    });
    statements.push({ sql: "DELETE FROM instances WHERE name = ?", args: [name] });
  }
  // Tidy up: other processes of this host that are gone and left nothing behind
  // (e.g. `tickd discover` runs) no longer need their instances row.
  const local = await client.execute({ sql: "SELECT name, pid FROM instances WHERE hostname = ? AND name <> ?", args: [ctx.hostname, ctx.self.name] });
  for (const row of local.rows) {
    const name = String(row.name);
    if (!dead.includes(name) && !pidAlive(Number(row.pid))) statements.push({ sql: "DELETE FROM instances WHERE name = ? AND pid = ?", args: [name, Number(row.pid)] });
  }
  if (statements.length === 0) return { abandoned: 0, claimsDropped: 0, deadInstances: [], runs: [] };
  const results = await client.batch(statements, "write");
  let abandoned = 0;
  let claimsDropped = 0;
  const runs: RunRecord[] = [];
  results.forEach((rs, i) => {
    if (i < abandonCount) {
      // With RETURNING, libSQL reports no rowsAffected: the rows returned are the count.
      abandoned += rs.rows.length;
      for (const row of rs.rows) runs.push(abandonedRun(row));
    }
    else if (i < abandonCount + 2 * dead.length && (i - abandonCount) % 2 === 0) claimsDropped += rs.rowsAffected;
  });
  runs.sort((a, b) => a.startedAt - b.startedAt);
  return { abandoned, claimsDropped, deadInstances: dead, runs };
}

/** Refresh this process's heartbeat (only while the row is still ours). */
export async function beat(client: Client, life: InstanceLife, now: number): Promise<void> {
  await client.execute({ sql: "UPDATE instances SET heartbeat = ? WHERE name = ? AND hostname = ? AND pid = ?", args: [now, life.name, life.hostname, life.pid] });
}

/** On a clean close: forget this process's row (only if it is still ours). */
export async function unregisterInstance(client: Client, life: InstanceLife): Promise<void> {
  await client.execute({ sql: "DELETE FROM instances WHERE name = ? AND hostname = ? AND pid = ?", args: [life.name, life.hostname, life.pid] });
}
