import { afterEach, describe, expect, test } from "bun:test";
import path from "node:path";
import os from "node:os";
import { getActivity, listActivities } from "../../src/store/index.ts";
import { FakeClock, turns } from "../helpers/fake-clock.ts";
import { DAY, MINUTE, T0, open, run, tempDb } from "./fixtures.ts";

let cleanup = () => {};
afterEach(() => cleanup());

describe("claims", () => {
  test("two instances on one file claiming the same occurrence: exactly one wins", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const a = await open(db.url, "host-a:1");
    const b = await open(db.url, "host-b:2");
    const results = await Promise.all([a.claim("backup", T0), b.claim("backup", T0), a.claim("report", T0), b.claim("report", T0)]);
    expect(results[0]! !== results[1]!).toBe(true);
    expect(results[2]! !== results[3]!).toBe(true);
    // the loser keeps losing; the winner may ask again before running
    const winner = results[0] ? a : b;
    const loser = results[0] ? b : a;
    expect(await loser.claim("backup", T0)).toBe(false);
    expect(await winner.claim("backup", T0)).toBe(true);
    await a.close();
    await b.close();
  });

  test("a claim held by this instance name counts as ours only until a run of it is recorded", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const first = await open(db.url, "web-1");
    expect(await first.claim("backup", T0)).toBe(true);
    expect(await first.claim("backup", T0 + MINUTE)).toBe(true);
    void first.begin(run({ label: "backup", scheduledFor: T0, instance: "web-1" }));
    await first.close();
    // the same instance name restarts: the occurrence that ran is not claimed again, the one claimed ahead is
    const second = await open(db.url, "web-1");
    expect(await second.claim("backup", T0)).toBe(false);
    expect(await second.claim("backup", T0 + MINUTE)).toBe(true);
    await second.close();
  });

  test("a thousand claims made in one tick are written in one transaction", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const store = await open(db.url);
    const before = store.stats.transactions;
    const won = await Promise.all(Array.from({ length: 1000 }, (_, i) => store.claim(`job ${i}`, T0)));
    expect(won.every(Boolean)).toBe(true);
    expect(store.stats.transactions - before).toBe(1);
    await store.close();
  });
});

