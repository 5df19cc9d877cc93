/**
 * The engine's write path: claims and activity rows are queued and written
 * together, so a burst of 1,000 runs costs one transaction instead of 2,000.
 *
 * Invariants:
 * - One batch in flight at a time; records that arrive meanwhile form the next.
 * - A batch is one `client.batch(…, "write")` call: one BEGIN IMMEDIATE…COMMIT.
 * - Within a batch activity rows are written before claims, so a claim sees
 *   the runs recorded in the same batch.
 * - started + finished of one run in the same batch collapse into one row.
 * - Every row of an occurrence of the schedule (any trigger but "manual") is
 *   written only while this instance holds the occurrence's claim: the batch
 *   makes sure a claim exists (taking it when nobody has), and the insert is
 *   conditional on it being ours. So an instance whose occurrence another
 *   instance recorded first writes nothing, and `begin` tells it not to start.
 * - A failed batch is retried with backoff and logged each time; if it still
 *   fails, its activity rows go back to the queue (never dropped silently) and
 *   its claims reject, so the engine does not run an occurrence it does not hold.
 */
import type { Client, InStatement, ResultSet } from "@libsql/client";
import { nextTask, sleep, type Clock, type TimerHandle } from "../clock.ts";
import type { RunRecord } from "../engine/types.ts";
import { TickdError } from "../errors.ts";
import { outboxStatements, type OutboxRecord } from "./notifications.ts";
import { capText } from "./output-cap.ts";
import type { Dialect } from "./dialect.ts";
import type { WriteLock } from "./write-lock.ts";
import { activityStatements, claimKey, claimsForRows, claimStatements, type PendingClaim } from "./write-statements.ts";

/** Waits between attempts of a failing batch, ms. */
const RETRY_DELAYS_MS = [50, 250, 1000, 3000];
/** Most claims won ahead remembered (WriteQueue.won); more are forgotten, which costs only their rows a redundant claim insert. */
const MAX_WON = 100_000;
/** After a batch failed every attempt, the timer-driven flush tries again this much later. */
const RECOVERY_DELAY_MS = 5000;

export interface WriteQueueOptions {
  readonly instance: string;
  /** Which SQL to write (default sqlite). */
  readonly dialect?: Dialect;
  readonly outputCapBytes: number;
  /** Where failures are reported (loudly: they mean records are waiting in memory). */
  readonly log: (line: string) => void;
  /** Shared with every other write path of the store in this process. */
  readonly lock: WriteLock;
  /** Claim times, failure times and the waits before retrying. */
  readonly clock: Clock;
  /** Called after a batch went in following failed ones (the store recovered). */
  readonly recovered?: () => void | Promise<void>;
  /** Called after each batch that went in; `starts`: it held rows of runs about to start. */
  readonly written?: (starts: boolean) => void;
  /** Called after a batch that put alerts into the outbox (the sender wakes). */
  readonly alerted?: () => void;
}

/** Counters for tests and the benchmark. */
export interface WriteStats {
  /** Committed write transactions. */
  transactions: number;
  /** Activity rows written (after started+finished collapsed). */
  rowsWritten: number;
  claimsWritten: number;
  /** Failed attempts (each logged). */
  failures: number;
}

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (e: unknown) => void;
}



export class WriteQueue {
  readonly stats: WriteStats = { transactions: 0, rowsWritten: 0, claimsWritten: 0, failures: 0 };
  /** runId -> latest record; a finished record replaces its started one. */
  private runs = new Map<string, RunRecord>();
  private claims = new Map<string, PendingClaim>();
  /** Alerts raised since the last batch, by key: written with the runs that raised them. */
  private alerts = new Map<string, OutboxRecord>();
  /** Runs whose start waits for their row to be durable (see begin). */
  private begins = new Map<string, Waiter<boolean>[]>();
  /** Runs this process started and has not finished (markAbandoned leaves them alone). */
  readonly live = new Set<string>();
  /** Runs whose "running" row went in as ours and whose final row has not, with the start it recorded: their claim is held (claimsForRows). */
  private held = new Map<string, number>();
  /**
   * Occurrences claimed ahead as ours and not yet recorded: their rows need
   * not take the claim again. Only claims without a run can be dropped, and
   * only by a takeover of this instance (it learns at its next heartbeat, and
   * forgets these), a release or a prune (which forget them too).
   */
  private won = new Set<string>();
  private inflight: Promise<void> | null = null;
  /** Cancels the armed batch: the next task's, or a retry's on the clock. */
  private timer: (() => void) | null = null;
  private closed = false;
  /** Since when writes fail, and the latest reason; null while they go in. */
  failing: { readonly since: number; message: string } | null = null;

  constructor(
    private readonly client: Client,
    private readonly options: WriteQueueOptions,
  ) {}

