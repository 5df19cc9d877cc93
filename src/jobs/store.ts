/**
 * The store as the read-only commands (`list`, `next`, `export-ini`) see the
 * catalog through it: opened without registering this process as an instance,
 * and not created when it does not exist yet (then it holds no operator state
 * and no discovered jobs).
 */
import os from "node:os";
import { noDatabaseYet, openStore, type Store } from "../store/index.ts";

/**
 * The store at `url`, or null when it is an embedded file not created yet (in
 * a folder that exists: a missing folder is an error openStore names).
 */
export async function openCatalogStore(url: string): Promise<Store | null> {
  if (noDatabaseYet(url)) return null;
  return openStore(url, { instance: `${os.hostname()}:${process.pid}`, register: false });
}
