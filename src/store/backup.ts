/**
 * Backups of an embedded database (`tickd backup`, `tickd restore`).
 *
 * The database runs in WAL mode, so most of what it holds may sit in its
 * -wal file: a plain copy of `scheduler.db` loses it. A backup is SQLite's
 * `VACUUM INTO`: one consistent snapshot, taken in a read transaction (the
 * service keeps writing meanwhile), compacted into a single file that needs
 * no -wal beside it. A restore puts such a file in the database's place
 * while no instance is running on it, keeping what it replaces.
 */
import { createClient, type Client } from "@libsql/client";
import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { TickdError } from "../errors.ts";
import { databaseFile } from "./client.ts";
import { isPostgresUrl, hidePassword } from "./pg-client.ts";
import { pidAlive, STALE_AFTER_MS } from "./lifecycle.ts";
import { MIGRATIONS_TABLE, refuseNewer } from "./migrate.ts";

/** What a backup file holds, read back from it. */
export interface BackupSummary {
  readonly file: string;
  readonly bytes: number;
  readonly runs: number;
  readonly jobs: number;
}

/** The file an embedded database URL names; a remote database is backed up by its server. */
function embeddedFile(url: string, verb: string): string {
  const file = databaseFile(url);
  if (file === null && isPostgresUrl(url)) {
    throw new TickdError("usage", `${verb} works on an embedded database (--db file:PATH); ${hidePassword(url)} is PostgreSQL: back it up with pg_dump (and restore with pg_restore)`);
  }
  if (file === null) {
    throw new TickdError("usage", `${verb} works on an embedded database (--db file:PATH); ${url} is not a file: a libSQL server's database is backed up by the server`);
  }
  return path.resolve(file);
}

/** A file (already checked to exist) that must be a tickd database no newer than this binary. */
async function inspect(file: string, what: string): Promise<BackupSummary> {
  const client = createClient({ url: `file:${file}` });
  try {
    const integrity = await client.execute("PRAGMA quick_check").catch((error: Error) => {
      throw new TickdError("store", `${what} ${file} is not a database: ${error.message}`);
    });
    if (String(integrity.rows[0]?.[0]) !== "ok") throw new TickdError("store", `${what} ${file} is damaged: ${String(integrity.rows[0]?.[0])}`);
    const tables = new Set((await client.execute("SELECT name FROM sqlite_master WHERE type = 'table'")).rows.map((r) => String(r.name)));
    if (!tables.has(MIGRATIONS_TABLE) || !tables.has("activity")) throw new TickdError("store", `${what} ${file} is not a tickd database (it has no activity table)`);
    const applied = (await client.execute(`SELECT hash, created_at FROM "${MIGRATIONS_TABLE}"`)).rows;
    refuseNewer(applied.map((r) => ({ hash: String(r.hash), when: Number(r.created_at ?? 0) })));
    return { file, bytes: statSync(file).size, runs: await count(client, "activity"), jobs: tables.has("jobs") ? await count(client, "jobs") : 0 };
  } finally {
    client.close();
  }
}

async function count(client: Client, table: string): Promise<number> {
  return Number((await client.execute(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]?.n ?? 0);
}

/** Copy the database at `url` into the new file `to`, consistently, while it may be in use. */
export async function backupDatabase(url: string, to: string): Promise<BackupSummary> {
  const from = embeddedFile(url, "backup");
  if (!existsSync(from)) throw new TickdError("usage", `there is no database at ${from}; check --db (or --config: the database sits beside the job file)`);
  const target = path.resolve(to);
  if (existsSync(target)) throw new TickdError("usage", `${to} exists; a backup is written to a new file (remove it, or choose another name)`);
  if (!existsSync(path.dirname(target))) throw new TickdError("usage", `the folder ${path.dirname(to)} does not exist; create it first`);
  const client = createClient({ url: `file:${from}` });
  try {
    await client.execute({ sql: "VACUUM INTO ?", args: [target] });
  } catch (error) {
    rmSync(target, { force: true });
    throw new TickdError("store", `could not back up ${from} to ${to}: ${(error as Error).message}`, { cause: error });
  } finally {
    client.close();
  }
  return inspect(target, "the backup");
}

/**
 * Live instances on a database: those of this host whose process is alive,
 * those of other hosts whose heartbeat is recent (as the abandon rule decides).
 */
async function liveInstances(file: string, now: number): Promise<string[]> {
  const client = createClient({ url: `file:${file}` });
  try {
    const tables = (await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'instances'")).rows;
    if (tables.length === 0) return [];
    const rows = await client.execute("SELECT name, hostname, pid, heartbeat FROM instances");
    const host = os.hostname();
    return rows.rows
      .filter((r) => (String(r.hostname) === host ? pidAlive(Number(r.pid)) : r.heartbeat === null || Number(r.heartbeat) > now - STALE_AFTER_MS))
      .map((r) => String(r.name));
  } finally {
    client.close();
  }
}

export interface RestoreReport extends BackupSummary {
  /** Where the database that was replaced was kept (a backup of it), or null when there was none. */
  readonly kept: string | null;
}

/**
 * Put the backup `from` in the place of the database at `url`. Refused while
 * an instance runs on it; the database replaced is first backed up beside it
 * (`…db.before-restore-<time>`), so a restore can be undone.
 */
export async function restoreDatabase(url: string, from: string, now: number): Promise<RestoreReport> {
  const target = embeddedFile(url, "restore");
  const source = path.resolve(from);
  if (!existsSync(source)) throw new TickdError("usage", `there is no backup at ${from}`);
  if (source === target) throw new TickdError("usage", `${from} is the database itself; name a backup file`);
  const summary = await inspect(source, "the backup");
  let kept: string | null = null;
  if (existsSync(target)) {
    const live = await liveInstances(target, now);
    if (live.length > 0) {
      throw new TickdError("usage", `tickd is running on ${target} (${live.join(", ")}); stop it first, then restore (runs it records meanwhile would be lost)`);
    }
    kept = `${target}.before-restore-${new Date(now).toISOString().replace(/[:.]/g, "-")}`;
    await backupDatabase(`file:${target}`, kept);
  } else if (!existsSync(path.dirname(target))) {
    throw new TickdError("usage", `the folder ${path.dirname(target)} does not exist; create it first`);
  }
  // Copied beside the target first, so the swap is one rename; the old -wal
  // and -shm belong to the file replaced (kept above) and must not be applied to the new one.
  const incoming = `${target}.restoring`;
  rmSync(incoming, { force: true });
  const client = createClient({ url: `file:${source}` });
  try {
    await client.execute({ sql: "VACUUM INTO ?", args: [incoming] });
  } finally {
    client.close();
  }
  for (const suffix of ["-wal", "-shm"]) rmSync(`${target}${suffix}`, { force: true });
  renameSync(incoming, target);
  return { ...summary, file: target, kept };
}
