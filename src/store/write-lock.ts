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
export class WriteLock {
  private tail: Promise<void> = Promise.resolve();

  /** Run `fn` when every earlier holder is done; later callers wait for it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => {},
      () => {},
    );
    return result;
  }
}
