/** Tunables of callback workers (pool.ts), with their reasons. */

/**
 * After a run's timeout (or shutdown) aborts its signal, its worker has this
 * long to answer. A thread that is free answers within a millisecond; one
 * that has not answered in this time is stuck in the callback (a loop that
 * never yields), and the worker is ended with every run in it. A worker that
 * answers but whose run still does not end keeps that run as an orphan and
 * takes no new starts (it is ended once its other runs are done).
 */
export const ABORT_GRACE_MS = 500;

/**
 * A worker that has left a message unanswered this long is stuck (or busy
 * with one long synchronous callback): the module's next runs go to a fresh
 * worker, and the stuck one is ended when its runs end or time out. Long
 * enough that a callback computing for a few hundred ms does not cost a new
 * worker (a thread and a fresh import of the module) each time.
 */
export const STUCK_AFTER_MS = 1_000;

/**
 * Live workers per module at most (the current one and stuck ones not yet
 * ended): past this, runs queue on the current one even when it is stuck,
 * rather than leave a spinning thread behind per stuck run.
 */
export const MAX_WORKERS_PER_MODULE = 4;

/** Importing a job module in its worker may take this long before the job is left out (a module that loops at its top level). */
export const LOAD_TIMEOUT_MS = 30_000;

/**
 * A worker holding runs for an instant wakes this much before it (its own
 * timer), sleeps on the gate's cell until WORKER_SPIN_MS before it, then
 * reads the clock (entry.ts, Watch), as the engine does for its own thread.
 */
export const WORKER_WAKE_EARLY_MS = 3;

/**
 * The last part of a worker's wait for an instant, spent reading the clock:
 * a timed kernel wait in a worker was seen to wake up to ~1 ms late, and so
 * does the engine's notify. About what the engine's own watch spends (its
 * WATCH_SPIN_MS plus the whole millisecond Date.now() may hide).
 */
export const WORKER_SPIN_MS = 1.5;

/** How long past its spin a worker keeps reading the clock for an instant the wall clock has not reached. */
export const WORKER_LATE_MS = 1;
