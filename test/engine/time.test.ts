import { afterEach, describe, expect, test } from "bun:test";
import { MAX_TIMER_MS } from "../../src/clock.ts";
import { at, harness, type Harness } from "./harness.ts";

const T0 = at("2026-03-02T10:00:00.000Z");
const DAY = 86_400_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("the clock", () => {
  test("a year of a daily job runs 365 times, each exactly at its scheduled instant, in well under five seconds of test time", async () => {
    // The wall-clock check wakes the engine once a minute; nothing jumps here, so let it sleep a day.
    h = await harness("[daily]\ncall = app.daily\nevery = 1 day\n", { start: T0, maxSleepMs: DAY, callbacks: { daily: () => {} } });
    const began = performance.now();
    await h.clock.advance(365 * DAY);
    const rows = await h.rows("daily");
    expect(rows.length).toBe(365);
    expect(rows.every((r, i) => r.scheduledFor === T0 + (i + 1) * DAY && r.startedAt === r.scheduledFor && r.status === "success")).toBe(true);
    expect(new Set(rows.map((r) => r.runId)).size).toBe(365);
    expect(performance.now() - began).toBeLessThan(5_000);
  });

  test("a job every 4 weeks (beyond 2^31-1 ms) fires on time and no timer is ever asked for more than 2^31-1 ms", async () => {
    h = await harness("[monthly]\ncall = app.m\nevery = 4 weeks\n", { start: T0, callbacks: { m: () => {} } });
    await h.clock.advance(28 * DAY - 1);
    expect(await h.rows("monthly")).toEqual([]);
    await h.clock.advance(1);
    expect((await h.rows("monthly")).map((r) => r.startedAt - T0)).toEqual([28 * DAY]);
    expect(Math.max(...h.clock.requestedDelays)).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  test("time going backwards by an hour does not run any occurrence twice", async () => {
    h = await harness("[tick]\ncall = app.tick\nevery = 1 minute\n", { start: T0, callbacks: { tick: () => {} } });
    await h.clock.advance(5 * 60_000);
    h.clock.jump(-3_600_000);
    await h.clock.advance(2 * 3_600_000);
    const rows = await h.rows("tick");
    const keys = rows.map((r) => r.scheduledFor);
    expect(new Set(keys).size).toBe(keys.length);
    // Five before the step back; after it, wall time reaches 10:05 again an hour later and the grid continues.
    expect(rows.slice(0, 6).map((r) => (r.scheduledFor - T0) / 60_000)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows.at(-1)!.scheduledFor).toBeLessThanOrEqual(h.clock.now());
  });

  test("a forward jump of 30 days (suspend) with catchup = skip runs nothing missed and resumes on the grid", async () => {
    h = await harness("[daily]\ncall = app.daily\nevery = 1 day\n", { start: T0, callbacks: { daily: () => {} } });
    await h.clock.advance(DAY);
    h.clock.jump(30 * DAY + 3_600_000);
    await h.clock.advance(2 * DAY);
    const rows = await h.rows("daily");
    expect(rows.map((r) => [(r.scheduledFor - T0) / DAY, r.trigger])).toEqual([
      [1, "schedule"],
      [32, "schedule"],
      [33, "schedule"],
    ]);
  });

  test("a forward jump of 30 days with catchup = once runs one missed occurrence at once, then resumes", async () => {
    h = await harness("[daily]\ncall = app.daily\nevery = 1 day\ncatchup = once\n", { start: T0, callbacks: { daily: () => {} } });
    await h.clock.advance(DAY);
    h.clock.jump(30 * DAY + 3_600_000);
    await h.clock.advance(2 * DAY);
    const rows = await h.rows("daily");
    expect(rows.map((r) => [(r.scheduledFor - T0) / DAY, r.trigger])).toEqual([
      [1, "schedule"],
      [2, "catchup"],
      [32, "schedule"],
      [33, "schedule"],
    ]);
    // The catch-up started within a minute of waking (the timer never sleeps longer).
    expect(rows[1]!.startedAt - (T0 + DAY + 30 * DAY + 3_600_000)).toBeLessThanOrEqual(60_000);
  });

  test("a 30-day downtime with catchup = once runs one missed occurrence of a 1-second job, not 2.6 million", async () => {
    const ini = "[tick]\ncall = app.tick\nevery = 1 second\ncatchup = once\n";
    h = await harness(ini, { start: T0, callbacks: { tick: () => {} } });
    await h.clock.advance(3_000);
    h = await h.restart(T0 + 30 * DAY, ini);
    await h.clock.advance(2_000);
    const rows = await h.rows("tick");
    expect(rows.map((r) => [r.scheduledFor - T0, r.trigger])).toEqual([
      [1_000, "schedule"],
      [2_000, "schedule"],
      [3_000, "schedule"],
      [4_000, "catchup"],
      [30 * DAY + 1_000, "schedule"],
      [30 * DAY + 2_000, "schedule"],
    ]);
  });

  test("a timer that fires early is re-armed and the job still starts exactly at its instant", async () => {
    h = await harness("[tick]\ncall = app.tick\nevery = 1 minute\n", { start: T0, callbacks: { tick: () => {} } });
    // Wall time slips back 2 s after arming: the timer fires when wall time reads 10:00:58.
    h.clock.jump(-2_000);
    await h.clock.advance(60_000);
    expect(await h.rows("tick")).toEqual([]);
    await h.clock.advance(2_000);
    expect((await h.rows("tick")).map((r) => r.startedAt - T0)).toEqual([60_000]);
  });
});

describe("systemClock", () => {
  test("splits a 30-day delay into setTimeout calls of at most 2^31-1 ms and fires once at the end", async () => {
    const { systemClock } = await import("../../src/clock.ts");
    const real = globalThis.setTimeout;
    const asked: Array<{ fn: () => void; ms: number }> = [];
    globalThis.setTimeout = ((fn: () => void, ms: number) => {
      asked.push({ fn, ms });
      return asked.length as unknown as ReturnType<typeof setTimeout>;
    }) as typeof setTimeout;
    let fired = 0;
    const delays: number[] = [];
    try {
      systemClock.setTimer(() => fired++, 30 * DAY);
      while (asked.length > 0 && fired === 0) {
        const next = asked.shift()!;
        delays.push(next.ms);
        next.fn();
      }
    } finally {
      globalThis.setTimeout = real;
    }
    expect(fired).toBe(1);
    expect(delays).toEqual([MAX_TIMER_MS, 30 * DAY - MAX_TIMER_MS]);
  });
});

describe("many jobs", () => {
  test("1,000 jobs due at the same instant all start at that instant, each recorded once", async () => {
    const ini = Array.from({ length: 1000 }, (_, i) => `[job ${i}]\ncall = app.noop\nevery = 10 seconds\n`).join("\n");
    const started: number[] = [];
    const callbacks = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`job ${i}`, () => void started.push(0)]));
    h = await harness(ini, { start: T0, callbacks });
    await h.clock.advance(10_000);
    expect(started.length).toBe(1000);
    const rows = await h.rows();
    expect(rows.length).toBe(1000);
    expect(rows.every((r) => r.scheduledFor === T0 + 10_000 && r.startedAt === T0 + 10_000 && r.status === "success")).toBe(true);
  });

  test("5,000 scheduled jobs, none due for an hour, keep exactly one timer and wake once a minute at most", async () => {
    const ini = Array.from({ length: 5000 }, (_, i) => `[job ${i}]\ncall = app.noop\nevery = ${60 + (i % 60)} minutes\n`).join("\n");
    h = await harness(ini, { start: T0, callbacks: {} });
    const before = h.clock.requestedDelays.length;
    expect(h.clock.pending).toBe(1);
    await h.clock.advance(59 * 60_000);
    expect(h.clock.requestedDelays.length - before).toBeLessThanOrEqual(60);
    expect(await h.rows()).toEqual([]);
  });
});