describe("recording runs", () => {
  test("a burst of 1,000 started and finished runs costs one transaction and stores 1,000 finished rows", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const store = await open(db.url);
    const before = store.stats.transactions;
    for (let i = 0; i < 1000; i++) {
      const r = run({ label: "tick", scheduledFor: T0 + i * 1000 });
      void store.begin(r);
      store.finished({ ...r, status: "success", endedAt: r.startedAt + 5, message: `run ${i}` });
    }
    await store.flush();
    expect(store.stats.transactions - before).toBe(1);
    const rows = await store.client.execute("SELECT status, count(*) AS n, min(ended_at) AS first_end FROM activity GROUP BY status");
    expect(rows.rows.map((r) => [r.status, Number(r.n), Number(r.first_end)])).toEqual([["success", 1000, T0 + 5]]);
    await store.close();
  });

  test("a run started in one flush and finished in the next ends up as one finished row", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const store = await open(db.url);
    const r = run({ label: "backup", scheduledFor: T0 });
    void store.begin(r);
    await store.flush();
    expect((await getActivity(store, r.runId))?.status).toBe("running");
    store.finished({ ...r, status: "failure", endedAt: T0 + 2000, message: "disk full", error: "" });
    await store.flush();
    const row = await getActivity(store, r.runId);
    expect([row?.status, row?.endedAt, row?.message]).toEqual(["failure", T0 + 2000, "disk full"]);
    // a late duplicate "running" write never reopens a finished run
    void store.begin(r);
    await store.flush();
    expect((await getActivity(store, r.runId))?.status).toBe("failure");
    await store.close();
  });

  test("runs recorded while a batch is being written form the next batch; flush waits for both", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const store = await open(db.url);
    const before = store.stats.transactions;
    store.finished({ ...run({ label: "a", scheduledFor: T0 }), status: "success", endedAt: T0 + 1 });
    await new Promise((r) => setTimeout(r, 0)); // the first batch is on its way
    store.finished({ ...run({ label: "b", scheduledFor: T0 }), status: "success", endedAt: T0 + 1 });
    await store.flush();
    expect(store.stats.transactions - before).toBe(2);
    expect((await listActivities(store, { first: 10 })).rows.map((r) => r.label).sort()).toEqual(["a", "b"]);
    await store.close();
  });

  test("output over the cap is cut at the cap with a mark saying how much there was", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const store = await open(db.url, "test-host:1", { outputCapBytes: 1024 });
    const r = run({ label: "chatty", scheduledFor: T0 });
    const output = "é".repeat(700_000); // 2 bytes each: 1.3 MiB
    store.finished({ ...r, status: "success", endedAt: T0 + 1, output, error: "x".repeat(2048) });
    await store.flush();
    const row = (await getActivity(store, r.runId))!;
    expect(row.output).toBe(`${"é".repeat(512)}\n… [output truncated: 1.3 MiB total, showing first 1 KiB]`);
    expect(row.error).toBe(`${"x".repeat(1024)}\n… [error truncated: 2 KiB total, showing first 1 KiB]`);
    await store.close();
  });

  test("lastScheduled is the latest scheduled occurrence, ignoring manual runs, including runs not yet flushed", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const store = await open(db.url);
    expect(await store.lastScheduled("backup")).toBeNull();
    store.finished({ ...run({ label: "backup", scheduledFor: T0 }), status: "success", endedAt: T0 + 1 });
    store.finished({ ...run({ label: "backup", scheduledFor: T0 + DAY, trigger: "manual" }), status: "success", endedAt: T0 + DAY });
    await store.flush();
    expect(await store.lastScheduled("backup")).toBe(T0);
    void store.begin(run({ label: "backup", scheduledFor: T0 + MINUTE }));
    expect(await store.lastScheduled("backup")).toBe(T0 + MINUTE);
    await store.close();
  });

  test("a failing write is retried, logged, and the runs are written once the database accepts them", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const lines: string[] = [];
    // The retry waits on the store's clock: the test moves it instead of sleeping.
    const clock = new FakeClock({ start: T0 });
    const store = await open(db.url, "test-host:1", { log: (line) => lines.push(line), clock });
    // Make the table refuse inserts for a moment, as a full disk or a locked file would.
    // (in each dialect's words: test/postgres/store.test.ts runs this file on PostgreSQL too)
    const pg = store.dialect === "postgresql";
    if (pg) {
      await store.client.execute("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$");
      await store.client.execute("CREATE TRIGGER refuse BEFORE INSERT ON activity FOR EACH ROW EXECUTE FUNCTION refuse()");
    } else await store.client.execute("CREATE TRIGGER refuse BEFORE INSERT ON activity BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    store.finished({ ...run({ label: "backup", scheduledFor: T0 }), status: "success", endedAt: T0 + 1 });
    const flushed = store.flush();
    // the first attempt fails (real I/O; a server's takes real milliseconds)
    for (let i = 0; i < 600 && lines.length === 0; i++) await (i < 200 ? turns(1) : Bun.sleep(5));
    expect(lines[0]).toMatch(/^tickd store: writing 1 run\(s\) and 0 claim\(s\) failed \(attempt 1\): .*disk full; retrying in 50 ms$/);
    await store.client.execute(pg ? "DROP TRIGGER refuse ON activity" : "DROP TRIGGER refuse");
    await clock.advance(50);
    await flushed;
    expect(store.stats.failures).toBe(1);
    expect((await listActivities(store, { first: 10 })).rows.map((r) => r.label)).toEqual(["backup"]);
    await store.close();
  });
});

