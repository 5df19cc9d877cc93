/**
 * The engine's promises on one store, on the fake clock: an `every` job's
 * occurrences are the same instants in every instance and across restarts
 * (the grid is anchored in the store), a run's row is durable before its
 * callback is called, and an instance whose claim was taken over starts
 * nothing and writes nothing.
 */
import { afterEach, expect, test } from "bun:test";
import path from "node:path";
import { createClient } from "@libsql/client";
import { parseJobFile } from "../../src/config/load.ts";
import { createEngine, type Engine } from "../../src/engine/engine.ts";
import { compileSchedule } from "../../src/schedule/index.ts";
import type { Callback } from "../../src/sdk/index.ts";
import { openStore, type Store } from "../../src/store/index.ts";
import { tempDir } from "../helpers/binary.ts";
import { FakeClock, turns } from "../helpers/fake-clock.ts";
import { at, harness, type Harness } from "./harness.ts";

const T0 = at("2026-03-02T10:00:00.000Z");

let h: Harness | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** Two instances (own store connections and names) over one database file, on one fake clock. */
async function twoInstances(ini: string, callbacks: Record<string, Callback>) {
  const temp = tempDir("tickd-guarantees-");
  const url = `file:${path.join(temp.dir, "scheduler.db")}`;
  const stores: Store[] = [];
  const clock = new FakeClock({
    start: T0,
    settle: async () => {
      await turns(2);
      for (const s of stores) await s.flush();
      await turns(2);
    },
  });
  const engines: Engine[] = [];
  const jobs = parseJobFile(ini, path.join(temp.dir, "scheduler.ini"), "UTC").jobs;
  const startOne = async (instance: string) => {
    const store = await openStore(url, { instance });
    stores.push(store);
    const engine = createEngine({ clock, store, instance, timezone: "UTC", compile: compileSchedule, resolve: (spec) => callbacks[spec.label] });
    engines.push(engine);
    await engine.start(jobs);
    await clock.settle();
    return engine;
  };
  cleanups.push(async () => {
    for (const e of engines) await e.stop({ graceMs: 0 });
    for (const s of stores) await s.close();
    temp.cleanup();
  });
  return { clock, url, startOne, stores };
}

async function occurrences(url: string): Promise<Array<[number, string]>> {
  const client = createClient({ url });
  try {
    const rs = await client.execute("SELECT scheduled_for, instance FROM activity ORDER BY scheduled_for, instance");
    return rs.rows.map((r) => [(Number(r.scheduled_for) - T0) / 1000, String(r.instance)]);
  } finally {
    client.close();
  }
}

test("two instances started 3.7 s apart run each occurrence of an every-10-seconds job once, on one grid", async () => {
  let calls = 0;
  const env = await twoInstances("[tick]\ncall = app.tick\nevery = 10 seconds\n", { tick: () => void calls++ });
  await env.startOne("web-1:1");
  await env.clock.advance(3_700);
  await env.startOne("web-2:2");
  await env.clock.advance(60_000);
  const rows = await occurrences(env.url);
  // The grid of the first start (T0 + 10 s, 20 s, …), not one per instance.
  expect(rows.map(([s]) => s)).toEqual([10, 20, 30, 40, 50, 60]);
  expect(calls).toBe(6);
});

test("a restart continues the job's grid; a changed schedule starts a new one", async () => {
  const ini = "[tick]\ncall = app.tick\nevery = 10 seconds\n";
  h = await harness(ini, { start: T0, callbacks: { tick: () => {} } });
  await h.clock.advance(15_000);
  h = await h.restart(T0 + 25_000, ini);
  expect(h.engine.job("tick")!.nextRunAt! - T0).toBe(30_000);
  const changed = "[tick]\ncall = app.tick\nevery = 7 seconds\n";
  h = await h.restart(T0 + 41_000, changed);
  // New schedule: as if registered now (41 s + 7 s).
  expect(h.engine.job("tick")!.nextRunAt! - T0).toBe(48_000);
  h = await h.restart(T0 + 50_000, changed);
  expect(h.engine.job("tick")!.nextRunAt! - T0).toBe(55_000);
});

test("a run's row is in the database, status running, before its callback is called", async () => {
  let seen: string[] | undefined;
  let file = "";
  h = await harness("[look]\ncall = app.look\nevery = 1 minute\n", {
    start: T0,
    callbacks: {
      look: async () => {
        // Another connection, as a process started after a crash would read it.
        const other = createClient({ url: `file:${file}` });
        try {
          const rs = await other.execute({ sql: "SELECT status FROM activity WHERE label = ? AND scheduled_for = ?", args: ["look", T0 + 60_000] });
          seen = rs.rows.map((r) => String(r.status));
        } finally {
          other.close();
        }
      },
    },
  });
  file = path.join(h.dir, "scheduler.db");
  await h.clock.advance(61_000);
  expect(seen).toEqual(["running"]);
  expect((await h.rows("look")).map((r) => r.status)).toEqual(["success"]);
});

test("an occurrence another instance has claimed is neither started nor recorded by this one", async () => {
  let calls = 0;
  h = await harness("[once]\ncall = app.once\nevery = 1 minute\n", { start: T0, callbacks: { once: () => void calls++ } });
  await h.clock.advanceTo(T0 + 59_000);
  // Another instance (or a takeover of this one's lease) holds the occurrence.
  await h.store.client.execute({ sql: "INSERT INTO claims (label, scheduled_for, instance, claimed_at) VALUES ('once', ?, 'other:9', ?)", args: [T0 + 60_000, T0] });
  await h.clock.advanceTo(T0 + 61_000);
  expect(calls).toBe(0);
  expect(await h.rows("once")).toEqual([]);
  // The next occurrence is this instance's again.
  await h.clock.advanceTo(T0 + 121_000);
  expect(calls).toBe(1);
  expect((await h.rows("once")).map((r) => (r.scheduledFor - T0) / 1000)).toEqual([120]);
});

test("overlap = skip on two instances: the occurrence gets exactly one record, the skip or the run", async () => {
  const release: Array<() => void> = [];
  const env = await twoInstances("[slow]\ncall = app.slow\nevery = 10 seconds\n", {
    slow: () => new Promise<void>((resolve) => release.push(resolve)),
  });
  await env.startOne("web-1:1");
  await env.startOne("web-2:2");
  await env.clock.advance(35_000);
  for (const r of release.splice(0)) r();
  await env.clock.advance(1_000);
  const rows = await occurrences(env.url);
  expect(rows.map(([s]) => s)).toEqual([10, 20, 30]);
});
