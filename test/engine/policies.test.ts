import { afterEach, describe, expect, test } from "bun:test";
import { Result, STATUS } from "../../src/sdk/index.ts";
import { at, harness, type Harness } from "./harness.ts";

const T0 = at("2026-03-02T10:00:00.000Z");
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A callback that finishes when the test says so. */
function gate() {
  const opens: Array<() => void> = [];
  return {
    fn: () => new Promise<void>((resolve) => opens.push(resolve)),
    openAll: () => opens.splice(0).forEach((open) => open()),
    get waiting() {
      return opens.length;
    },
  };
}

describe("timeout", () => {
  test("a run past its 5 second timeout is recorded as timeout, its signal aborted, and its later failure raises no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    let signal: AbortSignal | undefined;
    let fail: (e: Error) => void = () => {};
    try {
      h = await harness("[slow]\ncall = app.slow\nevery = 1 minute\ntimeout = 5 seconds\n", {
        start: T0,
        callbacks: {
          slow: (_kw, ctx) => {
            signal = ctx.signal;
            return new Promise((_resolve, reject) => (fail = reject));
          },
        },
      });
      await h.clock.advance(64_999);
      expect((await h.rows("slow"))[0]!.status).toBe("running");
      await h.clock.advance(1);
      const [row] = await h.rows("slow");
      expect(row).toMatchObject({ status: "timeout", message: "timed out after 5 s" });
      expect(row!.endedAt! - row!.startedAt).toBe(5_000);
      expect(signal!.aborted).toBe(true);
      fail(new Error("too late"));
      await Bun.sleep(10);
      expect(unhandled).toEqual([]);
      expect(h.engine.job("slow")!.running).toBe(0);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("overlap", () => {
  test("skip: an occurrence due while the previous run still runs is recorded as skipped with the reason", async () => {
    const g = gate();
    h = await harness("[sync]\ncall = app.sync\nevery = 10 seconds\n", { start: T0, callbacks: { sync: g.fn } });
    await h.clock.advance(25_000);
    g.openAll();
    await h.clock.settle();
    const rows = await h.rows("sync");
    expect(rows.map((r) => [r.scheduledFor - T0, r.status])).toEqual([
      [10_000, "success"],
      [20_000, "skipped"],
    ]);
    expect(rows[1]!.message).toBe("skipped: the previous run was still running (overlap = skip)");
  });

  test("queue: an occurrence due while the previous one runs starts right after it ends", async () => {
    const g = gate();
    h = await harness("[sync]\ncall = app.sync\nevery = 10 seconds\noverlap = queue\n", { start: T0, callbacks: { sync: g.fn } });
    await h.clock.advance(25_000);
    expect(g.waiting).toBe(1);
    await h.clock.advance(2_000);
    g.openAll();
    await h.clock.settle();
    expect(g.waiting).toBe(1);
    const rows = await h.rows("sync");
    expect(rows.map((r) => [r.scheduledFor - T0, r.startedAt - T0, r.status])).toEqual([
      [10_000, 10_000, "success"],
      [20_000, 27_000, "running"],
    ]);
    g.openAll();
  });

  test("allow: runs overlap", async () => {
    const g = gate();
    h = await harness("[sync]\ncall = app.sync\nevery = 10 seconds\noverlap = allow\n", { start: T0, callbacks: { sync: g.fn } });
    await h.clock.advance(30_000);
    expect(g.waiting).toBe(3);
    expect(h.engine.job("sync")!.running).toBe(3);
    g.openAll();
    await h.clock.settle();
    expect((await h.rows("sync")).map((r) => r.status)).toEqual(["success", "success", "success"]);
  });
});

describe("retries", () => {
  test("retries = 2, retry_delay = 1 second: a failing job runs 3 times, 1 s then 2 s apart, each attempt recorded", async () => {
    h = await harness("[flaky]\ncall = app.flaky\nevery = 1 hour\nretries = 2\nretry_delay = 1 second\n", {
      start: T0,
      callbacks: { flaky: () => Result(STATUS.failure, { message: "upstream down" }) },
    });
    await h.clock.advance(3_600_000 + 5_000);
    const rows = await h.rows("flaky");
    expect(rows.map((r) => [r.attempt, r.trigger, r.startedAt - T0 - 3_600_000, r.status, r.scheduledFor - T0])).toEqual([
      [1, "schedule", 0, "failure", 3_600_000],
      [2, "retry", 1_000, "failure", 3_600_000],
      [3, "retry", 3_000, "failure", 3_600_000],
    ]);
  });

  test("a retry that succeeds ends the attempts", async () => {
    let calls = 0;
    h = await harness("[flaky]\ncall = app.flaky\nevery = 1 hour\nretries = 5\nretry_delay = 1 second\n", {
      start: T0,
      callbacks: {
        flaky: () => {
          if (++calls < 2) throw new Error("first try fails");
        },
      },
    });
    await h.clock.advance(3_600_000 + 60_000);
    expect((await h.rows("flaky")).map((r) => [r.attempt, r.status])).toEqual([
      [1, "error"],
      [2, "success"],
    ]);
  });
});

describe("jitter", () => {
  test("jitter = 10 seconds with random 0.25 delays the start by 2.5 s; the scheduled time stays", async () => {
    h = await harness("[spread]\ncall = app.spread\nevery = 1 minute\njitter = 10 seconds\n", { start: T0, random: () => 0.25, callbacks: { spread: () => {} } });
    await h.clock.advance(60_000);
    expect(await h.rows("spread")).toEqual([]);
    await h.clock.advance(2_500);
    const [row] = await h.rows("spread");
    expect([row!.scheduledFor - T0, row!.startedAt - T0]).toEqual([60_000, 62_500]);
  });
});

describe("until", () => {
  test("a job every hour until 13:30 runs at 11, 12 and 13 and then is no longer scheduled", async () => {
    h = await harness("[brief]\ncall = app.brief\nevery = 1 hour\nuntil = 2026-03-02T13:30:00Z\n", { start: T0, callbacks: { brief: () => {} } });
    await h.clock.advance(10 * 3_600_000);
    expect((await h.rows("brief")).map((r) => new Date(r.scheduledFor).toISOString().slice(11, 16))).toEqual(["11:00", "12:00", "13:00"]);
    expect(h.engine.job("brief")!.nextRunAt).toBeNull();
  });
});

describe("catchup", () => {
  test("catchup = skip: after 3 hours down an hourly job resumes on its grid (the next of its hours after the restart), nothing missed is run", async () => {
    h = await harness("[hourly]\ncall = app.hourly\nevery = 1 hour\n", { start: T0, callbacks: { hourly: () => {} } });
    await h.clock.advance(3_600_000);
    h = await h.restart(T0 + 4.5 * 3_600_000, "[hourly]\ncall = app.hourly\nevery = 1 hour\n");
    await h.clock.advance(3_600_000);
    expect((await h.rows("hourly")).map((r) => [(r.scheduledFor - T0) / 3_600_000, r.trigger])).toEqual([
      [1, "schedule"],
      [5, "schedule"],
    ]);
  });

  test("catchup = once: after 3 hours down one missed occurrence runs at start, then the grid continues", async () => {
    const ini = "[hourly]\ncall = app.hourly\nevery = 1 hour\ncatchup = once\n";
    h = await harness(ini, { start: T0, callbacks: { hourly: () => {} } });
    await h.clock.advance(3_600_000);
    h = await h.restart(T0 + 4.5 * 3_600_000, ini);
    await h.clock.advance(3_600_000);
    expect((await h.rows("hourly")).map((r) => [(r.scheduledFor - T0) / 3_600_000, (r.startedAt - T0) / 3_600_000, r.trigger])).toEqual([
      [1, 1, "schedule"],
      [2, 4.5, "catchup"],
      [5, 5, "schedule"],
    ]);
  });
});
