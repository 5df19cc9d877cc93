/** Pages of runs in the API's orders (store/run-page.ts): keyset cursors, both directions, ties, runs still going. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { listRuns, type ListRunsOptions, type RunOrder } from "../../src/store/run-page.ts";
import type { Store } from "../../src/store/index.ts";
import { MINUTE, T0, open, run, tempDb } from "./fixtures.ts";

const db = tempDb();
let store: Store;

// Six runs a minute apart taking 5, 1, 3, 1, 4 and 2 seconds (two ties at 1 s), and one still going.
const SECONDS = [5, 1, 3, 1, 4, 2];
beforeAll(async () => {
  store = await open(db.url);
  SECONDS.forEach((s, i) => {
    const r = run({ label: "a", scheduledFor: T0 + i * MINUTE });
    store.finished({ ...r, status: "success", endedAt: r.startedAt + s * 1000, message: `r${i}` });
  });
  await store.begin({ ...run({ label: "a", scheduledFor: T0 + 10 * MINUTE }), message: "going" });
  await store.flush();
});
afterAll(async () => {
  await store.close();
  db.cleanup();
});

async function all(order: RunOrder, size: number, backwards = false): Promise<string[]> {
  const seen: string[] = [];
  let position: ListRunsOptions["after"];
  for (;;) {
    const page = await listRuns(store, { filter: {}, order, ...(backwards ? { last: size, before: position } : { first: size, after: position }) });
    const messages = page.rows.map((r) => r.row.message);
    if (backwards) seen.unshift(...messages);
    else seen.push(...messages);
    if (!page.more) return seen;
    position = backwards ? page.rows[0]!.position : page.rows.at(-1)!.position;
  }
}

test("by duration, shortest first: ties in the order they were recorded, the run still going first", async () => {
  expect(await all({ field: "duration", direction: "asc" }, 10)).toEqual(["going", "r1", "r3", "r5", "r2", "r4", "r0"]);
});

test("pages of 2, forwards or backwards, walk every run once in the same order, ties included", async () => {
  for (const order of [
    { field: "duration", direction: "asc" },
    { field: "duration", direction: "desc" },
    { field: "startedAt", direction: "desc" },
    { field: "scheduledFor", direction: "asc" },
  ] as RunOrder[]) {
    const whole = await all(order, 100);
    expect(whole).toHaveLength(7);
    expect(await all(order, 2)).toEqual(whole);
    expect(await all(order, 2, true)).toEqual(whole);
  }
});

test("a size of 0 is an empty page with nothing more to say", async () => {
  expect(await listRuns(store, { filter: {}, order: { field: "startedAt", direction: "desc" }, first: 0 })).toEqual({ rows: [], more: false });
});
