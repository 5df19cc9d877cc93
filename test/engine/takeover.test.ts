/**
 * Claims ahead, takeover and the lease, on the fake clock over one real store
 * file (engine/takeover.ts, store/lifecycle.ts, store/lease.ts): with others
 * on the store an engine claims each next occurrence as it schedules it; an
 * occurrence a dead instance claimed and never started is run by the
 * instance that takes it over; and an instance taken over while stopped past
 * its lease starts nothing it had prepared when it wakes. Also: a job with
 * `catchup = once` waits out a store outage and runs once as its catch-up.
 */
import { afterEach, expect, test } from "bun:test";
import path from "node:path";
import { parseJobFile } from "../../src/config/load.ts";
import { createEngine, type Engine } from "../../src/engine/engine.ts";
import { FENCED_MESSAGE } from "../../src/engine/runner.ts";
import { compileSchedule } from "../../src/schedule/index.ts";
import type { Callback } from "../../src/sdk/index.ts";
import { openStore, STALE_AFTER_MS, type Store } from "../../src/store/index.ts";
import { tempDir } from "../helpers/binary.ts";
import { systemClock, type Clock } from "../../src/clock.ts";
import { FakeClock, turns } from "../helpers/fake-clock.ts";
import { at } from "./harness.ts";

const T0 = at("2026-03-02T10:00:00.000Z");
const INI = "[tick]\ncall = app.tick\nevery = 20 seconds\n";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** Instances (own store connection and name each) over one database file, on one fake clock. */
async function sharedStore(options: { readonly failing?: boolean } = {}) {
  const temp = tempDir("tickd-takeover-");
  const url = `file:${path.join(temp.dir, "scheduler.db")}`;
  const stores: Store[] = [];
  const engines: Engine[] = [];
  const clock = new FakeClock({
    start: T0,
    settle: async () => {
      await turns(2);
      // A failing store's flush waits on retries timed by this very clock: then only its I/O is given time.
      for (const s of stores) await (options.failing ? Bun.sleep(2) : s.flush());
      await turns(2);
    },
  });
  const store = async (instance: string) => {
    const s = await openStore(url, { instance, clock, log: () => {} });
    stores.push(s);
    return s;
  };
  const engine = async (s: Store, callbacks: Record<string, Callback>, options: { claimAhead?: boolean; prepareAheadMs?: number; ini?: string } = {}) => {
    const e = createEngine({
      clock,
      store: s,
      instance: s.instance,
      timezone: "UTC",
      compile: compileSchedule,
      resolve: (spec) => callbacks[spec.label],
      lease: s.lease,
      claimAhead: () => options.claimAhead ?? false,
      ...(options.prepareAheadMs !== undefined && { prepareAheadMs: options.prepareAheadMs }),
    });
    engines.push(e);
    await e.start(parseJobFile(options.ini ?? INI, path.join(temp.dir, "scheduler.ini"), "UTC").jobs);
    await clock.settle();
    return e;
  };
  const rows = async (s: Store) => {
    await s.flush();
    const rs = await s.client.execute("SELECT scheduled_for, instance, status, trigger, message FROM activity ORDER BY scheduled_for, instance");
    return rs.rows.map((r) => ({ at: (Number(r.scheduled_for) - T0) / 1000, instance: String(r.instance), status: String(r.status), trigger: String(r.trigger), message: String(r.message) }));
  };
  const claims = async (s: Store) => {
    const rs = await s.client.execute("SELECT scheduled_for, instance FROM claims ORDER BY scheduled_for");
    return rs.rows.map((r) => [(Number(r.scheduled_for) - T0) / 1000, String(r.instance)]);
  };
  cleanups.push(async () => {
    for (const e of engines) await e.stop({ graceMs: 0 });
    for (const s of stores) await s.close().catch(() => {});
    temp.cleanup();
  });
  return { clock, store, engine, rows, claims };
}

test("with others on the store, each job's next occurrence is claimed as soon as it is scheduled; alone, with its run's row", async () => {
  const env = await sharedStore();
  const ahead = await env.store("web-1");
  await env.engine(ahead, { tick: () => {} }, { claimAhead: true });
  expect(await env.claims(ahead)).toEqual([[20, "web-1"]]);
  await env.clock.advanceTo(T0 + 21_000);
  // The occurrence ran on its claim; the next one is claimed in turn.
  expect((await env.rows(ahead)).map((r) => [r.at, r.status])).toEqual([[20, "success"]]);
  expect(await env.claims(ahead)).toEqual([
    [20, "web-1"],
    [40, "web-1"],
  ]);

  const alone = await sharedStore();
  const s = await alone.store("web-1");
  await alone.engine(s, { tick: () => {} });
  expect(await alone.claims(s)).toEqual([]);
});

