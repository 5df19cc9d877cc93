/**
 * The PostgreSQL store runs on Deno 2 as on Bun (postgres.js is plain
 * JavaScript over node:net): test/postgres/probe.ts opens it, claims one
 * occurrence from two stores, records and reads it, under both runtimes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import path from "node:path";
import { startPostgres, type PgCluster } from "../helpers/postgres.ts";

const ROOT = path.join(import.meta.dir, "../..");
const PROBE = path.join(import.meta.dir, "probe.ts");
let pg: PgCluster;

async function run(cmd: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(cmd, { cwd: ROOT, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

describe("the PostgreSQL store on Deno", () => {
  beforeAll(async () => {
    pg = await startPostgres();
  }, 60_000);
  afterAll(() => pg?.stop(), 30_000);

  test("Deno 2 and Bun give the same answers: one instance wins the occurrence, its run is recorded once", async () => {
    const bun = await run([path.join(ROOT, "node_modules/.bin/bun"), PROBE, pg.createDatabase("on_bun")]);
    expect(bun.stderr).toBe("");
    expect(bun.code).toBe(0);
    const answer = JSON.parse(bun.stdout);
    expect(answer).toMatchObject({ dialect: "postgresql", oneWon: 1, rows: [{ label: "probe", status: "success", message: "done", ended: 5 }] });
    const deno = await run([path.join(ROOT, "node_modules/.bin/deno"), "run", "-A", "--quiet", PROBE, pg.createDatabase("on_deno")]);
    expect(deno.stderr).toBe("");
    expect(deno.code).toBe(0);
    expect(JSON.parse(deno.stdout)).toEqual(answer);
  }, 120_000);
});
