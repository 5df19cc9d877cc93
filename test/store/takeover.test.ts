/**
 * Leases and takeover on one store (store/lifecycle.ts, store/lease.ts): an
 * instance whose heartbeat is older than its lease is taken over by the first
 * live instance to look — its claims without a run handed back, its running
 * rows recorded abandoned, its row deleted — and what it writes afterwards,
 * until it has registered again, is refused.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { HEARTBEAT_EVERY_MS, listActivities, STALE_AFTER_MS, type Store } from "../../src/store/index.ts";
import { abandonDeadRuns } from "../../src/store/lifecycle.ts";
import { FakeClock } from "../helpers/fake-clock.ts";
import { T0, open, run, tempDb } from "./fixtures.ts";

let cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.reverse()) await fn();
  cleanups = [];
});

/** Two instances on one store, each with its own clock (both in this process: alive by pid, so only their heartbeats speak). */
async function pair(): Promise<{ url: string; here: Store; away: Store; hereClock: FakeClock; awayClock: FakeClock }> {
  const db = tempDb();
  const hereClock = new FakeClock({ start: T0 });
  const awayClock = new FakeClock({ start: T0 });
  const away = await open(db.url, "db-2", { clock: awayClock });
  const here = await open(db.url, "web-1", { clock: hereClock });
  cleanups.push(db.cleanup, () => away.close().catch(() => {}), () => here.close());
  return { url: db.url, here, away, hereClock, awayClock };
}

