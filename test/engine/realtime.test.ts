/**
 * The engine on the real clock: the early wake, the clock watch and the start
 * gate only run with real timers (a fake clock does not move while watched).
 */
import { afterEach, describe, expect, test } from "bun:test";
import os from "node:os";
import path from "node:path";
import { parseJobFile } from "../../src/config/load.ts";
import { systemClock, type Clock } from "../../src/clock.ts";
import { COLLECT_MIN_RUNS, EARLY_WAKE_MS } from "../../src/engine/constants.ts";
import { createEngine, type Engine } from "../../src/engine/engine.ts";
import { compileSchedule } from "../../src/schedule/index.ts";
import { Result, STATUS, type Callback } from "../../src/sdk/index.ts";
import { openStore, type Store } from "../../src/store/index.ts";
import { tempDir } from "../helpers/binary.ts";

let engine: Engine | undefined;
let store: Store | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  await engine?.stop({ graceMs: 0 });
  await store?.close();
  cleanup?.();
  engine = store = cleanup = undefined;
});

/** An engine on the real clock over a temp store, running `ini` with `callback` for every job. */
async function startEngine(ini: string, callback: Callback, prepareAheadMs?: number, clock?: Clock, earlyWakeMs?: number): Promise<{ engine: Engine; store: Store }> {
  const t = tempDir("tickd-realtime-");
  cleanup = t.cleanup;
  const instance = `${os.hostname()}:${process.pid}`;
  store = await openStore(`file:${path.join(t.dir, "scheduler.db")}`, { instance });
  engine = createEngine({ store, instance, timezone: "UTC", compile: compileSchedule, resolve: () => callback, ...(prepareAheadMs !== undefined && { prepareAheadMs }), ...(clock && { clock, earlyWakeMs }) });
  await engine.start(parseJobFile(ini, path.join(t.dir, "scheduler.ini"), "UTC").jobs);
  return { engine, store };
}

/** Stop the engine now (its runs get a second); afterEach then only closes the store. */
async function stopEngine(): Promise<void> {
  await engine!.stop({ graceMs: 1_000 });
  engine = undefined;
}

