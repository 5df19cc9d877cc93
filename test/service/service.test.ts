/**
 * startService wired from real parts (job file, callbacks, store, engine,
 * API), with process signals delivered through the ManualSignals seam.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createLogger, ManualSignals, startService, type Service, type ServiceSettings } from "../../src/service/index.ts";
import { tempDir } from "../helpers/binary.ts";
import { FakeClock } from "../helpers/fake-clock.ts";

const JOBS_TS = `
export function ok(kwargs, ctx) { ctx.log("hi", kwargs.who); }
export function hang() { return new Promise(() => {}); }
`;

let cleanup: (() => void) | undefined;
let service: Service | undefined;
afterEach(async () => {
  await service?.shutdown("test over");
  service = undefined;
  cleanup?.();
});

function project(ini: string) {
  const t = tempDir("tickd-service-");
  cleanup = t.cleanup;
  mkdirSync(path.join(t.dir, "config"));
  mkdirSync(path.join(t.dir, "app"));
  writeFileSync(path.join(t.dir, "app", "jobs.ts"), JOBS_TS);
  const configPath = path.join(t.dir, "config", "scheduler.ini");
  writeFileSync(configPath, ini);
  const settings: ServiceSettings = {
    configPath,
    root: t.dir,
    dbUrl: `file:${path.join(t.dir, "config", "scheduler.db")}`,
    timezone: "UTC",
    logFormat: "json",
    listen: "127.0.0.1:0",
    api: false,
    keepMs: 30 * 86_400_000,
    graceMs: 200,
    apps: [],
    moduleName: "scheduler",
  };
  const lines: string[] = [];
  const logger = createLogger("json", (line) => lines.push(line));
  const events = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { dir: t.dir, configPath, settings, logger, events };
}

const T0 = Date.UTC(2026, 2, 2, 10);

/** Wait for the run to have started: its callback starts in its module's worker, a thread of its own, in real time. */
async function started(p: ReturnType<typeof project>): Promise<void> {
  for (let i = 0; i < 400 && !p.events().some((e) => e.event === "run.started"); i++) await Bun.sleep(5);
}