describe("lifecycle", () => {
  test("a run left running by a killed process is recorded as abandoned, and its unrun claims are dropped", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const child = Bun.spawn([process.execPath, path.join(import.meta.dir, "child.ts"), "run", db.url, "backup"], {
      stdout: "pipe",
      stderr: "inherit",
      env: { ...process.env, SCHEDULED_FOR: String(T0) },
    });
    const reader = child.stdout.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe("running\n");
    const store = await open(db.url, `${os.hostname()}:${process.pid}`);
    // while the child lives, its run is left alone
    expect(await store.markAbandoned(T0 + MINUTE)).toMatchObject({ abandoned: 0, claimsDropped: 0, deadInstances: [], runs: [], takenOver: [] });
    child.kill("SIGKILL");
    await child.exited;
    const report = await store.markAbandoned(T0 + 2 * MINUTE);
    expect(report).toMatchObject({ abandoned: 1, claimsDropped: 1, deadInstances: [`${os.hostname()}:${child.pid}`] });
    // The run, as now recorded, for the service to tell the engine's listeners (pings, alerts).
    expect(report.runs.map((r) => [r.label, r.status, r.endedAt, r.instance])).toEqual([["backup", "abandoned", T0 + 2 * MINUTE, `${os.hostname()}:${child.pid}`]]);
    const [row] = (await listActivities(store, { first: 1 })).rows;
    expect([row?.status, row?.endedAt, row?.message]).toEqual([
      "abandoned",
      T0 + 2 * MINUTE,
      `the instance running this job stopped before recording how it ended (instance ${os.hostname()}:${child.pid} is gone): the callback may have run in part, in full or not at all`,
    ]);
    const instances = await store.client.execute("SELECT name FROM instances ORDER BY name");
    expect(instances.rows.map((r) => r.name)).toEqual([`${os.hostname()}:${process.pid}`]);
    // the claim ahead that never ran is free again; the one that ran is not
    expect(await store.claim("backup", T0 + MINUTE)).toBe(true);
    expect(await store.claim("backup", T0)).toBe(false);
    await store.close();
  });

  test("runs of our own name left by an earlier life are abandoned; our live runs are not", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const earlier = await open(db.url, "web-1");
    void earlier.begin(run({ label: "old", scheduledFor: T0, instance: "web-1" }));
    await earlier.close();
    const now = await open(db.url, "web-1");
    void now.begin(run({ label: "new", scheduledFor: T0 + MINUTE, instance: "web-1" }));
    expect((await now.markAbandoned(T0 + 2 * MINUTE)).abandoned).toBe(1);
    const rows = (await listActivities(now, { first: 10 })).rows.map((r) => [r.label, r.status]);
    expect(rows).toEqual([
      ["new", "running"],
      ["old", "abandoned"],
    ]);
    await now.close();
  });

  test("a clean close removes the instance's row; a run recorded meanwhile keeps its instance name", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const a = await open(db.url, "web-1");
    const b = await open(db.url, "web-2");
    a.finished({ ...run({ label: "x", scheduledFor: T0, instance: "web-1" }), status: "success", endedAt: T0 + 1 });
    await a.close();
    const names = await b.client.execute("SELECT name FROM instances ORDER BY name");
    expect(names.rows.map((r) => r.name)).toEqual(["web-2"]);
    expect((await listActivities(b, { first: 1 })).rows[0]?.instance).toBe("web-1");
    await b.close();
  });

  test("retention deletes finished runs and claims older than the cut-off and keeps the rest (a running run keeps its claim)", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const store = await open(db.url, undefined, { clock: new FakeClock({ start: T0 + 39 * DAY }) });
    for (let day = 0; day < 40; day++) {
      const r = run({ label: "daily", scheduledFor: T0 + day * DAY });
      await store.claim("daily", r.scheduledFor);
      store.finished({ ...r, status: "success", endedAt: r.startedAt + 1 });
    }
    void store.begin(run({ label: "stuck", scheduledFor: T0 })); // still running: kept
    await store.flush();
    expect((await store.prune({ keepMs: 30 * DAY, jobs: [] })).deleted).toBe(9);
    const left = await store.client.execute("SELECT (SELECT count(*) FROM activity) AS a, (SELECT count(*) FROM claims) AS c");
    expect([Number(left.rows[0]!.a), Number(left.rows[0]!.c)]).toEqual([32, 32]);
    await store.close();
  });
});
