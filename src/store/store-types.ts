/**
 * What the store is, as its callers see it: the engine's EngineStore and
 * the handle every repository takes (client.ts opens one).
 */
import type { Client } from "@libsql/client";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type * as schema from "../../schema/db.ts";
import type { Clock } from "../clock.ts";
import type { EngineStore, Occurrence } from "../engine/types.ts";
import type { Dialect } from "./dialect.ts";
import type { Lease } from "./lease.ts";
import type { AbandonReport } from "./lifecycle.ts";
import type { MigrationReport } from "./migrate.ts";
import type { OutboxRecord } from "./notifications.ts";
import type { PruneReport, RetentionPolicy, StoreSize } from "./retention.ts";
import type { WriteStats } from "./write-queue.ts";

export type StoreDb = LibSQLDatabase<typeof schema>;

export interface StoreOptions {
  /** Name recorded on every run and claim: `hostname:pid` unless the operator set one. */
  readonly instance: string;
  /** Cap for captured output and error text, UTF-8 bytes. Default 64 KiB. */
  readonly outputCapBytes?: number;
  /**
   * Busy timeout of embedded databases, ms: how long one try blocks the
   * thread while another process holds the lock. Default BUSY_TIMEOUT_MS;
   * writes then keep trying without blocking (write-lock.ts).
   */
  readonly busyTimeoutMs?: number;
  /**
   * Record this process in the instances table (default true). Short-lived
   * readers such as `tickd history` pass false: they never run jobs.
   */
  readonly register?: boolean;
  /** Where write failures are reported. Default: stderr. */
  readonly log?: (line: string) => void;
  /**
   * Time of claims, instance registration and anchors, the waits of retried
   * and busy writes, checkpoint spacing and health. Default: the system clock.
   */
  readonly clock?: Clock;
}

/** Whether the store takes writes now; `reason` in words when it does not. */
export interface StoreHealth {
  readonly ok: boolean;
  readonly reason?: string;
}

export interface Store extends EngineStore {
  /**
   * Claim occurrence (label, scheduledFor) for this instance without a row:
   * false when another instance (or an earlier life of this one that ran it)
   * holds it. The engine claims ahead so only while other instances share the
   * store (engine/takeover.ts); alone, with each run's first row (begin).
   */
  claim(label: string, scheduledFor: number): Promise<boolean>;
  /** Give back claims of this instance that no run used (they are anyone's again). */
  release(occurrences: readonly Occurrence[]): Promise<void>;
  /** The scheduledFor of every recorded run of `label` in [from, to], queued ones included (backfill skips them). */
  recordedOccurrences(label: string, from: number, to: number): Promise<ReadonlySet<number>>;
  /** Drizzle over the client, for the repositories (activity.ts, jobs.ts). */
  readonly db: StoreDb;
  readonly client: Client;
  /** The URL as given, its password (if any) replaced by `***`: safe to show. */
  readonly url: string;
  /** Which SQL `client` speaks: libSQL's (SQLite) or PostgreSQL's (dialect.ts). */
  readonly dialect: Dialect;
  readonly instance: string;
  /** What opening applied. */
  readonly migrations: MigrationReport;
  /** The clock it was opened with: repositories default their `now` to it. */
  readonly clock: Clock;
  /** Counters of the write path (transactions, rows); for tests and benchmarks. */
  readonly stats: Readonly<WriteStats>;
  /**
   * Take over the instances that are gone (lifecycle.ts): their runs left
   * `running` recorded `abandoned` (ended_at = now), their claims that never
   * ran dropped and returned. `atStart`: before the engine starts, when this
   * name's earlier life is taken over too. Then every heartbeat.
   */
  markAbandoned(now: number, atStart?: boolean): Promise<AbandonReport>;
  /**
   * Tell other instances on this store that this one is alive (every
   * HEARTBEAT_EVERY_MS), renewing its lease. False when another instance had
   * taken it over meanwhile (it registered again).
   */
  heartbeat(): Promise<boolean>;
  /** This instance's lease, for the engine (lease.ts). */
  readonly lease: Lease;
  /** Other instances whose lease held at the last look (markAbandoned): while any, the engine claims ahead. */
  readonly others: number;
  /**
   * Write the daily roll-ups of the days that are over, then delete the runs
   * `policy` no longer keeps (and claims older than any run kept); see retention.ts.
   */
  prune(policy: RetentionPolicy): Promise<PruneReport>;
  /** The database's size in bytes, and its rows of history. */
  size(): Promise<StoreSize>;
  /**
   * Run `fn` as the only writer of this process (queued batches wait). Any
   * write outside the store's own functions — above all an interactive
   * `db.transaction(…)` — must go through here: see write-lock.ts for why.
   */
  exclusive<T>(fn: (db: StoreDb) => Promise<T>): Promise<T>;
  /** Writes failing or stalled (full disk, a lock held elsewhere), with the reason; for /healthz. */
  health(): StoreHealth;
  /**
   * Queue alerts for the outbox. Raised in the task that finished a run, they
   * commit in the same transaction as its record (so both survive a crash, or neither).
   */
  alert(records: readonly OutboxRecord[]): void;
  /** Called after each transaction that put alerts into the outbox (the sender listens). */
  onAlertsWritten(listener: () => void): void;
  /**
   * Call `listener` when the jobs table changed, by any process on the store
   * (jobs-watch.ts); returns the function that stops watching. PostgreSQL
   * only: on libSQL it never calls (one server's instances each apply their own operator's changes).
   */
  watchJobs(listener: () => void): () => void;
  /** Flush queued writes and close the connection. */
  close(): Promise<void>;
}
