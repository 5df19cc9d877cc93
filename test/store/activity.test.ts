import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  countActivities,
  countsByJobAndStatus,
  countsByStatus,
  getActivity,
  lastRun,
  lastRuns,
  listActivities,
  type Store,
} from "../../src/store/index.ts";
import { jobFlags, jobHealth } from "../../src/store/activity.ts";
import { MINUTE, T0, open, run, tempDb } from "./fixtures.ts";

const db = tempDb();
let store: Store;

// 25 runs of "a" (one a minute from T0), 5 of "b" (at T0 + 2.5 min steps); every 5th "a" fails.
beforeAll(async () => {
  store = await open(db.url);
  for (let i = 0; i < 25; i++) {
    const r = run({ label: "a", scheduledFor: T0 + i * MINUTE });
    store.finished({ ...r, status: i % 5 === 4 ? "failure" : "success", endedAt: r.startedAt + 100, message: `a${i}` });
  }
  for (let i = 0; i < 5; i++) {
    const r = run({ label: "b", scheduledFor: T0 + i * 150_000 });
    store.finished({ ...r, status: "success", endedAt: r.startedAt + 10, message: `b${i}` });
  }
  // two runs starting at the same instant: the cursor must still separate them
  store.finished({ ...run({ label: "c", scheduledFor: T0, attempt: 1 }), status: "error", endedAt: T0 + 1, message: "c1" });
  store.finished({ ...run({ label: "c", scheduledFor: T0, attempt: 2, trigger: "retry" }), status: "success", endedAt: T0 + 2, message: "c2" });
  await store.flush();
});
afterAll(async () => {
  await store.close();
  db.cleanup();
});

describe("listing activity", () => {
  test("pages of 7 walk every run exactly once, newest first, and the last page says there is no next", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await listActivities(store, { first: 7, after });
      pages++;
      seen.push(...page.rows.map((r) => r.message));
      if (!page.hasNextPage) break;
      after = page.endCursor!;
    }
    expect(pages).toBe(5);
    expect(seen.length).toBe(32);
    expect(new Set(seen).size).toBe(32);
    expect(seen.slice(0, 3)).toEqual(["a24", "a23", "a22"]);
    expect(seen.slice(-4).sort()).toEqual(["a0", "b0", "c1", "c2"]);
  });

  test("a cursor stays valid when newer runs arrive: the next page continues where the last one ended", async () => {
    const first = await listActivities(store, { label: "a", first: 3 });
    expect(first.rows.map((r) => r.message)).toEqual(["a24", "a23", "a22"]);
    store.finished({ ...run({ label: "a", scheduledFor: T0 + 60 * MINUTE }), status: "success", endedAt: T0 + 60 * MINUTE + 1, message: "late" });
    await store.flush();
    const next = await listActivities(store, { label: "a", first: 3, after: first.endCursor! });
    expect(next.rows.map((r) => r.message)).toEqual(["a21", "a20", "a19"]);
  });

  test("filters by label, statuses and a half-open time range", async () => {
    const failures = await listActivities(store, { label: "a", statuses: ["failure"], first: 100 });
    expect(failures.rows.map((r) => r.message)).toEqual(["a24", "a19", "a14", "a9", "a4"]);
    const window = await listActivities(store, { since: T0 + 5 * MINUTE, until: T0 + 7 * MINUTE, first: 100 });
    // b2 and a5 both start at T0 + 5 min; the later-recorded one comes first
    expect(window.rows.map((r) => r.message)).toEqual(["a6", "b2", "a5"]);
    expect(await countActivities(store, { label: "b" })).toBe(5);
  });

  test("a cursor that was not made by the store is refused with a usage error", async () => {
    await expect(listActivities(store, { first: 5, after: "bogus" })).rejects.toThrow("invalid activity cursor");
  });
});

describe("single runs and summaries", () => {
  test("getActivity finds a run by id", async () => {
    const row = await getActivity(store, `test-host:1:b:${T0}:1`);
    expect([row?.label, row?.message, row?.endedAt]).toEqual(["b", "b0", T0 + 10]);
  });

  test("lastRun and lastRuns give the latest run of each job; jobs without runs are absent", async () => {
    expect((await lastRun(store, "b"))?.message).toBe("b4");
    const latest = await lastRuns(store, ["a", "b", "c", "never"]);
    expect([...latest.entries()].map(([label, r]) => [label, r.message]).sort()).toEqual([
      ["a", "late"],
      ["b", "b4"],
      ["c", "c2"],
    ]);
  });

  test("counts by status and by job and status", async () => {
    expect(await countsByStatus(store)).toEqual({ success: 27, failure: 5, error: 1 });
    expect(await countsByJobAndStatus(store)).toEqual([
      { label: "a", status: "failure", count: 5 },
      { label: "a", status: "success", count: 21 },
      { label: "b", status: "success", count: 5 },
      { label: "c", status: "error", count: 1 },
      { label: "c", status: "success", count: 1 },
    ]);
  });
});

describe("a job's failure streak", () => {
  test("counts occurrences, not attempts: the same in jobHealth (/metrics, the notifier) and jobFlags (the dashboard)", async () => {
    const at = (m: number) => T0 + 200 * MINUTE + m * MINUTE;
    const end = (r: ReturnType<typeof run>, status: string) => store.finished({ ...r, status: status as never, endedAt: r.startedAt + 5 });
    end(run({ label: "d", scheduledFor: at(0) }), "success");
    // Two occurrences, each failing on its first attempt and on its retry.
    end(run({ label: "d", scheduledFor: at(1), startedAt: at(1) }), "failure");
    end(run({ label: "d", scheduledFor: at(1), startedAt: at(1) + 1_000, attempt: 2, trigger: "retry" }), "failure");
    end(run({ label: "d", scheduledFor: at(2), startedAt: at(2) }), "error");
    end(run({ label: "d", scheduledFor: at(2), startedAt: at(2) + 1_000, attempt: 2, trigger: "retry" }), "timeout");
    await store.flush();
    expect((await jobHealth(store)).get("d")?.failuresInRow).toBe(2);
    expect((await jobFlags(store, ["d"], 0)).get("d")?.failuresInRow).toBe(2);
  });
});