describe("startService", () => {
  test("SIGHUP re-reads the job file: a new job is scheduled, a removed one is gone", async () => {
    const p = project("[a]\ncall = app.jobs.ok\nevery = 1 hour\n");
    const signals = new ManualSignals();
    service = await startService(p.settings, { signals, logger: p.logger });
    expect(service.engine.jobs().map((j) => j.spec.label)).toEqual(["a"]);
    writeFileSync(p.configPath, "[b]\ncall = app.jobs.ok\nevery = 2 hours\n");
    signals.send("SIGHUP");
    for (let i = 0; i < 100 && !p.events().some((e) => e.event === "reloaded"); i++) await Bun.sleep(10);
    expect(service.engine.jobs().map((j) => j.spec.label)).toEqual(["b"]);
    expect(p.events().find((e) => e.event === "reloaded")).toMatchObject({ added: "b", removed: "a" });
  });

  test("a reload of a broken file keeps the running schedule and logs why", async () => {
    const p = project("[a]\ncall = app.jobs.ok\nevery = 1 hour\n");
    const signals = new ManualSignals();
    service = await startService(p.settings, { signals, logger: p.logger });
    writeFileSync(p.configPath, "this is not\x00 an ini file at all");
    signals.send("SIGHUP");
    for (let i = 0; i < 100 && !p.events().some((e) => e.event === "reload.failed"); i++) await Bun.sleep(10);
    expect(p.events().find((e) => e.event === "reload.failed")?.message).toContain("scheduler.ini");
    expect(service.engine.jobs().map((j) => j.spec.label)).toEqual(["a"]);
  });

  test("SIGTERM stops scheduling, aborts a run still going after the grace period, records it and resolves done with 0", async () => {
    const p = project("[stuck]\ncall = app.jobs.hang\nevery = 1 hour\n");
    const signals = new ManualSignals();
    const clock = new FakeClock({ start: T0 });
    service = await startService(p.settings, { signals, logger: p.logger, clock });
    const run = service.engine.runNow("stuck");
    await started(p);
    const dbUrl = p.settings.dbUrl;
    signals.send("SIGTERM");
    await clock.advance(p.settings.graceMs);
    expect(await service.done).toBe(0);
    expect(await run).toMatchObject({ status: "error", message: "aborted at shutdown" });
    service = undefined;
    const { createClient } = await import("@libsql/client");
    const client = createClient({ url: dbUrl });
    const rows: unknown[] = (await client.execute("SELECT status, message FROM activity")).rows.map((r) => ({ status: r.status, message: r.message }));
    client.close();
    expect(rows).toEqual([{ status: "error", message: "aborted at shutdown" }]);
    const names = p.events().map((e) => e.event);
    expect(names.slice(-2)).toEqual(["run.finished", "stopped"]);
  });

  test("a SIGTERM while it starts is held, not lost: the service starts, then drains and resolves done with 0", async () => {
    const p = project("[a]\ncall = app.jobs.ok\nevery = 1 hour\n");
    const signals = new ManualSignals();
    const starting = startService(p.settings, { signals, logger: p.logger });
    // Still reading the job file and opening the store.
    signals.send("SIGTERM");
    const s = await starting;
    expect(await s.done).toBe(0);
    const names = p.events().map((e) => e.event);
    expect(names).toContain("scheduler.started");
    expect(p.events().find((e) => e.event === "shutdown")).toMatchObject({ reason: "SIGTERM" });
    expect(names.at(-1)).toBe("stopped");
  });

  test("json log lines carry time, level, event, label, status, durationMs, scheduledFor and lateMs", async () => {
    const p = project("[a]\ncall = app.jobs.ok\nevery = 1 hour\nwho = you\n");
    service = await startService(p.settings, { signals: new ManualSignals(), logger: p.logger });
    await service.engine.runNow("a");
    const started = p.events().find((e) => e.event === "run.started")!;
    const finished = p.events().find((e) => e.event === "run.finished")!;
    expect(Object.keys(started)).toEqual(expect.arrayContaining(["time", "level", "event", "label", "lateMs", "scheduledFor", "attempt", "trigger", "runId"]));
    expect(finished).toMatchObject({ level: "info", label: "a", status: "success", trigger: "manual" });
    expect(typeof finished.durationMs).toBe("number");
    expect(p.events().find((e) => e.event === "job.log")).toMatchObject({ label: "a", line: "hi you" });
  });

  test("text log lines read as one line per event", () => {
    const lines: string[] = [];
    const logger = createLogger("text", (l) => lines.push(l), () => Date.UTC(2026, 2, 2, 10));
    logger.info("run.finished", { label: "nightly backup", status: "success", durationMs: 12 });
    expect(lines).toEqual(['2026-03-02T10:00:00.000Z INFO  run.finished label="nightly backup" status=success durationMs=12']);
  });

  test("activity older than --keep is pruned at start", async () => {
    const p = project("[a]\ncall = app.jobs.ok\nevery = 1 hour\n");
    service = await startService(p.settings, { signals: new ManualSignals(), logger: p.logger });
    await service.engine.runNow("a");
    await service.engine.runNow("a");
    await service.store.flush();
    await service.store.client.execute({ sql: "UPDATE activity SET started_at = ?, ended_at = ? WHERE run_id = (SELECT MIN(run_id) FROM activity)", args: [Date.now() - 31 * 86_400_000, Date.now() - 31 * 86_400_000] });
    await service.shutdown("restart");
    service = await startService(p.settings, { signals: new ManualSignals(), logger: p.logger });
    for (let i = 0; i < 100 && !p.events().some((e) => e.event === "retention.pruned"); i++) await Bun.sleep(10);
    expect(p.events().find((e) => e.event === "retention.pruned")).toMatchObject({ deleted: 1 });
    const left = await service.store.client.execute("SELECT COUNT(*) AS n FROM activity");
    expect(Number(left.rows[0]!.n)).toBe(1);
  });

  test("with the API on, it listens before jobs run and answers /healthz", async () => {
    const p = project("[a]\ncall = app.jobs.ok\nevery = 1 hour\n");
    service = await startService({ ...p.settings, api: true }, { signals: new ManualSignals(), logger: p.logger });
    expect(service.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${service.apiUrl}/healthz`);
    expect(response.status).toBe(200);
    const names = p.events().map((e) => e.event);
    expect(names.indexOf("api.listening")).toBeLessThan(names.indexOf("scheduler.started"));
  });

  test("a bad job file is a start-up error naming the file, and nothing is opened", async () => {
    const p = project("[a]\ncall = app.jobs.ok\nevery = 1 hour\n");
    await expect(startService({ ...p.settings, configPath: path.join(p.dir, "config", "missing.ini") }, { signals: new ManualSignals(), logger: p.logger })).rejects.toMatchObject({
      code: "config-missing",
    });
  });
});

describe("on the service's clock (issue 13: one clock for the process)", () => {
  const T0 = Date.UTC(2026, 2, 2, 10);

  test("retention prunes again every hour: a run that ages past --keep while the service runs is deleted at the next hour, once its day is rolled up", async () => {
    const p = project("[a]\ncall = app.jobs.ok\nevery = 1 day\n");
    // 22:00: the run's day is over (and rolled up) by the prune that finds it past --keep.
    const T0 = Date.UTC(2026, 2, 2, 22);
    const clock = new FakeClock({ start: T0 });
    service = await startService({ ...p.settings, keepMs: 2 * 3_600_000 }, { signals: new ManualSignals(), logger: p.logger, clock });
    await service.engine.runNow("a");
    await service.store.flush();
    const rows = await service.store.client.execute("SELECT started_at FROM activity");
    expect(Number(rows.rows[0]!.started_at)).toBe(T0);
    await clock.advance(3_600_000);
    expect(p.events().some((e) => e.event === "retention.pruned")).toBe(false);
    await clock.advance(2 * 3_600_000);
    await service.store.flush();
    // Midnight rolls the day up; at 01:00 the run is past --keep and deleted.
    expect(p.events().filter((e) => e.event === "retention.pruned")).toMatchObject([{ deleted: 0, rolledUp: 1 }, { deleted: 1, rolledUp: 0 }]);
    expect(Number((await service.store.client.execute("SELECT COUNT(*) AS n FROM activity")).rows[0]!.n)).toBe(0);
  });

  test("SIGTERM waits the grace period on the service's clock, then aborts the run still going", async () => {
    const p = project("[stuck]\ncall = app.jobs.hang\nevery = 1 hour\n");
    const clock = new FakeClock({ start: T0 });
    const signals = new ManualSignals();
    service = await startService({ ...p.settings, graceMs: 60_000 }, { signals, logger: p.logger, clock });
    const run = service.engine.runNow("stuck");
    await started(p);
    signals.send("SIGTERM");
    let stopped = false;
    void service.done.then(() => (stopped = true));
    await clock.advance(59_000);
    expect(stopped).toBe(false);
    await clock.advance(1_000);
    expect(await service.done).toBe(0);
    expect(await run).toMatchObject({ status: "error", message: "aborted at shutdown", endedAt: T0 + 60_000 });
    service = undefined;
  });
});

describe("a second signal", () => {
  test("SIGINT twice: the second aborts running jobs at once instead of waiting out the grace period", async () => {
    const p = project("[stuck]\ncall = app.jobs.hang\nevery = 1 hour\n");
    const signals = new ManualSignals();
    const clock = new FakeClock({ start: T0 });
    service = await startService({ ...p.settings, graceMs: 60_000 }, { signals, logger: p.logger, clock });
    const run = service.engine.runNow("stuck");
    await started(p);
    signals.send("SIGINT");
    await clock.settle();
    signals.send("SIGINT");
    // Done without the clock moving: nothing waited out the grace period.
    expect(await service.done).toBe(0);
    expect(clock.now()).toBe(T0);
    expect(await run).toMatchObject({ status: "error", message: "aborted at shutdown", endedAt: T0 });
    expect(p.events().some((e) => e.event === "shutdown.now")).toBe(true);
  });
});
