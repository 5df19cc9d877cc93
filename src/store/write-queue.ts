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
 * - A failed batch is retried with backoff and logged each time; if it still
 *   fails, its activity rows go back to the queue (never dropped silently) and
 *   its claims reject, so the engine does not run an occurrence it does not hold.
 */
import type { Client, InStatement } from "@libsql/client";
import type { RunRecord } from "../engine/types.ts";
import { TickdError } from "../errors.ts";
import { capText } from "./output-cap.ts";
import type { WriteLock } from "./write-lock.ts";

/** Rows per multi-row INSERT; 14 parameters each stays far below SQLite's limit. */
const ROWS_PER_STATEMENT = 500;
/** Waits between attempts of a failing batch, ms. */
const RETRY_DELAYS_MS = [50, 250, 1000, 3000];
/** After a batch failed every attempt, the timer-driven flush tries again this much later. */
const RECOVERY_DELAY_MS = 5000;

export interface WriteQueueOptions {
  readonly instance: string;
  readonly outputCapBytes: number;
  /** Where failures are reported (loudly: they mean records are waiting in memory). */
  readonly log: (line: string) => void;
  /** Shared with every other write path of the store in this process. */
  readonly lock: WriteLock;
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

interface PendingClaim {
  readonly label: string;
  readonly scheduledFor: number;
  readonly waiters: { resolve: (ours: boolean) => void; reject: (e: unknown) => void }[];
}

const ACTIVITY_COLUMNS =
  "run_id, label, job_id, scheduled_for, started_at, ended_at, status, message, output, error, attempt, trigger, instance";
const ACTIVITY_ROW = "(?, ?, (SELECT id FROM jobs WHERE label = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// A late "running" write never overwrites a finished row (status guard).
const ACTIVITY_UPSERT =
  " ON CONFLICT(run_id) DO UPDATE SET ended_at = excluded.ended_at, status = excluded.status, message = excluded.message," +
  " output = excluded.output, error = excluded.error WHERE activity.status = 'running' OR excluded.status <> 'running'";
// Ours when inserted now, or when this instance name already holds it and no
// run of it is recorded (an earlier life claimed ahead and died before running).
const CLAIM_UPSERT =
  " ON CONFLICT(label, scheduled_for) DO UPDATE SET claimed_at = excluded.claimed_at" +
  " WHERE claims.instance = excluded.instance AND NOT EXISTS" +
  " (SELECT 1 FROM activity a WHERE a.label = claims.label AND a.scheduled_for = claims.scheduled_for)" +
  " RETURNING label, scheduled_for";

const claimKey = (label: string, scheduledFor: number) => `${scheduledFor}\u0000${label}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class WriteQueue {
  readonly stats: WriteStats = { transactions: 0, rowsWritten: 0, claimsWritten: 0, failures: 0 };
  /** runId -> latest record; a finished record replaces its started one. */
  private runs = new Map<string, RunRecord>();
  private claims = new Map<string, PendingClaim>();
  /** Runs this process started and has not finished (markAbandoned leaves them alone). */
  readonly live = new Set<string>();
  private inflight: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

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

  started(run: RunRecord): void {
    this.live.add(run.runId);
    this.enqueue(run);
  }

  finished(run: RunRecord): void {
    this.live.delete(run.runId);
    this.enqueue(run);
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
      if (this.runs.size === 0 && this.claims.size === 0) return;
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
    }
  }

  private enqueue(run: RunRecord): void {
    if (this.closed) {
      this.options.log(`tickd store: run ${run.runId} (${run.label}, ${run.status}) arrived after the store closed and is NOT recorded`);
      return;
    }
    const capped: RunRecord = {
      ...run,
      output: capText(run.output, this.options.outputCapBytes, "output"),
      error: capText(run.error, this.options.outputCapBytes, "error"),
    };
    const previous = this.runs.get(run.runId);
    // Never let a queued "running" replace a queued final state of the same run.
    if (previous && previous.status !== "running" && capped.status === "running") return;
    this.runs.set(run.runId, capped);
    this.schedule(0);
  }

  /** Arm the flush timer: after the current tick, so a synchronous burst lands in one batch. */
  private schedule(delay: number): void {
    if (this.timer !== null || this.inflight !== null || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.startBatch().catch((error) => {
        this.options.log(
          `tickd store: WRITE FAILED after ${RETRY_DELAYS_MS.length + 1} attempts: ${(error as Error).message}; ` +
            `${this.runs.size} run record(s) kept in memory, retrying in ${RECOVERY_DELAY_MS / 1000} s`,
        );
        this.schedule(RECOVERY_DELAY_MS);
      });
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private startBatch(): Promise<void> {
    const runs = [...this.runs.values()];
    const claims = [...this.claims.values()];
    this.runs = new Map();
    this.claims = new Map();
    const done = this.writeWithRetry(runs, claims).then(
      () => {
        this.inflight = null;
        // what arrived during this batch forms the next one
        if (this.runs.size > 0 || this.claims.size > 0) this.schedule(0);
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

  private async writeWithRetry(runs: RunRecord[], claims: PendingClaim[]): Promise<void> {
    if (runs.length === 0 && claims.length === 0) return;
    const statements = [...activityStatements(runs), ...claimStatements(claims, this.options.instance, Date.now())];
    const claimStatementCount = Math.ceil(claims.length / ROWS_PER_STATEMENT);
    let lastError: unknown;
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      try {
        const results = await this.options.lock.run(() => this.client.batch(statements, "write"));
        this.stats.transactions++;
        this.stats.rowsWritten += runs.length;
        this.stats.claimsWritten += claims.length;
        const ours = new Set<string>();
        for (const rs of results.slice(results.length - claimStatementCount)) {
          for (const row of rs.rows) ours.add(claimKey(String(row.label), Number(row.scheduled_for)));
        }
        for (const c of claims) {
          const won = ours.has(claimKey(c.label, c.scheduledFor));
          for (const w of c.waiters) w.resolve(won);
        }
        return;
      } catch (error) {
        lastError = error;
        this.stats.failures++;
        const wait = RETRY_DELAYS_MS[attempt];
        this.options.log(
          `tickd store: writing ${runs.length} run(s) and ${claims.length} claim(s) failed (attempt ${attempt + 1}): ${(error as Error).message}` +
            (wait === undefined ? "" : `; retrying in ${wait} ms`),
        );
        if (wait !== undefined) await sleep(wait);
      }
    }
    // Give the runs back (newer records of the same run win), fail the claims.
    for (const run of runs) if (!this.runs.has(run.runId)) this.runs.set(run.runId, run);
    const failure = new TickdError("store", `the store could not record claims: ${(lastError as Error)?.message}`, { cause: lastError });
    for (const c of claims) for (const w of c.waiters) w.reject(failure);
    throw failure;
  }
}

function activityStatements(runs: readonly RunRecord[]): InStatement[] {
  const statements: InStatement[] = [];
  for (let i = 0; i < runs.length; i += ROWS_PER_STATEMENT) {
    const chunk = runs.slice(i, i + ROWS_PER_STATEMENT);
    const args: (string | number | null)[] = [];
    for (const r of chunk) {
      args.push(r.runId, r.label, r.label, r.scheduledFor, r.startedAt, r.endedAt ?? null, r.status, r.message, r.output, r.error, r.attempt, r.trigger, r.instance);
    }
    statements.push({
      sql: `INSERT INTO activity (${ACTIVITY_COLUMNS}) VALUES ${chunk.map(() => ACTIVITY_ROW).join(", ")}${ACTIVITY_UPSERT}`,
      args,
    });
  }
  return statements;
}

function claimStatements(claims: readonly PendingClaim[], instance: string, now: number): InStatement[] {
  const statements: InStatement[] = [];
  for (let i = 0; i < claims.length; i += ROWS_PER_STATEMENT) {
    const chunk = claims.slice(i, i + ROWS_PER_STATEMENT);
    const args: (string | number)[] = [];
    for (const c of chunk) args.push(c.label, c.scheduledFor, instance, now);
    statements.push({
      sql: `INSERT INTO claims (label, scheduled_for, instance, claimed_at) VALUES ${chunk.map(() => "(?, ?, ?, ?)").join(", ")}${CLAIM_UPSERT}`,
      args,
    });
  }
  return statements;
}
