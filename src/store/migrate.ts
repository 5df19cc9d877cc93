/**
 * Applies the embedded migrations (migrations.generated.ts) in order.
 *
 * Bookkeeping uses drizzle's own table, `__drizzle_migrations` (id, hash,
 * created_at = the journal's `when`), so a database migrated by drizzle-kit
 * and one migrated by tickd agree on what is applied.
 *
 * Safe when two processes start at once: everything happens inside one
 * `BEGIN IMMEDIATE` transaction (the client's "write" mode), so the second
 * process waits on the busy timeout, then sees the first one's rows and
 * applies nothing.
 */
import type { Client } from "@libsql/client";
import { TickdError } from "../errors.ts";
import { MIGRATIONS, PG_MIGRATIONS } from "./migrations.generated.ts";

export interface EmbeddedMigration {
  /** drizzle-kit's file name without .sql, e.g. "0000_init". */
  readonly tag: string;
  /** Journal timestamp, epoch ms; drizzle stores it as created_at. */
  readonly when: number;
  /** sha256 of the .sql file's text. */
  readonly hash: string;
  readonly statements: readonly string[];
}

export const MIGRATIONS_TABLE = "__drizzle_migrations";

export interface MigrationReport {
  /** Tags applied by this call, in order; empty when the database was up to date. */
  readonly applied: readonly string[];
  /** Every tag known to the binary. */
  readonly known: readonly string[];
}

/** Where one dialect keeps its bookkeeping, and what it runs first in the migrating transaction. */
interface Bookkeeping {
  /** drizzle's table, quoted as the dialect needs. */
  readonly table: string;
  /** Statements run first: the lock (PostgreSQL), the schema and the table. */
  readonly prelude: readonly string[];
  /** Put before a tag in messages ("pg/" for PostgreSQL's migrations). */
  readonly tagPrefix: string;
}

const SQLITE_BOOKKEEPING: Bookkeeping = {
  table: `"${MIGRATIONS_TABLE}"`,
  prelude: [`CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}" (id INTEGER PRIMARY KEY AUTOINCREMENT, hash text NOT NULL, created_at numeric)`],
  tagPrefix: "",
};

/** drizzle's own bookkeeping on PostgreSQL: the `drizzle` schema, so drizzle-kit and tickd agree there too. */
export const PG_MIGRATIONS_TABLE = `"drizzle"."${MIGRATIONS_TABLE}"`;
/**
 * The advisory lock (one bigint, "tickd" in ASCII) held while migrating: three
 * instances starting at once on one PostgreSQL migrate once — the first takes
 * it, the others wait, then find every migration applied. It is a transaction
 * lock, so a process that dies mid-migration releases it with its rollback.
 */
export const PG_MIGRATION_LOCK = 0x7469636b64;

const PG_BOOKKEEPING: Bookkeeping = {
  table: PG_MIGRATIONS_TABLE,
  prelude: [
    `SELECT pg_advisory_xact_lock(${PG_MIGRATION_LOCK})`,
    'CREATE SCHEMA IF NOT EXISTS "drizzle"',
    `CREATE TABLE IF NOT EXISTS ${PG_MIGRATIONS_TABLE} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`,
  ],
  tagPrefix: "pg/",
};

export function applyMigrations(client: Client, migrations: readonly EmbeddedMigration[] = MIGRATIONS): Promise<MigrationReport> {
  return migrate(client, migrations, SQLITE_BOOKKEEPING);
}

/** The PostgreSQL migrations (migrations/pg), in one transaction under PG_MIGRATION_LOCK. */
export function applyPgMigrations(client: Client, migrations: readonly EmbeddedMigration[] = PG_MIGRATIONS): Promise<MigrationReport> {
  return migrate(client, migrations, PG_BOOKKEEPING);
}

async function migrate(client: Client, migrations: readonly EmbeddedMigration[], book: Bookkeeping): Promise<MigrationReport> {
  const tx = await client.transaction("write");
  try {
    for (const statement of book.prelude) await tx.execute(statement);
    const rows = await tx.execute(`SELECT hash, created_at FROM ${book.table}`);
    const appliedHashes = new Set(rows.rows.map((r) => String(r.hash)));
    refuseNewer(rows.rows.map((r) => ({ hash: String(r.hash), when: Number(r.created_at ?? 0) })), migrations);
    // drizzle's migrator decides by the latest created_at; honour that too, so a
    // migration that drizzle-kit applied (same `when`, maybe edited text) is not re-run.
    const latest = rows.rows.reduce((max, r) => Math.max(max, Number(r.created_at ?? 0)), 0);
    const applied: string[] = [];
    for (const m of migrations) {
      if (appliedHashes.has(m.hash) || m.when <= latest) continue;
      for (const statement of m.statements) {
        try {
          await tx.execute(statement);
        } catch (error) {
          throw new TickdError("store", `migration ${book.tagPrefix}${m.tag} failed at: ${statement.slice(0, 120)}… — ${(error as Error).message}`, { cause: error });
        }
      }
      await tx.execute({ sql: `INSERT INTO ${book.table} (hash, created_at) VALUES (?, ?)`, args: [m.hash, m.when] });
      applied.push(m.tag);
    }
    await tx.commit();
    return { applied, known: migrations.map((m) => m.tag) };
  } catch (error) {
    await tx.rollback().catch(() => {});
    throw error;
  } finally {
    tx.close();
  }
}

/**
 * A database that holds migrations this binary does not know, newer than all
 * it knows, was written by a newer tickd: opening it could misread or damage
 * what the newer one wrote. Refused, with what to do (run the newer tickd, or
 * restore a backup taken before the upgrade).
 */
export function refuseNewer(applied: readonly { hash: string; when: number }[], migrations: readonly EmbeddedMigration[] = MIGRATIONS): void {
  const knownHashes = new Set(migrations.map((m) => m.hash));
  const newest = migrations.reduce((max, m) => Math.max(max, m.when), 0);
  const unknown = applied.filter((a) => !knownHashes.has(a.hash) && a.when > newest);
  if (unknown.length === 0) return;
  const latest = new Date(Math.max(...unknown.map((u) => u.when))).toISOString().slice(0, 10);
  throw new TickdError(
    "store",
    `the database was written by a newer tickd: it has ${unknown.length} migration${unknown.length === 1 ? "" : "s"} this binary does not know (the latest from ${latest}); ` +
      "run that tickd or a newer one, or restore a backup taken before the upgrade (tickd restore --from FILE)",
  );
}
