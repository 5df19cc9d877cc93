/**
 * `tickd backup` and `tickd restore` from the compiled binary, on a service
 * that keeps writing: the backup holds every run recorded before it began in
 * one file (no -wal beside it), a restore is refused while tickd runs and
 * afterwards puts the backup in place, keeping what it replaced; an older
 * binary refuses a database a newer one has migrated.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient } from "@libsql/client";
import { copyFileSync, existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { tickd } from "../helpers/binary.ts";
import { startService, writeProject, type Project, type Service } from "../helpers/service.ts";

const INI = Array.from({ length: 20 }, (_, i) => `[tick ${i}]\ncommand = true\nevery = 1 second\n`).join("\n");

async function query(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = createClient({ url: `file:${file}` });
  try {
    return (await client.execute(sql)).rows as unknown as Record<string, unknown>[];
  } finally {
    client.close();
  }
}

const runIds = async (file: string, where = "1 = 1") => new Set((await query(file, `SELECT run_id FROM activity WHERE ${where}`)).map((r) => String(r.run_id)));

let project: Project;
let service: Service | null = null;
let db: string;
beforeAll(async () => {
  project = writeProject(INI);
  db = path.join(project.dir, "config", "scheduler.db");
  service = await startService(project.dir);
  // A few seconds of runs (20 a second): at least 40 ended more than a second ago, the runs the backup must hold.
  for (let i = 0; i < 250 && (await runIds(db, `status <> 'running' AND ended_at < ${Date.now() - 1_000}`)).size < 40; i++) await Bun.sleep(100);
}, 40_000);
afterAll(async () => {
  await service?.stop();
  project?.cleanup();
});

const run = (args: string[]) => tickd(args, { cwd: project.dir });

describe("tickd backup, while the service writes", () => {
  test("copies every run recorded before it began into one file that needs no -wal", async () => {
    const before = Date.now();
    const r = await run(["backup", "--to", "backup.db"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^backed up file:.*scheduler\.db to backup\.db \(\d+ runs, 20 stored jobs, \d+ KB\)\n$/);
    expect(r.code).toBe(0);
    // Alone in a folder of its own, as a copy would be: nothing of it is in a -wal.
    const alone = path.join(project.dir, "alone");
    await Bun.write(path.join(alone, ".keep"), "");
    copyFileSync(path.join(project.dir, "backup.db"), path.join(alone, "backup.db"));
    const inBackup = await runIds(path.join(alone, "backup.db"));
    expect(readdirSync(project.dir).filter((f) => f.startsWith("backup.db"))).toEqual(["backup.db"]);
    // Runs ended a second before the backup were committed (batches go in within milliseconds).
    const committed = await runIds(db, `status <> 'running' AND ended_at < ${before - 1_000}`);
    expect(committed.size).toBeGreaterThanOrEqual(40);
    for (const id of committed) expect(inBackup.has(id)).toBe(true);
  });

  test("refuses to write over a file, and says a remote database is backed up by its server", async () => {
    const again = await run(["backup", "--to", "backup.db"]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("backup.db exists; a backup is written to a new file (remove it, or choose another name)");
    const remote = await run(["backup", "--to", "x.db", "--db", "libsql://db.example.com"]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain("backup works on an embedded database (--db file:PATH); libsql://db.example.com is not a file: a libSQL server's database is backed up by the server");
  });
});

describe("tickd restore", () => {
  test("is refused while tickd runs on the database", async () => {
    const r = await run(["restore", "--from", "backup.db"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tickd is running on .*scheduler\.db \(.+\); stop it first, then restore/);
  });

  test("after a stop puts the backup in place, keeps the database it replaced, and history reads it", async () => {
    // Runs recorded after the backup, which the restore then replaces.
    const backedUp = (await runIds(path.join(project.dir, "backup.db"))).size;
    for (let i = 0; i < 50 && (await runIds(db)).size <= backedUp; i++) await Bun.sleep(100);
    expect(await service!.stop()).toBe(0);
    service = null;
    const current = await runIds(db);
    const backup = await runIds(path.join(project.dir, "backup.db"));
    expect(current.size).toBeGreaterThan(backup.size);
    const r = await run(["restore", "--from", "backup.db"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const kept = r.stdout.match(/kept in (.+)\n$/)![1]!;
    expect(r.stdout).toStartWith(`restored backup.db to ${db} (${backup.size} runs`);
    expect(await runIds(db)).toEqual(backup);
    expect(await runIds(kept)).toEqual(current);
    expect(existsSync(`${db}-wal`) && (await Bun.file(`${db}-wal`).size) > 0).toBe(false);
    const history = await run(["history", "--json", "--limit", "500"]);
    expect(history.code).toBe(0);
    expect((JSON.parse(history.stdout) as unknown[]).length).toBe(Math.min(500, backup.size));
  }, 20_000);
});

describe("a database migrated by a newer tickd", () => {
  test("is refused by this binary: run, migrate, history and restore say so and change nothing", async () => {
    const newer = path.join(project.dir, "newer.db");
    copyFileSync(db, newer);
    const client = createClient({ url: `file:${newer}` });
    await client.execute({ sql: `INSERT INTO "__drizzle_migrations" (hash, created_at) VALUES ('a-future-migration', ?)`, args: [Date.parse("2099-01-01")] });
    client.close();
    const message = "the database was written by a newer tickd: it has 1 migration this binary does not know (the latest from 2099-01-01); run that tickd or a newer one, or restore a backup taken before the upgrade (tickd restore --from FILE)";
    for (const args of [["migrate"], ["history"], ["run", "--no-api"]]) {
      const r = await run([...args, "--db", `file:${newer}`]);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toContain("    at ");
      expect(r.code).not.toBe(0);
    }
    const restore = await run(["restore", "--from", newer, "--db", `file:${path.join(project.dir, "other.db")}`]);
    expect(restore.stderr).toContain(message);
    expect(restore.code).not.toBe(0);
    expect(existsSync(path.join(project.dir, "other.db"))).toBe(false);
  });
});
