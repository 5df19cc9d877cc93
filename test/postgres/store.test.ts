/**
 * The store's own tests (test/store/: claims, recording runs, lifecycle and
 * heartbeats, the job rows, run pages, activity queries, the upgrade of the
 * claims key) run again on PostgreSQL: a nested `bun test` of those files in
 * which every tempDb() is a fresh database on one throwaway cluster
 * (TICKD_TEST_POSTGRES). A nested run,
 * because a test file imported here would be the same module as the one bun
 * runs on its own: it would run once, on one dialect.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import path from "node:path";
import { startPostgres, type PgCluster } from "../helpers/postgres.ts";

const ROOT = path.join(import.meta.dir, "../..");
const FILES = ["engine-store", "activity", "jobs", "heartbeat", "run-page", "upgrade"].map((f) => `test/store/${f}.test.ts`);
let pg: PgCluster;

beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(() => pg?.stop(), 30_000);

test("the store's tests pass on PostgreSQL", async () => {
  const proc = Bun.spawn([path.join(ROOT, "node_modules/.bin/bun"), "test", ...FILES], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, TICKD_TEST_POSTGRES: pg.handle, NO_COLOR: "1" },
  });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const text = out + err;
  const passed = Number(/^\s*(\d+) pass$/m.exec(text)?.[1] ?? 0);
  const failed = Number(/^\s*(\d+) fail$/m.exec(text)?.[1] ?? 0);
  const failures = text.split("\n").filter((l) => l.startsWith("(fail)"));
  expect({ code, failed, failures }, text.slice(-4000)).toEqual({ code: 0, failed: 0, failures: [] });
  expect(passed).toBeGreaterThanOrEqual(30);
}, 300_000);