  claim(label: string, scheduledFor: number): Promise<boolean> {
    if (this.closed) return Promise.reject(new TickdError("store", "claim after the store was closed"));
    return new Promise<boolean>((resolve, reject) => {
      const key = claimKey(label, scheduledFor);
      const existing = this.claims.get(key);
      if (existing) existing.waiters.push({ resolve, reject });
      else this.claims.set(key, { label, scheduledFor, waiters: [{ resolve, reject }] });
      this.schedule(0);
    });
  }

  /**
   * Write a run's "running" row before the run starts. Resolves true once the
   * row is durable and, for an occurrence of the schedule, this instance holds
   * its claim; false when it does not (another instance has the occurrence):
   * then the run must not start. While the store fails the promise stays
   * pending (the row is retried); the caller decides how long to wait.
   */
  begin(run: RunRecord): Promise<boolean> {
    this.live.add(run.runId);
    return new Promise<boolean>((resolve, reject) => {
      if (!this.enqueue(run)) {
        reject(new TickdError("store", "the store is closed"));
        return;
      }
      const waiters = this.begins.get(run.runId);
      if (waiters) waiters.push({ resolve, reject });
      else this.begins.set(run.runId, [{ resolve, reject }]);
    });
  }

  finished(run: RunRecord): void {
    this.live.delete(run.runId);
    this.enqueue(run);
  }

  /**
   * Forget the claims won ahead: they may have been dropped (a takeover of
   * this instance, a release, a prune); rows of those occurrences take their
   * claim with them again, fenced.
   */
  forgetClaims(): void {
    this.won.clear();
  }

  /** Queue alerts for the outbox; raised in the same task as a finished run, they commit with it. */
  alert(records: readonly OutboxRecord[]): void {
    if (this.closed) {
      this.options.log(`tickd store: ${records.length} alert(s) arrived after the store closed and are NOT recorded`);
      return;
    }
    for (const r of records) this.alerts.set(r.key, r);
    this.schedule(0);
  }

  /** Highest scheduledFor among queued, not yet written, non-manual runs of a label. */
  pendingLastScheduled(label: string): number | null {
    let max: number | null = null;
    for (const run of this.runs.values()) {
      if (run.label === label && run.trigger !== "manual" && (max === null || run.scheduledFor > max)) max = run.scheduledFor;
    }
    return max;
  }

  /** Resolve when everything queued so far is committed; rejects if a batch keeps failing. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.inflight) {
        await this.inflight.catch(() => {});
        continue;
      }
      if (this.runs.size === 0 && this.claims.size === 0 && this.alerts.size === 0) return;
      this.clearTimer();
      try {
        await this.startBatch();
      } catch (error) {
        // the records are queued again; keep trying in the background too
        this.schedule(RECOVERY_DELAY_MS);
        throw error;
      }
    }
  }

  /** Flush, then refuse further writes. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.closed = true;
      this.clearTimer();
      if (this.runs.size > 0) {
        this.options.log(`tickd store: closing with ${this.runs.size} run record(s) NOT written: ${[...this.runs.keys()].slice(0, 10).join(", ")}`);
      }
      const failure = new TickdError("store", "the store closed before the run's start was recorded");
      for (const waiters of this.begins.values()) for (const w of waiters) w.reject(failure);
      this.begins.clear();
    }
  }

  /** Queue a record; false when the store is closed (logged). */
  private enqueue(run: RunRecord): boolean {
    if (this.closed) {
      this.options.log(`tickd store: run ${run.runId} (${run.label}, ${run.status}) arrived after the store closed and is NOT recorded`);
      return false;
    }
    const output = capText(run.output, this.options.outputCapBytes, "output");
    const error = capText(run.error, this.options.outputCapBytes, "error");
    // Records are not changed once given (the engine makes a new one per state): most need no copy.
    const capped: RunRecord = output === run.output && error === run.error ? run : { ...run, output, error };
    const previous = this.runs.get(run.runId);
    // Never let a queued "running" replace a queued final state of the same run.
    if (previous && previous.status !== "running" && capped.status === "running") return true;
    this.runs.set(run.runId, capped);
    this.schedule(0);
    return true;
  }

  /** Arm the flush timer: after the current tick, so a synchronous burst lands in one batch. */
  private schedule(delay: number): void {
    if (this.timer !== null || this.inflight !== null || this.closed) return;
    const fire = () => {
      this.timer = null;
      this.startBatch().catch((error) => {
        this.options.log(
          `tickd store: WRITE FAILED after ${RETRY_DELAYS_MS.length + 1} attempts: ${(error as Error).message}; ` +
            `${this.runs.size} run record(s) kept in memory, retrying in ${RECOVERY_DELAY_MS / 1000} s`,
        );
        this.schedule(RECOVERY_DELAY_MS);
      });
    };
    if (delay === 0) {
      this.timer = nextTask(fire);
    } else {
      const clock = this.options.clock;
      const handle: TimerHandle = clock.setTimer(fire, delay);
      this.timer = () => clock.clearTimer(handle);
    }
  }

  private clearTimer(): void {
    this.timer?.();
    this.timer = null;
  }

