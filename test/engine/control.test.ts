import { afterEach, describe, expect, test } from "bun:test";
import { parseJobFile } from "../../src/config/load.ts";
import { brandJobSpec } from "../../src/config/types.ts";
import { at, harness, setIni, type Harness } from "./harness.ts";

const T0 = at("2026-03-02T10:00:00.000Z");
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const noop = () => {};

describe("control", () => {
  test("deactivate removes the next occurrence at once; activate schedules it on its grid again", async () => {
    h = await harness("[tick]\ncall = app.tick\nevery = 1 minute\n", { start: T0, callbacks: { tick: noop } });
    await h.clock.advance(90_000);
    const off = await h.engine.deactivate("tick");
    expect([off.active, off.nextRunAt]).toEqual([false, null]);
    await h.clock.advance(10 * 60_000);
    await h.engine.activate("tick");
    // Activated at 11.5 min on a grid of whole minutes since T0: next at 12 min.
    expect(h.engine.job("tick")!.nextRunAt! - T0).toBe(12 * 60_000);
    await h.clock.advance(60_000);
    expect((await h.rows("tick")).map((r) => (r.scheduledFor - T0) / 1000)).toEqual([60, 720]);
    expect(h.events.filter((e) => e.type === "job.changed").map((e) => (e as { change: string }).change)).toEqual(["deactivated", "activated"]);
  });

  test("an inactive job is listed with no next run and never runs", async () => {
    h = await harness("[off]\ncall = app.off\nevery = 1 second\nactive = no\n", { start: T0, callbacks: { off: noop } });
    await h.clock.advance(10_000);
    expect(h.engine.job("off")).toMatchObject({ active: false, nextRunAt: null, running: 0 });
    expect(await h.rows()).toEqual([]);
  });

  test("runNow runs an inactive job once, now, as a manual run, and resolves with its record", async () => {
    h = await harness("[off]\ncall = app.off\nevery = 1 hour\nactive = no\n", { start: T0, callbacks: { off: () => {} } });
    await h.clock.advance(5_000);
    const run = await h.engine.runNow("off");
    expect(run).toMatchObject({ label: "off", status: "success", trigger: "manual", scheduledFor: T0 + 5_000, attempt: 1 });
    expect((await h.rows("off")).map((r) => r.trigger)).toEqual(["manual"]);
  });

  test("runNow of an unknown label throws not-found", async () => {
    h = await harness("[tick]\ncall = app.tick\nevery = 1 minute\n", { start: T0, callbacks: { tick: noop } });
    expect(() => h!.engine.runNow("nope")).toThrow(expect.objectContaining({ code: "not-found" }));
  });

  test("nextRuns lists the coming instants from the job's grid", async () => {
    h = await harness("[tick]\ncall = app.tick\nevery = 15 minutes\n", { start: T0, callbacks: { tick: noop } });
    expect(h.engine.nextRuns("tick", 3).map((t) => (t - T0) / 60_000)).toEqual([15, 30, 45]);
  });

  test("reload adds, removes and updates jobs; an unchanged job keeps its next occurrence; a running run is not dropped", async () => {
    let finish: () => void = () => {};
    h = await harness("[keep]\ncall = app.keep\nevery = 10 minutes\n\n[slow]\ncall = app.slow\nevery = 1 minute\n\n[gone]\ncall = app.gone\nevery = 1 minute\n", {
      start: T0,
      callbacks: { keep: noop, slow: (_kw, ctx) => (ctx.scheduledFor.getTime() === T0 + 60_000 ? new Promise<void>((r) => (finish = r)) : undefined), gone: noop, fresh: noop },
    });
    await h.clock.advance(90_000);
    const keepNext = h.engine.job("keep")!.nextRunAt;
    setIni(h, "[keep]\ncall = app.keep\nevery = 10 minutes\n\n[slow]\ncall = app.slow\nevery = 2 minutes\n\n[fresh]\ncall = app.fresh\nevery = 1 minute\n");
    const summary = await h.engine.reload();
    expect(summary).toMatchObject({ added: ["fresh"], removed: ["gone"], updated: ["slow"], unchanged: 1 });
    expect(h.engine.job("keep")!.nextRunAt).toBe(keepNext);
    expect(h.engine.job("slow")!.running).toBe(1);
    finish();
    await h.clock.advance(120_000);
    const rows = await h.rows();
    expect(rows.filter((r) => r.label === "slow").map((r) => [(r.scheduledFor - T0) / 1000, r.status])).toEqual([
      [60, "success"],
      [210, "success"],
    ]);
    expect(rows.filter((r) => r.label === "gone").length).toBe(1);
    expect(rows.filter((r) => r.label === "fresh").map((r) => (r.scheduledFor - T0) / 1000)).toEqual([150, 210]);
  });

  test("setDiscoveredJobs schedules discovered jobs live and removes vanished ones without touching job-file jobs", async () => {
    h = await harness("[ini job]\ncall = app.tick\nevery = 1 minute\n", { start: T0, callbacks: { "ini job": noop, "shop.cleanup": noop } });
    const base = parseJobFile("[shop.cleanup]\ncall = shop.scheduler.cleanup\nevery = 30 seconds\n", "/apps/shop/scheduler.ts", "UTC").jobs[0]!;
    const discovered = brandJobSpec({ ...base, origin: { source: "discovered", file: "/apps/shop/scheduler.ts", line: 0, app: "shop" } });
    expect(await h.engine.setDiscoveredJobs([discovered])).toMatchObject({ added: ["shop.cleanup"], removed: [], updated: [] });
    await h.clock.advance(60_000);
    expect(await h.engine.setDiscoveredJobs([])).toMatchObject({ removed: ["shop.cleanup"] });
    await h.clock.advance(60_000);
    const rows = await h.rows();
    expect(rows.map((r) => [r.label, (r.scheduledFor - T0) / 1000])).toEqual([
      ["shop.cleanup", 30],
      ["ini job", 60],
      ["shop.cleanup", 60],
      ["ini job", 120],
    ]);
    expect(h.engine.jobs().map((j) => j.spec.label)).toEqual(["ini job"]);
  });
});

describe("stop", () => {
  test("stop waits for running runs within the grace period", async () => {
    h = await harness("[short]\ncall = app.short\nevery = 1 minute\n", {
      start: T0,
      callbacks: { short: (_kw, ctx) => new Promise<void>((r) => ctx.signal.addEventListener("abort", () => r())) },
    });
    let ended = false;
    await h.clock.advance(60_000);
    const stopping = h.engine.stop({ graceMs: 5_000 }).then(() => (ended = true));
    await h.clock.advance(4_999);
    expect(ended).toBe(false);
    await h.clock.advance(1);
    await stopping;
    const [row] = await h.rows("short");
    expect(row).toMatchObject({ status: "error", message: "aborted at shutdown" });
    expect(row!.endedAt! - row!.startedAt).toBe(5_000);
  });

  test("a run that finishes inside the grace period is recorded as it ended, and nothing new starts", async () => {
    let finish: () => void = () => {};
    h = await harness("[job]\ncall = app.job\nevery = 10 seconds\n", { start: T0, callbacks: { job: () => new Promise<void>((r) => (finish = r)) } });
    await h.clock.advance(10_000);
    const stopping = h.engine.stop({ graceMs: 30_000 });
    await h.clock.advance(2_000);
    finish();
    await stopping;
    await h.clock.advance(60_000);
    expect((await h.rows("job")).map((r) => r.status)).toEqual(["success"]);
  });
});
