/**
 * The store as the read-only commands (`list`, `next`, `export-ini`) see the
 * catalog through it: opened without registering this process as an instance,
 * and not created when it does not exist yet (then it holds no operator state
 * and no discovered jobs).
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { openStore, type Store } from "../store/index.ts";

function databaseExists(url: string): boolean {
  if (!url.startsWith("file:")) return true;
  try {
    return existsSync(url.startsWith("file://") ? fileURLToPath(url) : url.slice("file:".length));
  } catch {
    return true;
  }
}

/** The store at `url`, or null when it is an embedded file that does not exist. */
export async function openCatalogStore(url: string): Promise<Store | null> {
  if (!databaseExists(url)) return null;
  return openStore(url, { instance: `${os.hostname()}:${process.pid}`, register: false });
}
