/**
 * `--db postgres://…` from the compiled binary, against a throwaway cluster:
 * three `tickd run` started at once on an empty database migrate it once and
 * record every occurrence once; `tickd history`, `tickd list` and the API read
 * what they wrote; an operator's switch made through one instance's API is in
 * the store; the password never appears in a log, an answer or an error.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { BINARY, tickd } from "../helpers/binary.ts";
import { startPostgres, type PgCluster } from "../helpers/postgres.ts";
import { PG_MIGRATIONS } from "../../src/store/migrations.generated.ts";

let pg: PgCluster;
let root: string;
let config: string;
const logs: string[] = [];
let rows: { label: string; scheduled_for: string; n: string; statuses: string; messages: string }[] = [];
/** When the three were told to stop: an occurrence claimed ahead just before is recorded missed by its claimer (engine/takeover.ts). */
let stoppedAt = 0;
let migrationRows = 0;
let apiAnswer: unknown;
let switched: { active: boolean } | undefined;

const JOBS = ["alpha", "beta"];

describe("three tickd run on one PostgreSQL", () => {
  beforeAll(async () => {
    pg = await startPostgres();
    root = mkdtempSync(path.join(os.tmpdir(), "tickd-pg-bin-"));
    mkdirSync(path.join(root, "config"));
    config = path.join(root, "config", "scheduler.ini");
    writeFileSync(config, JOBS.map((j) => `[${j}]\ncommand = true\nevery = 1 second\n`).join("\n"));
    const procs = ["one", "two", "three"].map((name) =>
      Bun.spawn([BINARY, "run", "--config", config, "--db", pg.url, "--instance", name, "--log-format", "json", "--no-api"], {
        stdout: "pipe",
        stderr: "pipe",
        env: { ...process.env, TZ: "UTC" },
      }),
    );
    const texts = procs.map((p) => Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]).then(([o, e]) => o + e));
    const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      // Until each job has run a few times (three binaries start slowly on a loaded machine), at least 4 s.
      const ranFrom = Date.now();
      for (const deadline = ranFrom + 40_000; Date.now() < deadline; await Bun.sleep(250)) {
        const [{ n }] = (await sql`SELECT COUNT(DISTINCT (label, scheduled_for))::int AS n FROM activity WHERE status = 'success'`.catch(() => [{ n: 0 }])) as [{ n: number }];
        if (n >= 3 * JOBS.length && Date.now() - ranFrom >= 4_000) break;
      }
      stoppedAt = Date.now();
      for (const p of procs) p.kill("SIGTERM");
      await Promise.all(procs.map((p) => p.exited));
      logs.push(...(await Promise.all(texts)));
      migrationRows = Number((await sql`SELECT COUNT(*) AS n FROM drizzle.__drizzle_migrations`)[0]!.n);
      rows = (await sql`SELECT label, scheduled_for::text, COUNT(*)::text AS n, string_agg(status, ',') AS statuses, string_agg(message, ',') AS messages FROM activity GROUP BY label, scheduled_for ORDER BY label, scheduled_for`) as never;
    } finally {
      await sql.end();
    }
    // The API, on a fourth instance started now (the store already migrated); its log goes to a file.
    const apiLog = path.join(root, "api.log");
    const fd = openSync(apiLog, "w");
    const api = Bun.spawn([BINARY, "run", "--config", config, "--db", pg.url, "--instance", "api", "--log-format", "json", "--listen", "127.0.0.1:0"], { stdout: fd, stderr: fd });
    closeSync(fd);
    let url: string | null = null;
    for (const deadline = Date.now() + 15_000; url === null && Date.now() < deadline && api.exitCode === null; await Bun.sleep(50)) {
      url = /"event":"api.listening","url":"([^"]+)"/.exec(readFileSync(apiLog, "utf8"))?.[1] ?? null;
    }
    if (url === null) throw new Error(`the API did not start:\n${readFileSync(apiLog, "utf8")}`);
    const gql = async (query: string) => (await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) })).json();
    apiAnswer = await gql(`{ activities(first: 5, filter: { label: "alpha" }) { totalCount edges { node { label status instance } } } }`);
    const answer = (await gql(`mutation { deactivateJob(label: "beta") { label active } }`)) as { data?: { deactivateJob: { active: boolean } } };
    switched = answer.data?.deactivateJob;
    api.kill("SIGTERM");
    await api.exited;
    logs.push(readFileSync(apiLog, "utf8"));
  }, 90_000);

  afterAll(() => {
    pg?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  }, 30_000);

  test("the three migrated the empty database once", () => {
    expect(migrationRows).toBe(PG_MIGRATIONS.length);
    for (const log of logs.slice(0, 3)) expect(log).toContain('"event":"scheduler.started"');
  });

  test("every occurrence they ran has one record, and it succeeded (an occurrence claimed as they stopped: missed, saying so)", () => {
    expect(rows.length).toBeGreaterThanOrEqual(2 * JOBS.length);
    for (const r of rows) {
      const atStop = r.statuses === "missed" && r.messages.includes("this instance stopped just after claiming it") && Number(r.scheduled_for) >= stoppedAt - 1_000;
      expect({ ...r, n: Number(r.n), statuses: atStop ? "success" : r.statuses }).toMatchObject({ n: 1, statuses: "success" });
    }
    expect(new Set(rows.map((r) => r.label))).toEqual(new Set(JOBS));
  });

  test("tickd history and tickd list read the PostgreSQL store", async () => {
    const history = await tickd(["history", "alpha", "--config", config, "--db", pg.url, "--limit", "1000"]);
    expect(history.stderr).toBe("");
    expect(history.code).toBe(0);
    const lines = history.stdout.trim().split("\n").slice(1);
    // the three's runs, and the API instance's after them
    expect(lines.length).toBeGreaterThanOrEqual(rows.filter((r) => r.label === "alpha").length);
    // (a run due as an instance stops is recorded as not started; one it had claimed ahead, as missed)
    for (const line of lines) expect(line).toMatch(/alpha\s+(success|skipped\s+0ms\s+not started: aborted at shutdown|missed\s+0ms\s+missed: not started: this instance stopped just after claim)/);
    const list = await tickd(["list", "--config", config, "--db", pg.url]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("alpha");
  }, 20_000);

  test("the API answers from the store and an operator's switch is stored", async () => {
    const data = (apiAnswer as { data: { activities: { totalCount: number; edges: { node: { label: string; status: string } }[] } } }).data;
    // the API instance ran jobs too, after the three had stopped
    expect(data.activities.totalCount).toBeGreaterThanOrEqual(rows.filter((r) => r.label === "alpha").length);
    // the newest may be going on as the query is answered
    expect(data.activities.edges.map((e) => e.node).filter((n) => n.status === "SUCCESS").length).toBeGreaterThan(0);
    for (const e of data.activities.edges) expect(e.node.label).toBe("alpha");
    expect(switched).toEqual({ label: "beta", active: false } as never);
    const list = await tickd(["list", "--config", config, "--db", pg.url]);
    expect(list.stdout).toMatch(/beta\n\s+active\s+no/);
  }, 20_000);

  test("sslmode=disable connects in plain text; sslmode=require against a server without TLS is refused in words", async () => {
    const plain = await tickd(["history", "alpha", "--config", config, "--db", `${pg.url}?sslmode=disable`]);
    expect(plain.stderr).toBe("");
    expect(plain.stdout).toContain("alpha");
    const tls = await tickd(["history", "--config", config, "--db", `${pg.url.replace("postgres://", "postgresql://")}?sslmode=require`]);
    expect(tls.code).not.toBe(0);
    expect(tls.stderr).toContain("postgresql://tickd:***@127.0.0.1");
    expect(tls.stderr).toContain("TLS");
    expect(tls.stderr).not.toContain(pg.password);
  }, 20_000);

  test("the password appears in no log", () => {
    for (const log of logs) expect(log).not.toContain(pg.password);
  });

  test("a wrong password is refused in words, without the password given", async () => {
    const wrong = pg.url.replace(pg.password, "not-the-password");
    const r = await tickd(["history", "--config", config, "--db", wrong]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("password authentication failed");
    expect(r.stderr).toContain("postgres://tickd:***@127.0.0.1");
    expect(r.stderr).not.toContain("not-the-password");
  }, 20_000);

  test("an unreachable server is reported with the address, not the password", async () => {
    const r = await tickd(["history", "--config", config, "--db", `postgresql://tickd:s3cret@127.0.0.1:1/tickd?sslmode=disable`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("postgresql://tickd:***@127.0.0.1:1/tickd");
    expect(r.stderr).not.toContain("s3cret");
  }, 20_000);
});
