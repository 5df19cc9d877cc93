/**
 * Copying a store into another (`tickd migrate --from file:… --to postgres://…`):
 * the jobs with their operator state (switches, pauses, schedule edits),
 * every run, claims, grid anchors, daily roll-ups and the alert outbox with
 * its delivery attempts, row for row, ids kept. The instances table is not
 * copied: it names the processes of the old store.
 *
 * Both stores are migrated to this binary's schema first; the target must hold
 * no jobs and no runs (a copy never merges). The copy is one transaction on the
 * target, so a failed copy leaves it empty. Run it with tickd stopped: runs
 * recorded in the source meanwhile would not be in the copy.
 */
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import type { InStatement, Row } from "@libsql/client";
import { activity, anchors, claims, jobs, notificationAttempts, notifications, rollups } from "../../schema/db.ts";
import { TickdError } from "../errors.ts";
import { openStore, type Store } from "./client.ts";

/** Copied in this order; tables with an id have their sequence moved past the copied ids on PostgreSQL. */
const TABLES: readonly SQLiteTable[] = [jobs, activity, claims, anchors, rollups, notifications, notificationAttempts];
/** Rows per INSERT (jobs, the widest, has 21 columns: far below PostgreSQL's 65,535 parameters). */
const ROWS_PER_STATEMENT = 500;
/** Rows read from the source at a time. */
const READ_PAGE = 5_000;

export interface CopyReport {
  /** Rows copied per table. */
  readonly rows: Readonly<Record<string, number>>;
  /** The URLs as shown (passwords replaced). */
  readonly from: string;
  readonly to: string;
}

export async function copyStore(fromUrl: string, toUrl: string): Promise<CopyReport> {
  const from = await openStore(fromUrl, { instance: "tickd-migrate", register: false });
  let to: Store | null = null;
  try {
    if (from.dialect !== "sqlite") throw new TickdError("usage", `--from ${from.url}: tickd migrate copies from a libSQL store (file:PATH or a libSQL server); a PostgreSQL store is copied with pg_dump`);
    to = await openStore(toUrl, { instance: "tickd-migrate", register: false });
    const target = to;
    const held = await target.client.execute("SELECT (SELECT COUNT(*) FROM jobs) AS jobs, (SELECT COUNT(*) FROM activity) AS runs");
    const [jobsThere, runsThere] = [Number(held.rows[0]?.jobs ?? 0), Number(held.rows[0]?.runs ?? 0)];
    if (jobsThere > 0 || runsThere > 0) {
      throw new TickdError("usage", `${target.url} already holds ${jobsThere} job(s) and ${runsThere} run(s); tickd migrate --from copies into an empty store only`);
    }
    const rows: Record<string, number> = {};
    const tx = await target.client.transaction("write");
    try {
      for (const table of TABLES) {
        const { name, columns } = getTableConfig(table);
        const names = columns.map((c) => c.name);
        const hasId = names.includes("id");
        let copied = 0;
        // Page by rowid (every table has one on SQLite), so a large history is never held whole.
        for (let last = -1; ; ) {
          const page = await from.client.execute({
            sql: `SELECT rowid AS __rowid, ${names.map((n) => `"${n}"`).join(", ")} FROM "${name}" WHERE rowid > ? ORDER BY rowid LIMIT ${READ_PAGE}`,
            args: [last],
          });
          if (page.rows.length === 0) break;
          for (const statement of inserts(name, names, page.rows)) await tx.execute(statement);
          copied += page.rows.length;
          last = Number(page.rows.at(-1)!.__rowid);
        }
        if (hasId && target.dialect === "postgresql") {
          await tx.execute(`SELECT setval(pg_get_serial_sequence('${name}', 'id'), COALESCE((SELECT MAX(id) FROM "${name}"), 0) + 1, false)`);
        }
        rows[name] = copied;
      }
      await tx.commit();
    } catch (error) {
      await tx.rollback().catch(() => {});
      throw error;
    } finally {
      tx.close();
    }
    return { rows, from: from.url, to: target.url };
  } finally {
    await to?.close();
    await from.close();
  }
}

function inserts(table: string, names: readonly string[], rows: readonly Row[]): InStatement[] {
  const statements: InStatement[] = [];
  const row = `(${names.map(() => "?").join(", ")})`;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    statements.push({
      sql: `INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(", ")}) VALUES ${chunk.map(() => row).join(", ")}`,
      args: chunk.flatMap((r) => names.map((n) => (r[n] ?? null) as string | number | null)),
    });
  }
  return statements;
}
