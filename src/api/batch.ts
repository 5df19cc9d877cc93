/**
 * Per-request batching: every call made while one resolver pass runs (the
 * same microtask turn) becomes one call of `load` with all their keys, so
 * the job table's `lastRun` and `recentRuns` of 200 jobs are one store query
 * each, not 200.
 */
import type { RunRecord } from "../engine/types.ts";
import type { JobFlags } from "../store/activity.ts";
import type { ApiDeps } from "./context.ts";

export function batcher<K, V>(load: (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>, missing: V): (key: K) => Promise<V> {
  let pending: Map<K, { resolve: (value: V) => void; reject: (error: unknown) => void }[]> | null = null;
  return (key) =>
    new Promise((resolve, reject) => {
      if (pending === null) {
        pending = new Map();
        queueMicrotask(() => {
          const batch = pending!;
          pending = null;
          load([...batch.keys()]).then(
            (found) => batch.forEach((waiters, k) => waiters.forEach((w) => w.resolve(found.get(k) ?? missing))),
            (error) => batch.forEach((waiters) => waiters.forEach((w) => w.reject(error))),
          );
        });
      }
      const waiters = pending.get(key) ?? [];
      waiters.push({ resolve, reject });
      pending.set(key, waiters);
    });
}

/** Job.recentRuns of one request: one store query per distinct `count`. */
export function recentRunsBatcher(deps: ApiDeps): (label: string, count: number) => Promise<readonly RunRecord[]> {
  const load = batcher<string, readonly RunRecord[]>(async (keys) => {
    const byCount = new Map<number, string[]>();
    for (const key of keys) {
      const [count, label] = JSON.parse(key) as [number, string];
      byCount.set(count, [...(byCount.get(count) ?? []), label]);
    }
    const found = new Map<string, readonly RunRecord[]>();
    for (const [count, labels] of byCount) {
      const runs = await deps.activities.recentRuns(labels, count);
      for (const label of labels) found.set(JSON.stringify([count, label]), runs.get(label) ?? []);
    }
    return found;
  }, []);
  return (label, count) => load(JSON.stringify([count, label]));
}

/** How far back a `missed` record makes a job stand out in the job table (Job.health.lastMissedAt). */
export const MISSED_RECENT_MS = 24 * 3_600_000;

/** Job.health of one request: one store round for every job asked. */
export function jobFlagsBatcher(deps: ApiDeps, now: () => number): (label: string) => Promise<JobFlags | null> {
  return batcher<string, JobFlags | null>((labels) => deps.activities.jobFlags?.(labels, now() - MISSED_RECENT_MS) ?? Promise.resolve(new Map()), null);
}