describe("takeover", () => {
  test("a silent instance's claims without a run are handed back, its running rows abandoned, its row deleted", async () => {
    const { here, away } = await pair();
    expect(await away.claim("report", T0 + 1_000)).toBe(true); // claimed ahead, never started
    expect(await away.begin(run({ label: "backup", scheduledFor: T0, instance: "db-2" }))).toBe(true); // started, maybe
    const now = T0 + STALE_AFTER_MS + 1;
    const report = await here.markAbandoned(now);
    expect(report).toMatchObject({ abandoned: 1, claimsDropped: 1, deadInstances: ["db-2"], others: 0 });
    expect(report.takenOver).toEqual([{ label: "report", scheduledFor: T0 + 1_000, instance: "db-2" }]);
    expect(report.runs.map((r) => [r.label, r.status])).toEqual([["backup", "abandoned"]]);
    const instances = await here.client.execute("SELECT name FROM instances ORDER BY name");
    expect(instances.rows.map((r) => String(r.name))).toEqual(["web-1"]);
    // The occurrence is free again: the instance that took it over claims it.
    expect(await here.claim("report", T0 + 1_000)).toBe(true);
  });

  test("an instance that beats within its lease is left alone and counted as another on the store", async () => {
    const { here, away, awayClock } = await pair();
    expect(await away.claim("report", T0 + 60_000)).toBe(true);
    await awayClock.advance(STALE_AFTER_MS - 1_000);
    expect(await away.heartbeat()).toBe(true);
    const report = await here.markAbandoned(T0 + STALE_AFTER_MS + 1);
    expect(report).toMatchObject({ abandoned: 0, claimsDropped: 0, deadInstances: [], takenOver: [], others: 1 });
    expect(here.others).toBe(1);
  });

  test("what a taken-over instance writes is refused until its heartbeat has registered it again", async () => {
    const { here, away, awayClock } = await pair();
    expect(await away.claim("report", T0 + 1_000)).toBe(true);
    const begun = run({ label: "backup", scheduledFor: T0 + 500, instance: "db-2" });
    expect(await away.begin(begun)).toBe(true);
    await here.markAbandoned(T0 + STALE_AFTER_MS + 1);
    // Woken after the takeover: its start of the occurrence it had claimed ahead, and new claims, are refused.
    expect(await away.begin(run({ label: "report", scheduledFor: T0 + 1_000, instance: "db-2" }))).toBe(false);
    expect(await away.claim("other", T0 + 90_000)).toBe(false);
    // Its lease ran out by its own clock; renewing says it was taken over, and registers it again.
    await awayClock.advance(STALE_AFTER_MS + 1);
    expect(awayClock.now() >= away.lease.until()).toBe(true);
    expect(await away.heartbeat()).toBe(false);
    expect(away.lease.fenced(begun.runId)).toBe(true);
    expect(awayClock.now() < away.lease.until()).toBe(true);
    // Registered again: it claims and starts new occurrences; the one taken over stays the other's.
    expect(await away.claim("other", T0 + 90_000)).toBe(true);
    expect(await here.claim("report", T0 + 1_000)).toBe(true);
    expect(await away.begin(run({ label: "report", scheduledFor: T0 + 1_000, instance: "db-2" }))).toBe(false);
    // How the run it had begun really ended replaces the abandoned record.
    away.finished({ ...begun, status: "missed", message: "not started", endedAt: T0 + 20_000 });
    await away.flush();
    const rows = (await listActivities(here, { first: 10 })).rows.map((r) => [r.label, r.status]);
    expect(rows).toEqual([["backup", "missed"]]);
  });

  test("an occurrence claimed ahead and dropped by a takeover is claimed with its row once the instance has registered again", async () => {
    const { here, away, awayClock } = await pair();
    expect(await away.claim("report", T0 + 1_000)).toBe(true);
    const report = await here.markAbandoned(T0 + STALE_AFTER_MS + 1);
    expect(report.claimsDropped).toBe(1);
    await awayClock.advance(STALE_AFTER_MS + 1);
    expect(await away.heartbeat()).toBe(false);
    // Nobody took the occurrence meanwhile: the row takes its claim again (the queue forgot the one it had won).
    expect(await away.begin(run({ label: "report", scheduledFor: T0 + 1_000, instance: "db-2" }))).toBe(true);
    const claims = await here.client.execute("SELECT label, instance FROM claims");
    expect(claims.rows.map((r) => [String(r.label), String(r.instance)])).toEqual([["report", "db-2"]]);
  });

  test("a renewal that comes between the look and the takeover keeps the instance: the takeover writes nothing", async () => {
    const { here, away } = await pair();
    expect(await away.claim("report", T0 + 1_000)).toBe(true);
    expect(await away.begin(run({ label: "backup", scheduledFor: T0, instance: "db-2" }))).toBe(true);
    // The takeover reads db-2 as stale; db-2's heartbeat goes in before the takeover's transaction does.
    const client = here.client;
    const racing = {
      execute: client.execute.bind(client),
      batch: async (...args: Parameters<typeof client.batch>) => {
        await client.execute({ sql: "UPDATE instances SET heartbeat = ? WHERE name = 'db-2'", args: [T0 + STALE_AFTER_MS] });
        return client.batch(...args);
      },
    } as unknown as typeof client;
    const self = { name: "web-1", hostname: "here", pid: process.pid, previous: null };
    const report = await abandonDeadRuns(racing, { now: T0 + STALE_AFTER_MS + 1, self, live: new Set(), hostname: "here", atStart: false, inTouchSince: -Infinity });
    expect(report).toMatchObject({ abandoned: 0, claimsDropped: 0, deadInstances: [], takenOver: [] });
    expect((await listActivities(here, { first: 1 })).rows[0]?.status).toBe("running");
    expect(await here.claim("report", T0 + 1_000)).toBe(false);
  });

  test("after its own outage an instance gives the others a lease's time to beat before taking them over", async () => {
    const { here, hereClock } = await pair();
    // Neither could reach the store for a while: here's first heartbeat since is late.
    await hereClock.advance(STALE_AFTER_MS + HEARTBEAT_EVERY_MS);
    expect(await here.heartbeat()).toBe(true);
    const now = hereClock.now();
    expect((await here.markAbandoned(now)).deadInstances).toEqual([]);
    expect((await here.markAbandoned(now + STALE_AFTER_MS + 1)).deadInstances).toEqual(["db-2"]);
  });

  test("at start, what this name's earlier life claimed ahead and never started is taken over", async () => {
    const db = tempDb();
    cleanups.push(db.cleanup);
    const earlier = await open(db.url, "web-1");
    expect(await earlier.claim("report", T0 + 1_000)).toBe(true);
    expect(await earlier.begin(run({ label: "backup", scheduledFor: T0, instance: "web-1" }))).toBe(true);
    // It dies: no close. A new life starts under the same name.
    const now = await open(db.url, "web-1");
    cleanups.push(() => now.close());
    const report = await now.markAbandoned(T0 + 5_000, true);
    expect(report.takenOver).toEqual([{ label: "report", scheduledFor: T0 + 1_000, instance: "web-1" }]);
    expect(report.abandoned).toBe(1);
  });

  test("a clean close gives back the claims taken ahead; release gives back the ones named", async () => {
    const db = tempDb();
    cleanups.push(db.cleanup);
    const clock = new FakeClock({ start: T0 });
    const first = await open(db.url, "web-1", { clock });
    expect(await first.claim("report", T0 + 60_000)).toBe(true);
    expect(await first.claim("backup", T0 + 60_000)).toBe(true);
    await first.release([{ label: "backup", scheduledFor: T0 + 60_000 }]);
    const other = await open(db.url, "web-2", { clock });
    cleanups.push(() => other.close());
    expect(await other.claim("backup", T0 + 60_000)).toBe(true);
    expect(await other.claim("report", T0 + 60_000)).toBe(false);
    await first.close();
    expect(await other.claim("report", T0 + 60_000)).toBe(true);
  });
});
