/**
 * One writer at a time inside this process.
 *
 * Why: the embedded libSQL driver is synchronous. When one pooled connection
 * holds a write transaction across an `await` (an interactive transaction)
 * and another connection of the same process starts writing, SQLite's busy
 * handler sleeps *on the JavaScript thread*: the holder can never resume to
 * commit, and the event loop freezes until the busy timeout gives up. Across
 * processes the busy timeout is right; within one process every write path of
 * the store takes this lock instead (the write queue's batches,
 * markAbandoned, prune, jobs edits, and Store.exclusive for callers).
 */
import { sleep, systemClock, type Clock } from "../clock.ts";
import { collectGarbage } from "../runtime/gc.ts";

/** SQLite refusing a COMMIT because a statement of the same connection is still open. */
const STATEMENTS_IN_PROGRESS = /SQL statements in progress/i;

/** Waits between tries while another process holds the database lock, ms. */
const BUSY_BACKOFF_MS = [5, 10, 20, 50, 100, 250];
/** How long a write keeps trying while the lock is held elsewhere (what a 10 s busy timeout gave, without blocking). */
export const BUSY_PATIENCE_MS = 10_000;

/**
 * Across processes the same applies: the driver's busy handler would block
 * the thread while another process holds the lock (a 15 s `BEGIN EXCLUSIVE`
 * froze the scheduler and /healthz). So the busy timeout is short
 * (BUSY_TIMEOUT_MS in client.ts) and a write refused as busy is tried again
 * here, asynchronously, for up to BUSY_PATIENCE_MS.
 */
export class WriteLock {
  private tail: Promise<void> = Promise.resolve();
  /** Epoch ms since which a write has been waiting for another process's lock; null when none is. */
  busySince: number | null = null;

  constructor(private readonly clock: Clock = systemClock) {}

  /** Run `fn` when every earlier holder is done; later callers wait for it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.#patiently(fn));
    this.tail = result.then(
      () => {},
      () => {},
    );
    return result;
  }

  async #patiently<T>(fn: () => Promise<T>): Promise<T> {
    const started = this.clock.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const value = await fn();
        this.busySince = null;
        return value;
      } catch (error) {
        if (!isBusy(error) || this.clock.now() - started >= BUSY_PATIENCE_MS) {
          this.busySince = null;
          throw error;
        }
        this.busySince ??= started;
        // A statement that failed while another process held the lock can stay
        // open on its pooled connection until it is collected, and until then
        // every COMMIT there fails ("SQL statements in progress"): collect it,
        // rather than wait for the runtime's GC timer (up to 30 s, see gc-timer.ts).
        if (STATEMENTS_IN_PROGRESS.test((error as Error).message)) collectGarbage?.();
        await sleep(this.clock, BUSY_BACKOFF_MS[Math.min(attempt, BUSY_BACKOFF_MS.length - 1)]!);
      }
    }
  }
}

/** SQLite refused because another connection holds the lock. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
}
