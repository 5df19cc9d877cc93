/**
 * The store as the read-only commands (`list`, `next`, `export-ini`) see the
 * catalog through it: opened without registering this process as an instance,
 * and not created when it does not exist yet (then it holds no operator state
 * and no discovered jobs).
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { databaseFile, openStore, type Store } from "../store/index.ts";

/** An embedded database that does not exist yet holds nothing; a remote one is asked. */
function databaseExists(url: string): boolean {
  const file = databaseFile(url);
  return file === null || existsSync(file);
}

/** The store at `url`, or null when it is an embedded file that does not exist. */
export async function openCatalogStore(url: string): Promise<Store | null> {
  if (!databaseExists(url)) return null;
  return openStore(url, { instance: `${os.hostname()}:${process.pid}`, register: false });
}