  private startBatch(): Promise<void> {
    const runs = [...this.runs.values()];
    const claims = [...this.claims.values()];
    const alerts = [...this.alerts.values()];
    this.runs = new Map();
    this.claims = new Map();
    this.alerts = new Map();
    const done = this.writeWithRetry(runs, claims, alerts).then(
      () => {
        this.inflight = null;
        // what arrived during this batch forms the next one
        if (this.runs.size > 0 || this.claims.size > 0 || this.alerts.size > 0) this.schedule(0);
      },
      (error: unknown) => {
        // the caller (timer or flush) decides when to try again
        this.inflight = null;
        throw error;
      },
    );
    this.inflight = done;
    return done;
  }

  private async writeWithRetry(runs: RunRecord[], claims: PendingClaim[], alerts: OutboxRecord[]): Promise<void> {
    if (runs.length === 0 && claims.length === 0 && alerts.length === 0) return;
    const now = this.options.clock.now();
    const dialect = this.options.dialect ?? "sqlite";
    const rowClaims = claimsForRows(runs, now, dialect, this.held, this.won);
    const activity = activityStatements(runs, dialect, { held: this.held, begun: this.begins });
    const statements = [...rowClaims, ...activity, ...claimStatements(claims, this.options.instance, now, dialect), ...outboxStatements(alerts)];
    let lastError: unknown;
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      try {
        const results = await this.options.lock.run(() => this.client.batch(statements, "write"));
        this.stats.transactions++;
        this.stats.rowsWritten += runs.length;
        this.stats.claimsWritten += claims.length;
        const starts = this.settle(runs, claims, results.slice(rowClaims.length, rowClaims.length + activity.length), results.slice(rowClaims.length + activity.length));
        if (this.failing) {
          this.options.log(`tickd store: writes go in again after failing since ${new Date(this.failing.since).toISOString()}`);
          this.failing = null;
          void this.options.recovered?.();
        }
        this.options.written?.(starts);
        if (alerts.length > 0) this.options.alerted?.();
        return;
      } catch (error) {
        lastError = error;
        this.stats.failures++;
        const message = (error as Error).message;
        if (this.failing) this.failing.message = message;
        else this.failing = { since: this.options.clock.now(), message };
        const wait = RETRY_DELAYS_MS[attempt];
        this.options.log(
          `tickd store: writing ${runs.length} run(s) and ${claims.length} claim(s) failed (attempt ${attempt + 1}): ${(error as Error).message}` +
            (wait === undefined ? "" : `; retrying in ${wait} ms`),
        );
        if (wait !== undefined) await sleep(this.options.clock, wait);
      }
    }
    // Give the runs back (newer records of the same run win; their begins
    // stay waiting), fail the claims.
    for (const run of runs) if (!this.runs.has(run.runId)) this.runs.set(run.runId, run);
    for (const a of alerts) if (!this.alerts.has(a.key)) this.alerts.set(a.key, a);
    const failure = new TickdError("store", `the store could not record claims: ${(lastError as Error)?.message}`, { cause: lastError });
    for (const c of claims) for (const w of c.waiters) w.reject(failure);
    throw failure;
  }

  /**
   * After a commit: tell each begun run whether its row went in, each claim
   * whether it is ours. True when the batch answered a begin (it held runs about to start).
   */
  private settle(runs: readonly RunRecord[], claims: readonly PendingClaim[], activity: readonly ResultSet[], claimResults: readonly ResultSet[]): boolean {
    let starts = false;
    if (this.held.size > 0) for (const run of runs) if (run.status !== "running") this.held.delete(run.runId);
    // Recorded now (or refused): from here the run's row, not this set, says the claim is held.
    if (this.won.size > 0) for (const run of runs) this.won.delete(claimKey(run.label, run.scheduledFor));
    if (this.begins.size > 0) {
      const written = new Set<string>();
      for (const rs of activity) for (const row of rs.rows) written.add(String(row.run_id));
      for (const run of runs) {
        const waiters = this.begins.get(run.runId);
        if (!waiters) continue;
        this.begins.delete(run.runId);
        starts = true;
        const ours = written.has(run.runId);
        if (!ours) this.live.delete(run.runId);
        else if (run.status === "running") this.held.set(run.runId, run.startedAt);
        for (const w of waiters) w.resolve(ours);
      }
    }
    if (claims.length === 0) return starts;
    const ours = new Set<string>();
    for (const rs of claimResults) for (const row of rs.rows) ours.add(claimKey(String(row.label), Number(row.scheduled_for)));
    // Bounded: an occurrence claimed and never run stays until forgotten; past this many, all are.
    if (this.won.size > MAX_WON) this.won.clear();
    for (const c of claims) {
      const key = claimKey(c.label, c.scheduledFor);
      const won = ours.has(key);
      if (won) this.won.add(key);
      for (const w of c.waiters) w.resolve(won);
    }
    return starts;
  }
}
