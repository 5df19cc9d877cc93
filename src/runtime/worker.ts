/**
 * Callback workers (engine/worker/handle.ts) on Bun and Deno: both run the
 * web Worker API, with these differences, decided once at load.
 *
 * - Deno runs module workers only (`type: "module"`; a classic one throws
 *   NotSupportedError); Bun's are modules whatever the type says.
 * - Bun's Worker has ref()/unref(), so an idle worker does not keep the
 *   process alive; Deno's has neither (runtime/process.ts exits instead).
 * - Bun fires "close" when a worker's thread exits (process.exit() in a
 *   callback); Deno fires nothing, so the worker itself posts "exited" from
 *   its exit event (engine/worker/entry.ts).
 */
/** Bun's Worker, beyond the web API. */
type BunWorker = Worker & { ref(): void; unref(): void };

export function startWorker(entry: string | URL, name: string): Worker {
  return new Worker(entry, { name, type: "module" });
}

/** Let `worker` hold the process open (a run is going, a load is awaited), or not. */
export const holdProcess: (worker: Worker, hold: boolean) => void =
  typeof Bun !== "undefined"
    ? (worker, hold) => {
        if (hold) (worker as BunWorker).ref();
        else (worker as BunWorker).unref();
      }
    : () => {};
