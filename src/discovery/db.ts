/**
 * Opening the store for the discover and export commands: the store's own
 * `openStore` (migrations applied, this process registered as an instance),
 * exposed as the drizzle handle discovery works on.
 */
import os from "node:os";
import { openStore, type Store } from "../store/index.ts";

export interface OpenedDb {
  readonly db: Store["db"];
  readonly store: Store;
  close(): Promise<void>;
}

export async function openJobsDb(url: string, instance = `${os.hostname()}:${process.pid}`): Promise<OpenedDb> {
  const store = await openStore(url, { instance });
  return { db: store.db, store, close: () => store.close() };
}
