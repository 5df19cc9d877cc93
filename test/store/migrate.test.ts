import { afterEach, describe, expect, test } from "bun:test";
import path from "node:path";
import { MIGRATIONS, MIGRATIONS_TABLE } from "../../src/store/index.ts";
import { open, tempDb } from "./fixtures.ts";

let cleanup = () => {};
afterEach(() => cleanup());

describe("migrations", () => {
  test("an empty database gets every table, and the applied migrations are recorded in drizzle's table", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const store = await open(db.url);
    expect(store.migrations.applied).toEqual(MIGRATIONS.map((m) => m.tag));
    const tables = await store.client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    expect(tables.rows.map((r) => r.name)).toEqual([MIGRATIONS_TABLE, "activity", "anchors", "claims", "instances", "jobs", "notification_attempts", "notifications", "rollups"]);
    const recorded = await store.client.execute(`SELECT hash, created_at FROM ${MIGRATIONS_TABLE} ORDER BY id`);
    expect(recorded.rows.map((r) => [r.hash, Number(r.created_at)])).toEqual(MIGRATIONS.map((m) => [m.hash, m.when]));
    await store.close();
  });

  test("opening again applies nothing", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    await (await open(db.url)).close();
    const again = await open(db.url);
    expect(again.migrations.applied).toEqual([]);
    const count = await again.client.execute(`SELECT count(*) AS n FROM ${MIGRATIONS_TABLE}`);
    expect(Number(count.rows[0]!.n)).toBe(MIGRATIONS.length);
    await again.close();
  });

  test("two processes opening one new file at once apply each migration exactly once", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const child = () => Bun.spawn([process.execPath, path.join(import.meta.dir, "child.ts"), "migrate", db.url], { stdout: "pipe", stderr: "inherit" });
    const procs = [child(), child()];
    const outputs = await Promise.all(procs.map((p) => new Response(p.stdout).text()));
    expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0]);
    const applied = outputs.flatMap((o) => JSON.parse(o) as string[]);
    expect(applied).toEqual(MIGRATIONS.map((m) => m.tag));
    const store = await open(db.url);
    const count = await store.client.execute(`SELECT count(*) AS n FROM ${MIGRATIONS_TABLE}`);
    expect(Number(count.rows[0]!.n)).toBe(MIGRATIONS.length);
    await store.close();
  });

  test("the embedded SQL is the SQL drizzle-kit generated (run `make migrations` after editing schema/db.ts)", async () => {
    const { readFileSync } = await import("node:fs");
    const { createHash } = await import("node:crypto");
    for (const m of MIGRATIONS) {
      const text = readFileSync(new URL(`../../migrations/${m.tag}.sql`, import.meta.url), "utf8");
      expect(createHash("sha256").update(text).digest("hex")).toBe(m.hash);
    }
  });
});