test("an occurrence a dead instance claimed and never started is run once, by the instance that takes it over", async () => {
  const env = await sharedStore();
  // Another instance claimed the occurrence at T0 + 20 s ahead, then stopped beating (it died).
  const dead = await env.store("web-2");
  expect(await dead.claim("tick", T0 + 20_000)).toBe(true);
  let calls = 0;
  const live = await env.store("web-1");
  const engine = await env.engine(live, { tick: () => void calls++ }, { claimAhead: true });
  await env.clock.advanceTo(T0 + 21_000);
  // Its claim holds: this instance neither starts nor records the occurrence.
  expect(calls).toBe(0);
  expect(await env.rows(live)).toEqual([]);
  // Its lease is over: the heartbeat's look takes it over and hands the occurrence back.
  await env.clock.advanceTo(T0 + STALE_AFTER_MS + 1_000);
  const report = await live.markAbandoned(env.clock.now());
  expect(report.takenOver).toEqual([{ label: "tick", scheduledFor: T0 + 20_000, instance: "web-2" }]);
  engine.takeOver(report.takenOver);
  await env.clock.advance(10);
  expect(calls).toBe(1);
  expect((await env.rows(live)).map((r) => [r.at, r.instance, r.status, r.trigger])).toEqual([[20, "web-1", "success", "takeover"]]);
  // Handed back twice (another look), it does not run again.
  engine.takeOver(report.takenOver);
  await env.clock.advance(10);
  expect(calls).toBe(1);
});

test("an instance taken over while stopped past its lease does not start what it had prepared; the record says so", async () => {
  // On the real clock, so the instant is prepared (its row written) ahead and
  // held in a gate. The store's clock runs 9 s behind: its registration, and
  // so its lease (10 s), ends 1 s from now, before the first occurrence.
  const temp = tempDir("tickd-fenced-");
  cleanups.push(() => temp.cleanup());
  const url = `file:${path.join(temp.dir, "scheduler.db")}`;
  const behind: Clock = { ...systemClock, now: () => Date.now() - 9_000 };
  const sleeper = await openStore(url, { instance: "web-1", clock: behind, log: () => {} });
  let calls = 0;
  const engine = createEngine({
    store: sleeper,
    instance: "web-1",
    timezone: "UTC",
    compile: compileSchedule,
    resolve: () => () => void calls++,
    lease: sleeper.lease,
    prepareAheadMs: 2_500,
  });
  cleanups.push(async () => {
    await engine.stop({ graceMs: 0 });
    await sleeper.close();
  });
  // Every 3 s, prepared 2.5 s ahead: the takeover below has 2.5 s to come between the row and the instant.
  await engine.start(parseJobFile("[tick]\ncall = app.tick\nevery = 3 seconds\n", path.join(temp.dir, "scheduler.ini"), "UTC").jobs);
  const statuses = async () => (await sleeper.client.execute("SELECT status, message FROM activity ORDER BY scheduled_for")).rows.map((r) => [String(r.status), String(r.message)]);
  // Its row is written ahead of the instant…
  for (let i = 0; i < 600 && (await statuses()).length === 0; i++) await Bun.sleep(5);
  expect(await statuses()).toEqual([["running", ""]]);
  // …and before the instant another instance finds its lease over and takes it over.
  const other = await openStore(url, { instance: "web-2", log: () => {} });
  cleanups.push(() => other.close());
  expect((await other.markAbandoned(Date.now() + 3_000)).deadInstances).toEqual(["web-1"]);
  expect((await statuses())[0]?.[0]).toBe("abandoned");
  // The instant: past its lease, it renews first, learns it was taken over, and starts nothing.
  for (let i = 0; i < 600 && (await statuses())[0]?.[0] === "abandoned"; i++) await Bun.sleep(5);
  expect(calls).toBe(0);
  expect(await statuses()).toEqual([["missed", FENCED_MESSAGE]]);
  // Registered again, it runs the next occurrence.
  for (let i = 0; i < 1_200 && calls === 0; i++) await Bun.sleep(5);
  expect(calls).toBe(1);
}, 20_000);

test("past its lease but not taken over, an instance renews and starts its prepared runs", async () => {
  const env = await sharedStore();
  let calls = 0;
  const s = await env.store("web-1");
  await env.engine(s, { tick: () => void calls++ }, { prepareAheadMs: 5_000 });
  // No heartbeat since T0: at T0 + 20 s the lease (10 s) is over; nobody took it.
  await env.clock.advanceTo(T0 + 21_000);
  expect(calls).toBe(1);
  expect((await env.rows(s)).map((r) => [r.at, r.status])).toEqual([[20, "success"]]);
});

test("catchup = once waits out a store outage and runs once, as the catch-up; the occurrences meanwhile are missed", async () => {
  const env = await sharedStore({ failing: true });
  let calls = 0;
  const s = await env.store("web-1");
  await env.engine(s, { tick: () => void calls++ }, { ini: `${INI}catchup = once\n` });
  await s.client.execute("CREATE TRIGGER refuse BEFORE INSERT ON activity BEGIN SELECT RAISE(ABORT, 'disk full'); END");
  await env.clock.advanceTo(T0 + 45_000);
  expect(calls).toBe(0);
  await s.client.execute("DROP TRIGGER refuse");
  // The write queue tries again (RECOVERY_DELAY_MS) and the waiting run starts.
  await env.clock.advanceTo(T0 + 55_000);
  expect(calls).toBe(1);
  expect((await env.rows(s)).map((r) => [r.at, r.status, r.trigger])).toEqual([
    [20, "success", "catchup"],
    [40, "missed", "schedule"],
  ]);
});
