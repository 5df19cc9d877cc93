/** Shared pieces of the store tests: a database file in a temp folder and run records at fixed instants. */
import path from "node:path";
import type { RunRecord } from "../../src/engine/types.ts";
import { openStore, type Store, type StoreOptions } from "../../src/store/index.ts";
import { tempDir } from "../helpers/binary.ts";
import { attachedCluster } from "../helpers/postgres.ts";

/** 2026-03-02T09:00:00Z, a Monday. */
export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
export const MINUTE = 60_000;
export const DAY = 86_400_000;

/**
 * Where tempDb makes its databases: a file in a temp folder, unless
 * TICKD_TEST_POSTGRES holds a throwaway cluster's handle — then a fresh
 * database on it (test/postgres/store.test.ts runs these files that way).
 */
const cluster = process.env.TICKD_TEST_POSTGRES ? attachedCluster(process.env.TICKD_TEST_POSTGRES) : null;
let databases = 0;

export function tempDb(): { url: string; dir: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir("tickd-store-");
  const url = cluster ? cluster.createDatabase(`store_${process.pid}_${++databases}`) : `file:${path.join(dir, "scheduler.db")}`;
  return { url, dir, cleanup };
}

export async function open(url: string, instance = "test-host:1", options: Partial<StoreOptions> = {}): Promise<Store> {
  return openStore(url, { instance, log: () => {}, ...options });
}

export function run(fields: Partial<RunRecord> & { label: string; scheduledFor: number }): RunRecord {
  const instance = fields.instance ?? "test-host:1";
  const attempt = fields.attempt ?? 1;
  return {
    runId: `${instance}:${fields.label}:${fields.scheduledFor}:${attempt}`,
    startedAt: fields.scheduledFor,
    status: "running",
    message: "",
    output: "",
    error: "",
    attempt,
    trigger: "schedule",
    instance,
    ...fields,
  };
}
