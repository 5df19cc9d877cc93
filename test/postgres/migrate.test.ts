/**
 * `tickd migrate --from file:… --to postgres://…` from the compiled binary:
 * a file store with history, an operator's pause and grid anchors is copied
 * into an empty PostgreSQL database; tickd history, list and a new run on
 * PostgreSQL then see the same jobs, the same runs and the pause. A second
 * copy into the now full database is refused; the password is never printed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BINARY, freePort, tempDir, tickd } from "../helpers/binary.ts";
import { pgQuery, startPostgres, type PgCluster } from "../helpers/postgres.ts";

let pg: PgCluster;
let dir: string;
let cleanup = () => {};
let config: string;
let fileUrl: string;
let pgUrl: string;
let copied: Awaited<ReturnType<typeof tickd>>;

describe("tickd migrate --from file:… --to postgres://…", () => {
  beforeAll(async () => {
    pg = await startPostgres();
    pgUrl = pg.createDatabase("copy");
    ({ dir, cleanup } = tempDir("tickd-pg-copy-"));
    mkdirSync(path.join(dir, "config"));
    config = path.join(dir, "config", "scheduler.ini");
    fileUrl = `file:${path.join(dir, "scheduler.db")}`;
    writeFileSync(config, "[often]\ncommand = true\nevery = 1 second\n\n[nightly]\ncommand = true\nat = 03:00\nevery = day\n");
    // Some history in the file store, and an operator's pause of `nightly` made through its API.
    const port = await freePort();
    const run = Bun.spawn([BINARY, "run", "--config", config, "--db", fileUrl, "--listen", `127.0.0.1:${port}`, "--log-format", "json"], { stdout: "ignore", stderr: "ignore" });
    await Bun.sleep(2_500);
    const paused = await tickd(["pause", "nightly", "--note", "moving to PostgreSQL", "--url", `http://127.0.0.1:${port}`]);
    await Bun.sleep(1_000);
    run.kill("SIGTERM");
    await run.exited;
    if (paused.code !== 0) throw new Error(`tickd pause failed: ${paused.stderr}`);
    copied = await tickd(["migrate", "--from", fileUrl, "--to", pgUrl]);
  }, 60_000);

  afterAll(() => {
    pg?.stop();
    cleanup();
  }, 30_000);

  test("it says what it copied, table by table, and never the password", () => {
    expect(copied.stderr).toBe("");
    expect(copied.code).toBe(0);
    expect(copied.stdout).toMatch(/^copied 2 rows of jobs$/m);
    expect(copied.stdout).toMatch(/^copied [1-9]\d* rows of activity$/m);
    expect(copied.stdout).toContain(`into postgres://tickd:***@127.0.0.1:${pg.port}/copy`);
    expect(copied.stdout).not.toContain(pg.password);
  });

  test("tickd history on PostgreSQL lists the same runs as on the file", async () => {
    const onFile = await tickd(["history", "--config", config, "--db", fileUrl, "--json", "--limit", "1000"]);
    const onPg = await tickd(["history", "--config", config, "--db", pgUrl, "--json", "--limit", "1000"]);
    expect(onPg.code).toBe(0);
    expect(JSON.parse(onPg.stdout)).toEqual(JSON.parse(onFile.stdout));
    expect(JSON.parse(onPg.stdout).length).toBeGreaterThan(0);
  }, 20_000);

  test("the operator's pause came along: tickd list on PostgreSQL says nightly is paused", async () => {
    const list = await tickd(["list", "--config", config, "--db", pgUrl]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/nightly\n\s+active\s+no \(paused by admin via cli at \S+: moving to PostgreSQL\)/);
  }, 20_000);

  test("new runs on PostgreSQL get new ids after the copied ones", async () => {
    const before = (await pgQuery<{ n: number; max: number }>(pgUrl, "SELECT COUNT(*)::int AS n, MAX(id) AS max FROM activity"))[0]!;
    const run = Bun.spawn([BINARY, "run", "--config", config, "--db", pgUrl, "--no-api"], { stdout: "ignore", stderr: "ignore" });
    await Bun.sleep(2_500);
    run.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    const after = (await pgQuery<{ n: number; min: number }>(pgUrl, `SELECT COUNT(*)::int AS n, MIN(id) AS min FROM activity WHERE id > ${before.max}`))[0]!;
    expect(after.n).toBeGreaterThan(0);
    expect(after.min).toBe(before.max + 1);
  }, 20_000);

  test("copying into a store that holds runs is refused", async () => {
    const again = await tickd(["migrate", "--from", fileUrl, "--to", pgUrl]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/postgres:\/\/tickd:\*\*\*@127\.0\.0\.1:\d+\/copy already holds 2 job\(s\) and \d+ run\(s\); tickd migrate --from copies into an empty store only/);
  }, 20_000);
});
