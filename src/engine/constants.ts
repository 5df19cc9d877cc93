/** Engine tunables, in one place so their reasons sit together. */

/** Captured output (ctx.log lines, command stdout/stderr, url bodies) is cut here, with a visible mark. */
export { OUTPUT_CAP_BYTES } from "../store/output-cap.ts";

/**
 * A wall-clock move larger than this between two ticks (compared with
 * monotonic progress) counts as a jump: NTP step, suspend/resume, manual change.
 */
export const JUMP_TOLERANCE_MS = 1_000;

/**
 * The timer never sleeps longer than this, so a suspend or clock step is
 * noticed within a minute even when the next job is days away. Waking once a
 * minute to compare two clocks is not a scan: no job is looked at.
 */
export const MAX_SLEEP_MS = 60_000;

/** Message recorded for runs aborted because the service stopped. */
export const SHUTDOWN_MESSAGE = "aborted at shutdown";

/** How long a killed command gets between SIGTERM and SIGKILL (at its timeout, and its leftovers when it exits). */
export const KILL_GRACE_MS = 2_000;

/**
 * The same at shutdown: the service's own grace was the job's time to finish,
 * so what still runs when it is over gets TERM and soon KILL, and `tickd run`
 * exits within its grace plus this.
 */
export const SHUTDOWN_KILL_GRACE_MS = 500;

/** How often an ending command run checks whether its processes are gone. */
export const PROCESS_POLL_MS = 25;

/**
 * Once every process of a command run is gone, its pipes get this long to
 * deliver buffered output, then are closed (a writer that could not be found
 * must not keep the run open).
 */
export const PIPE_DRAIN_MS = 100;

/**
 * The timer that opens a prepared instant is armed this much before it, and
 * the engine waits out the rest precisely (see wake.ts): timers fire about
 * 1 ms late, and lateness is what a scheduler is judged on.
 */
export const EARLY_WAKE_MS = 4;

/**
 * The runs of an instant are prepared this much before it (plus the time
 * preparing takes), so that the JIT and GC work a burst sets off is done
 * before the instant, and a large instant's collection (COLLECT_MIN_RUNS,
 * ~10 ms with 1,000 runs) fits between its written rows and its wake. In
 * between the event loop is free.
 */
export const PREPARE_AHEAD_MS = 40;

/** On a busy machine timers fire later; the engine wakes up to this much early (learned, decaying). */
export const MAX_EARLY_WAKE_MS = 15;

/** Upper bound of the lead for preparing an instant's runs (10,000 jobs due together). */
export const MAX_PREP_LEAD_MS = 100;

/**
 * An instant with at least this many runs is followed, once prepared and its
 * rows written, by a garbage collection in the gap before it (instant.ts).
 * Preparing a thousand runs allocates megabytes, and a collection the
 * runtime starts by itself pauses the thread at a random moment, the instant
 * included: measured with 1,000 jobs every second, 10% of instants more than
 * 2 ms late without it, none with it, for ~5 ms of collection per instant.
 * Smaller instants allocate too little to matter and are not charged for it.
 */
export const COLLECT_MIN_RUNS = 100;

/** What a collection is assumed to take before one has been measured (the engine measures one as it starts with many jobs). */
export const COLLECT_FIRST_MS = 5;

/** Most CPU spent watching the clock per second, on average (see EARLY_WAKE_MS): 3% of a core. */
export const SPIN_BUDGET_MS = 30;

/** The last part of a wait for an instant is spent reading the clock, not asleep (a kernel wait wakes ~0.1 ms late). */
export const WATCH_SPIN_MS = 0.5;

/** Watching time that may be spent at once, saved up from SPIN_BUDGET_MS (a few instants' worth). */
export const SPIN_BURST_MS = 100;

/**
 * How long a run waits for the store to make its "running" row durable
 * before it would start without one. Past this it does not start and is
 * recorded `missed` once the store answers: a run without a record could be
 * lost, or run twice, by the next instance to look.
 */
export const START_RECORD_WAIT_MS = 1_000;
