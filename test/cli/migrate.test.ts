import { afterEach, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import { MIGRATIONS } from "../../src/store/index.ts";
import { BINARY, tempDir, tickd } from "../helpers/binary.ts";

let cleanup = () => {};
afterEach(() => cleanup());

const tags = MIGRATIONS.map((m) => m.tag);

describe("tickd migrate", () => {
  test("creates the database beside the job file, says what it applied, and exits 0", async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    mkdirSync(path.join(tmp.dir, "config"));
    writeFileSync(path.join(tmp.dir, "config/scheduler.ini"), "");
    const result = await tickd(["migrate"], { cwd: tmp.dir });
    expect(result.code).toBe(0);
    const db = path.join(tmp.dir, "config/scheduler.db");
    expect(result.stdout).toBe([...tags.map((t) => `applied ${t}`), `file:${db}: applied ${tags.length} of ${tags.length} migration${tags.length === 1 ? "" : "s"}`, ""].join("\n"));
    const client = createClient({ url: `file:${db}` });
    const tables = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('jobs', 'activity', 'claims')");
    expect(tables.rows.length).toBe(3);
    client.close();
  });

  test("run twice, the second run applies nothing", async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const url = `file:${path.join(tmp.dir, "tickd.db")}`;
    expect((await tickd(["migrate", "--db", url])).code).toBe(0);
    const again = await tickd(["migrate"], { env: { TICKD_DB: url } });
    expect(again).toEqual({ code: 0, stdout: `${url} is up to date (${tags.length} migration${tags.length === 1 ? "" : "s"})\n`, stderr: "" });
  });

  test("the binary copied alone into an empty folder migrates a file: database (the native addon is embedded)", async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const lone = path.join(tmp.dir, "tickd");
    copyFileSync(BINARY, lone);
    const proc = Bun.spawn([lone, "migrate", "--db", "file:alone.db"], { cwd: tmp.dir, stdout: "pipe", stderr: "pipe", env: { PATH: "/usr/bin:/bin" } });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout).toContain(`applied ${tags[0]}`);
    expect(existsSync(path.join(tmp.dir, "alone.db"))).toBe(true);
  });

  test("a database that cannot be opened is a failure with the URL in the message", async () => {
    const result = await tickd(["migrate", "--db", "file:/nonexistent-dir/x/y.db"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toStartWith("tickd migrate: cannot open the database file:/nonexistent-dir/x/y.db:");
  });

  test("an argument is bad usage (exit 2)", async () => {
    const result = await tickd(["migrate", "now"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toStartWith('tickd migrate: migrate takes no arguments, got "now"');
  });
});
