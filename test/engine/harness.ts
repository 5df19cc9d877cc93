/**
 * An engine on the fake clock over a REAL store (a temp libSQL file), with
 * jobs written as INI text and parsed by the real loader. Tests read the
 * activity table row by row, as a user of `tickd history` would.
 */
import os from "node:os";
import path from "node:path";
import { parseJobFile } from "../../src/config/load.ts";
import type { JobSpec } from "../../src/config/types.ts";
import { createEngine, type Engine } from "../../src/engine/engine.ts";
import type { EngineEvent } from "../../src/engine/types.ts";
import type { Callback } from "../../src/sdk/index.ts";
import { openStore, type Store } from "../../src/store/index.ts";
import { compileSchedule } from "../../src/schedule/index.ts";
import { FakeClock, turns } from "../helpers/fake-clock.ts";
import { tempDir } from "../helpers/binary.ts";

export const INSTANCE = `${os.hostname()}:${process.pid}`;

export interface Row {
  runId: string;
  label: string;
  scheduledFor: number;
  startedAt: number;
  endedAt: number | null;
  status: string;
  message: string;
  output: string;
  error: string;
  attempt: number;
  trigger: string;
}

export interface Harness {
  readonly clock: FakeClock;
  readonly store: Store;
  readonly engine: Engine;
  readonly events: EngineEvent[];
  readonly dir: string;
  jobs(ini: string): readonly JobSpec[];
  rows(label?: string): Promise<Row[]>;
  /** Start a second engine life on the same database (after a restart). */
  restart(at: number, ini: string): Promise<Harness>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly start: number;
  readonly zone?: string;
  readonly callbacks?: Record<string, Callback>;
  readonly random?: () => number;
  /** Engine option; the year-long test raises it so the fake clock is not woken 525,600 times. */
  readonly maxSleepMs?: number;
  /** Reuse a database folder (restart). */
  readonly dir?: string;
}

export async function harness(ini: string, options: HarnessOptions): Promise<Harness> {
  const temp = options.dir ? { dir: options.dir, cleanup: () => {} } : tempDir("tickd-engine-");
  const zone = options.zone ?? "UTC";
  const store = await openStore(`file:${path.join(temp.dir, "scheduler.db")}`, { instance: INSTANCE });
  const clock = new FakeClock({
    start: options.start,
    settle: async () => {
      await turns(2);
      await store.flush();
      await turns(2);
    },
  });
  const file = path.join(temp.dir, "scheduler.ini");
  const parse = (text: string) => {
    const parsed = parseJobFile(text, file, zone);
    if (parsed.diagnostics.length > 0) throw new Error(parsed.diagnostics.map((d) => d.message).join("\n"));
    return parsed.jobs;
  };
  let current = ini;
  const callbacks = options.callbacks ?? {};
  const engine = createEngine({
    clock,
    store,
    instance: INSTANCE,
    timezone: zone,
    compile: compileSchedule,
    resolve: (spec) => callbacks[spec.label],
    random: options.random,
    maxSleepMs: options.maxSleepMs,
    workDir: temp.dir,
    reloadSource: async () => ({ jobs: parse(current), diagnostics: [] }),
  });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  await engine.start(parse(ini));
  await clock.settle();
  const h: Harness = {
    clock,
    store,
    engine,
    events,
    dir: temp.dir,
    jobs: parse,
    async rows(label) {
      await store.flush();
      const rs = await store.client.execute({
        sql: `SELECT run_id, label, scheduled_for, started_at, ended_at, status, message, output, error, attempt, trigger FROM activity ${label === undefined ? "" : "WHERE label = ?"} ORDER BY scheduled_for, attempt, run_id`,
        args: label === undefined ? [] : [label],
      });
      return rs.rows.map((r) => ({
        runId: String(r.run_id),
        label: String(r.label),
        scheduledFor: Number(r.scheduled_for),
        startedAt: Number(r.started_at),
        endedAt: r.ended_at === null ? null : Number(r.ended_at),
        status: String(r.status),
        message: String(r.message),
        output: String(r.output),
        error: String(r.error),
        attempt: Number(r.attempt),
        trigger: String(r.trigger),
      }));
    },
    async restart(at, nextIni) {
      await engine.stop({ graceMs: 0 });
      await store.close();
      return harness(nextIni, { ...options, start: at, dir: temp.dir });
    },
    async close() {
      await engine.stop({ graceMs: 0 });
      await store.close();
      temp.cleanup();
    },
  };
  // reload() reads whatever the test last wrote.
  Object.defineProperty(h, "ini", { set: (v: string) => (current = v) });
  return h;
}

/** Change the text reload() will read. */
export function setIni(h: Harness, ini: string): void {
  (h as unknown as { ini: string }).ini = ini;
}

export const at = (iso: string): number => Date.parse(iso);
export const iso = (ms: number): string => new Date(ms).toISOString();
