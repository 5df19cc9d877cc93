/**
 * Opening the store while another process holds the database's lock for a
 * moment (an operator's sqlite3 shell, the last connection of a command
 * checkpointing as it closes): the start waits for the lock, as every write
 * does, instead of failing at its first statement.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { openStore } from "../../src/store/index.ts";
import { holdWriteLock, killAllSpawned } from "../faults/harness.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-open-busy-"));
afterAll(async () => {
  await killAllSpawned();
  rmSync(dir, { recursive: true, force: true });
});

test("a start while another process holds the lock waits for it, then opens and migrates the database", async () => {
  const db = path.join(dir, "scheduler.db");
  // A database in SQLite's default (rollback) mode, as sqlite3 leaves a new file: making it WAL needs the lock.
  expect(Bun.spawnSync(["sqlite3", db, "CREATE TABLE t (x); DROP TABLE t;"]).exitCode).toBe(0);
  const held = await holdWriteLock(db);
  let state: "opening" | "open" | string = "opening";
  const opening = openStore(`file:${db}`, { instance: "busy-test", log: () => {} });
  opening.then(
    () => (state = "open"),
    (error: unknown) => (state = `failed: ${error instanceof Error ? error.message : String(error)}`),
  );
  await Bun.sleep(700);
  expect(state).toBe("opening");
  expect(await held.release()).toBe(0);
  const store = await opening;
  try {
    expect(state).toBe("open");
    expect(store.migrations.applied.length).toBeGreaterThan(0);
  } finally {
    await store.close();
  }
}, 20_000);