describe("on the real clock", () => {
  test("300 jobs due each second start at their instant, never before it, each recorded once with its start time", async () => {
    const ini = Array.from({ length: 300 }, (_, i) => `[job ${i}]\ncall = app.noop\nevery = 1 second\n`).join("\n");
    const starts: Array<{ due: number; at: number }> = [];
    const { store: s } = await startEngine(ini, (_kwargs, ctx) => void starts.push({ due: ctx.scheduledFor.getTime(), at: performance.timeOrigin + performance.now() }));
    await Bun.sleep(2_500);
    await stopEngine();
    expect(starts.length).toBe(600);
    // performance.timeOrigin and Date.now() can disagree by a fraction of a millisecond.
    expect(Math.min(...starts.map((s) => s.at - s.due))).toBeGreaterThan(-1);
    const rows = (await s.client.execute("SELECT run_id, scheduled_for, started_at, status FROM activity")).rows;
    expect(rows.length).toBe(600);
    expect(new Set(rows.map((r) => r.run_id)).size).toBe(600);
    expect(rows.every((r) => r.status === "success" && Number(r.started_at) >= Number(r.scheduled_for))).toBe(true);
  }, 15_000);

  /** One job every second; its instants are prepared `prepareAheadMs` ahead. Returns its first instant too. */
  async function oneJob(spec: string, prepareAheadMs: number, callback: Callback) {
    const started = await startEngine(`[tick]\ncall = app.tick\nevery = 1 second\n${spec}`, callback, prepareAheadMs);
    return { ...started, first: started.engine.job("tick")!.nextRunAt! };
  }

  test("overlap = skip: a run that ends after its next instant was prepared but before that instant does not make it skip", async () => {
    // The next instant is prepared ~420 ms ahead; each run takes 700 ms, so it is
    // still running then, and over 300 ms before the instant comes.
    const starts: number[] = [];
    const { store: s, first } = await oneJob("overlap = skip\n", 400, async (_kw, ctx) => {
      starts.push(ctx.scheduledFor.getTime());
      await Bun.sleep(700);
    });
    await Bun.sleep(first + 1_850 - Date.now());
    await stopEngine();
    expect(starts).toEqual([first, first + 1_000]);
    const rows = (await s.client.execute("SELECT scheduled_for, status FROM activity ORDER BY scheduled_for")).rows;
    expect(rows.map((r) => [Number(r.scheduled_for) - first, r.status])).toEqual([
      [0, "success"],
      [1_000, "success"],
    ]);
  }, 15_000);

  test("a stop after an instant was prepared and before it comes starts nothing and records the run as not started", async () => {
    const starts: number[] = [];
    const { store: s, first } = await oneJob("", 400, (_kw, ctx) => void starts.push(ctx.scheduledFor.getTime()));
    // Prepared about 420 ms before `first`, opened about 4 ms before it: stop half-way.
    await Bun.sleep(first - 200 - Date.now());
    await stopEngine();
    await Bun.sleep(first + 100 - Date.now());
    expect(starts).toEqual([]);
    const rows = (await s.client.execute("SELECT scheduled_for, started_at, ended_at, status, message FROM activity")).rows;
    expect(rows.map((r): Record<string, unknown> => ({ ...r }))).toEqual([{ scheduled_for: first, started_at: first, ended_at: first, status: "skipped", message: "not started: aborted at shutdown" }]);
  }, 15_000);

  test("each run the gate starts is recorded with what its callback returned or threw, and a command job starts through it too", async () => {
    const ini = ["returns", "throws", "says", "fails"].map((l) => `[${l}]\ncall = app.${l}\nevery = 1 second\n`).join("\n") + "\n[shell]\ncommand = echo from the shell\nevery = 1 second\n";
    // A string returned is the message of a success (issue 14).
    const callback = (_kw: unknown, ctx: { label: string }) => {
      if (ctx.label === "throws") throw new Error("thrown at the instant");
      if (ctx.label === "says") return "said at the instant";
      if (ctx.label === "fails") return Result(STATUS.failure, { message: "failed at the instant" });
      return undefined;
    };
    const { store: s } = await startEngine(ini, callback as unknown as Callback);
    const first = engine!.job("returns")!.nextRunAt!;
    await Bun.sleep(first + 500 - Date.now());
    await stopEngine();
    const rows = (await s.client.execute({ sql: "SELECT label, status, message, output FROM activity WHERE scheduled_for = ? ORDER BY label", args: [first] })).rows;
    expect(rows.map((r): Record<string, unknown> => ({ ...r }))).toEqual([
      { label: "fails", status: "failure", message: "failed at the instant", output: "" },
      { label: "returns", status: "success", message: "", output: "" },
      { label: "says", status: "success", message: "said at the instant", output: "" },
      { label: "shell", status: "success", message: "", output: "from the shell\n" },
      { label: "throws", status: "error", message: "Error: thrown at the instant", output: "" },
    ]);
  }, 15_000);

  test("an instant of many runs is followed by a collection before it comes, after its rows are written; a small one is not", async () => {
    // The real clock, watched as the system clock is, with its collections recorded.
    const collections: number[] = [];
    const clock: Clock = { ...systemClock, collect: () => void collections.push(Date.now()) };
    const many = COLLECT_MIN_RUNS + 20;
    const ini = Array.from({ length: many }, (_, i) => `[job ${i}]\ncall = app.noop\nevery = 1 second\n`).join("\n");
    const dues = new Set<number>();
    await startEngine(ini, (_kwargs, ctx) => void dues.add(ctx.scheduledFor.getTime()), undefined, clock, EARLY_WAKE_MS);
    await Bun.sleep(2_500);
    await stopEngine();
    expect(dues.size).toBeGreaterThanOrEqual(2);
    // One as the engine started, then one for each instant in the gap before it
    // (never after it: that would be a pause among the starts).
    expect(collections.length).toBe(1 + dues.size);
    for (const due of dues) expect(collections.filter((t) => t < due && t > due - 200).length).toBe(1);
    await store!.close();
    cleanup!();
    store = cleanup = undefined;

    collections.length = 0;
    const few = Array.from({ length: 10 }, (_, i) => `[job ${i}]\ncall = app.noop\nevery = 1 second\n`).join("\n");
    let ran = 0;
    await startEngine(few, () => void ran++, undefined, clock, EARLY_WAKE_MS);
    await Bun.sleep(2_200);
    await stopEngine();
    expect(ran).toBeGreaterThanOrEqual(20);
    expect(collections).toEqual([]);
  }, 15_000);
});
