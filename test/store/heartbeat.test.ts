/**
 * Several instances on one libSQL server: a process on another host cannot be
 * asked whether it lives, so its heartbeat speaks for it.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { listActivities, STALE_AFTER_MS, HEARTBEAT_EVERY_MS } from "../../src/store/index.ts";
import { FakeClock } from "../helpers/fake-clock.ts";
import { MINUTE, T0, open, run, tempDb } from "./fixtures.ts";

let cleanup = () => {};
afterEach(() => cleanup());

/** A running row left by instance "db-2:77" on another host, its last heartbeat at `beat`. */
async function runLeftByAnotherHost(url: string, beat: number) {
  const other = await open(url, "db-2:77");
  void other.begin(run({ label: "sync", scheduledFor: T0, instance: "db-2:77" }));
  await other.flush();
  // The process dies without closing: its row stays, pointing at the other host.
  await other.client.execute({ sql: "UPDATE instances SET hostname = 'db-2.example', heartbeat = ? WHERE name = 'db-2:77'", args: [beat] });
}

describe("heartbeats", () => {
  test("a run of another host's instance whose heartbeat stopped is recorded as abandoned", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    await runLeftByAnotherHost(db.url, T0);
    const here = await open(db.url, "web-1");
    const now = T0 + STALE_AFTER_MS + 1;
    expect(await here.markAbandoned(now)).toMatchObject({ abandoned: 1, deadInstances: ["db-2:77"] });
    const [row] = (await listActivities(here, { first: 1 })).rows;
    expect([row?.label, row?.status, row?.endedAt]).toEqual(["sync", "abandoned", now]);
    await here.close();
  });

  test("a run of another host's instance that still beats is left running", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    await runLeftByAnotherHost(db.url, T0 + 10 * MINUTE);
    const here = await open(db.url, "web-1");
    expect(await here.markAbandoned(T0 + 10 * MINUTE + STALE_AFTER_MS - HEARTBEAT_EVERY_MS)).toMatchObject({ abandoned: 0, claimsDropped: 0, deadInstances: [], runs: [] });
    expect((await listActivities(here, { first: 1 })).rows[0]?.status).toBe("running");
    await here.close();
  });

  test("heartbeat refreshes this instance's row", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const clock = new FakeClock({ start: T0 });
    const store = await open(db.url, "web-1", { clock });
    await clock.advance(5 * MINUTE);
    expect(await store.heartbeat()).toBe(true);
    const rs = await store.client.execute("SELECT heartbeat FROM instances WHERE name = 'web-1'");
    expect(Number(rs.rows[0]?.heartbeat)).toBe(T0 + 5 * MINUTE);
    await store.close();
  });
});
