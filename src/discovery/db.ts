/**
 * Opening the jobs table for discovery and export. A thin stand-in until the
 * store's `openStore` covers it: a libSQL client, the embedded migrations
 * applied, and a drizzle handle over schema/db.ts.
 */
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import * as schema from "../../schema/db.ts";
import { applyMigrations } from "../store/migrate.ts";
import type { JobsDb } from "./discover.ts";

export interface OpenedDb {
  readonly db: JobsDb;
  close(): void;
}

export async function openJobsDb(url: string): Promise<OpenedDb> {
  const client = createClient({ url });
  // Another tickd (the running service) may hold the write lock for a moment.
  await client.execute("PRAGMA busy_timeout = 5000").catch(() => {});
  await applyMigrations(client);
  return { db: drizzle(client, { schema }), close: () => client.close() };
}
