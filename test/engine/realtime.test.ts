/**
 * The engine on the real clock: the early wake, the clock watch and the start
 * gate only run with real timers (a fake clock does not move while watched).
 */
import { afterEach, describe, expect, test } from "bun:test";
import os from "node:os";
import path from "node:path";
import { parseJobFile } from "../../src/config/load.ts";
import { createEngine, type Engine } from "../../src/engine/engine.ts";
import { compileSchedule } from "../../src/schedule/index.ts";
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

describe("on the real clock", () => {
  test("300 jobs due each second start at their instant, never before it, each recorded once with its start time", async () => {
    const t = tempDir("tickd-realtime-");
    cleanup = t.cleanup;
    const instance = `${os.hostname()}:${process.pid}`;
    store = await openStore(`file:${path.join(t.dir, "scheduler.db")}`, { instance });
    const ini = Array.from({ length: 300 }, (_, i) => `[job ${i}]\ncall = app.noop\nevery = 1 second\n`).join("\n");
    const starts: Array<{ due: number; at: number }> = [];
    const noop = (_kwargs: unknown, ctx: { scheduledFor: Date }) => void starts.push({ due: ctx.scheduledFor.getTime(), at: performance.timeOrigin + performance.now() });
    engine = createEngine({ store, instance, timezone: "UTC", compile: compileSchedule, resolve: () => noop });
    await engine.start(parseJobFile(ini, path.join(t.dir, "scheduler.ini"), "UTC").jobs);
    await Bun.sleep(2_500);
    await engine.stop({ graceMs: 1_000 });
    engine = undefined;
    expect(starts.length).toBe(600);
    // performance.timeOrigin and Date.now() can disagree by a fraction of a millisecond.
    expect(Math.min(...starts.map((s) => s.at - s.due))).toBeGreaterThan(-1);
    const rows = (await store.client.execute("SELECT run_id, scheduled_for, started_at, status FROM activity")).rows;
    expect(rows.length).toBe(600);
    expect(new Set(rows.map((r) => r.run_id)).size).toBe(600);
    expect(rows.every((r) => r.status === "success" && Number(r.started_at) >= Number(r.scheduled_for))).toBe(true);
  }, 15_000);
});
