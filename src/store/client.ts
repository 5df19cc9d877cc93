/**
 * Opening the store: a libSQL client (embedded file or remote server), Drizzle
 * over it, migrations applied, this instance registered. The returned Store is
 * the engine's EngineStore and the handle every repository function takes.
 */
import os from "node:os";
import { createClient, type Client } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import * as schema from "../../schema/db.ts";
import { nextTask, systemClock, type Clock } from "../clock.ts";
import type { GridProposal, Occurrence, RunRecord } from "../engine/types.ts";
import { settleAnchors } from "./anchors.ts";
import { guardShm } from "./shm-guard.ts";
import { TickdError } from "../errors.ts";
import { abandonDeadRuns, beat, registerInstance, unregisterInstance, type AbandonReport, type InstanceLife } from "./lifecycle.ts";
import { StoreLease, type Lease } from "./lease.ts";
import type { Dialect } from "./dialect.ts";
import { applyMigrations, applyPgMigrations, type MigrationReport } from "./migrate.ts";
import { watchJobs } from "./jobs-watch.ts";
import { createPgClient, isPostgresUrl, hidePassword, type PgClient } from "./pg-client.ts";
import { prune, storeSize, type PruneReport, type RetentionPolicy, type StoreSize } from "./retention.ts";
import type { OutboxRecord } from "./notifications.ts";
import { OUTPUT_CAP_BYTES } from "./output-cap.ts";
import { WriteLock } from "./write-lock.ts";
import { WriteQueue, type WriteStats } from "./write-queue.ts";
import { databaseFile, embeddedProblem, isEmbeddedUrl, openFailure } from "./store-url.ts";
import type { Store, StoreDb, StoreHealth, StoreOptions } from "./store-types.ts";

export { databaseFile, isEmbeddedUrl, noDatabaseYet } from "./store-url.ts";
export type { Store, StoreDb, StoreHealth, StoreOptions } from "./store-types.ts";

/** Blocking part of a wait for another process's lock (see write-lock.ts). */
export const BUSY_TIMEOUT_MS = 20;
/** A write waiting this long for the lock makes the store unhealthy. */
const BUSY_UNHEALTHY_MS = 1_000;
/**
 * The write-ahead log is checkpointed by tickd, not by SQLite on whichever
 * commit crosses its threshold: a checkpoint writes and syncs the database
 * file on this thread, and the commit that crosses the threshold may be the
 * one recording the runs of an instant a few ms away. So: after a batch that
 * held no runs about to start, once a second (every CHECKPOINT_FORCE_MS
 * whatever the batch). The log is truncated back to WAL_SIZE_LIMIT_BYTES after
 * each checkpoint, so it stays small and never refills a small disk (SQLite's
 * own default lets it reach 4 MB).
 */
const CHECKPOINT_EVERY_MS = 1_000;
const CHECKPOINT_FORCE_MS = 5_000;
const WAL_SIZE_LIMIT_BYTES = 512 * 1024;

/** Where store faults go when the caller gives no log. */
const toStderr = (line: string): void => void process.stderr.write(`${line}\n`);

export async function openStore(url: string, options: StoreOptions): Promise<Store> {
  if (isPostgresUrl(url)) return openPostgresStore(url, options);
  const problem = embeddedProblem(url);
  if (problem !== undefined) throw new TickdError("store", `cannot open the database ${url}: ${problem}`);
  const embedded = isEmbeddedUrl(url);
  // An embedded file (not :memory:) runs in WAL mode, with its -wal and -shm files.
  const file = databaseFile(url);
  const walFile = file !== null;
  let client: Client;
  try {
    client = createClient({
      url,
      authToken: process.env.TICKD_DB_AUTH_TOKEN || undefined,
      // The client keeps a pool of connections; `timeout` is the busy timeout
      // of each, so writers from other processes (or a transaction on another
      // connection of this pool) wait for the lock instead of failing.
      timeout: embedded ? (options.busyTimeoutMs ?? BUSY_TIMEOUT_MS) : undefined,
    });
    if (file !== null) client = guardShm(client, `${file}-shm`, options.log ?? toStderr);
  } catch (error) {
    throw new TickdError("store", `cannot open the database ${url}: ${openFailure(error)}; check --db (file:PATH, libsql://HOST or http(s)://HOST)`, { cause: error });
  }
  try {
    // Several instances may open one database at once: the first migrates,
    // the others wait for its lock without blocking (write-lock.ts). So does
    // a start while another process holds the lock for a moment (the last
    // connection of `tickd history` checkpointing as it closes, say).
    const clock = options.clock ?? systemClock;
    const lock = new WriteLock(clock);
    if (walFile) {
      // WAL lets readers (API, `tickd history`) work while the engine writes;
      // synchronous=NORMAL is durable in WAL mode except on power loss. It is a
      // per-connection setting: the pool reuses this first connection for
      // sequential work (the write queue), others keep the safe default FULL.
      await lock.run(async () => {
        await client.execute("PRAGMA journal_mode = WAL");
        await client.execute("PRAGMA synchronous = NORMAL");
        await client.execute("PRAGMA wal_autocheckpoint = 0");
        await client.execute(`PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      });
    }
    const migrations = await lock.run(() => applyMigrations(client));
    const life: InstanceLife =
      options.register === false
        ? { name: options.instance, hostname: os.hostname(), pid: process.pid, previous: null }
        : await lock.run(() => registerInstance(client, options.instance, os.hostname(), process.pid, clock.now()));
    return new DatabaseStore(client, url, options, migrations, life, options.register !== false, lock, walFile, clock, "sqlite");
  } catch (error) {
    client.close();
    if (error instanceof TickdError) throw error;
    throw new TickdError("store", `cannot open the database ${url}: ${openFailure(error)}`, { cause: error });
  }
}

/**
 * `--db postgres://…` (or postgresql://, with ?sslmode=…): the same tables on
 * PostgreSQL (schema/db.pg.ts), migrated under an advisory lock, through the
 * same store (pg-client.ts says how). The password never appears in a message.
 */
async function openPostgresStore(url: string, options: StoreOptions): Promise<Store> {
  const shown = hidePassword(url);
  const log = options.log ?? toStderr;
  const client = createPgClient(url, { onNotice: () => {} });
  const clock = options.clock ?? systemClock;
  try {
    const migrations = await applyPgMigrations(client);
    const life: InstanceLife =
      options.register === false
        ? { name: options.instance, hostname: os.hostname(), pid: process.pid, previous: null }
        : await registerInstance(client, options.instance, os.hostname(), process.pid, clock.now());
    return new DatabaseStore(client, shown, { ...options, log }, migrations, life, options.register !== false, new WriteLock(clock), false, clock, "postgresql");
  } catch (error) {
    client.close();
    if (error instanceof TickdError) throw error;
    throw new TickdError("store", `cannot open the database ${shown}: ${(error as Error).message}; check --db (postgres://USER:PASSWORD@HOST:PORT/DATABASE)`, { cause: error });
  }
}

/** The store on either dialect: the client speaks SQLite's SQL or PostgreSQL's (pg-client.ts), the rest is shared. */
class DatabaseStore implements Store {
  readonly db: StoreDb;
  private readonly queue: WriteQueue;
  /** Where store faults are reported (the service's log). */
  private readonly log: (line: string) => void;

  constructor(
    readonly client: Client,
    readonly url: string,
    options: StoreOptions,
    readonly migrations: MigrationReport,
    private readonly life: InstanceLife,
    private readonly registered: boolean,
    private readonly lock: WriteLock,
    private readonly walFile: boolean,
    readonly clock: Clock,
    readonly dialect: Dialect,
  ) {
    this.log = options.log ?? toStderr;
    this.lastCheckpoint = clock.monotonic();
    // A heartbeat that finds this instance's row gone (taken over, its claims without a run dropped) forgets the claims it won ahead.
    const renew = async (now: number) => {
      const kept = await this.lock.run(() => beat(this.client, this.life, now));
      if (!kept) this.queue.forgetClaims();
      return kept;
    };
    this.storeLease = new StoreLease(clock, clock.now(), renew, () => this.queue.live);
    this.db = drizzle(client, { schema });
    this.queue = new WriteQueue(client, {
      instance: options.instance,
      dialect,
      outputCapBytes: options.outputCapBytes ?? OUTPUT_CAP_BYTES,
      log: this.log,
      lock: this.lock,
      clock,
      alerted: () => this.alertListener?.(),
      // After writes failed (a full disk), give the log's space back at once.
      ...(walFile && { recovered: () => this.checkpoint("TRUNCATE"), written: (starts: boolean) => this.checkpointSoon(starts) }),
    });
  }

  get instance(): string {
    return this.life.name;
  }

  private readonly storeLease: StoreLease;
  others = 0;

  get lease(): Lease {
    return this.storeLease;
  }

  get stats(): Readonly<WriteStats> {
    return this.queue.stats;
  }

  claim(label: string, scheduledFor: number): Promise<boolean> {
    return this.queue.claim(label, scheduledFor);
  }

  async release(occurrences: readonly Occurrence[]): Promise<void> {
    await this.queue.flush();
    this.queue.forgetClaims();
    const statements = occurrences.map((o) => ({
      sql: "DELETE FROM claims WHERE label = ? AND scheduled_for = ? AND instance = ? AND NOT EXISTS (SELECT 1 FROM activity a WHERE a.label = claims.label AND a.scheduled_for = claims.scheduled_for)",
      args: [o.label, o.scheduledFor, this.life.name],
    }));
    await this.lock.run(() => this.client.batch(statements, "write"));
  }

  begin(run: RunRecord): Promise<boolean> {
    return this.queue.begin(run);
  }

  finished(run: RunRecord): void {
    this.queue.finished(run);
  }

  private alertListener: (() => void) | null = null;

  alert(records: readonly OutboxRecord[]): void {
    this.queue.alert(records);
  }

  onAlertsWritten(listener: () => void): void {
    this.alertListener = listener;
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }

  watchJobs(listener: () => void): () => void {
    if (this.dialect !== "postgresql") return () => {};
    return watchJobs(this.client as PgClient, this.clock, listener, this.log);
  }

  anchors(proposals: readonly GridProposal[]): Promise<ReadonlyArray<number | undefined>> {
    return this.lock.run(() => settleAnchors(this.client, proposals, this.clock.now()));
  }

  async recordedOccurrences(label: string, from: number, to: number): Promise<ReadonlySet<number>> {
    await this.queue.flush();
    const rs = await this.client.execute({
      sql: "SELECT DISTINCT scheduled_for FROM activity WHERE label = ? AND scheduled_for BETWEEN ? AND ? AND trigger <> 'manual'",
      args: [label, from, to],
    });
    return new Set(rs.rows.map((row) => Number(row.scheduled_for)));
  }

  async lastScheduled(label: string): Promise<number | null> {
    // Manual runs are not occurrences of the schedule, so they do not move catch-up.
    // What the queue holds is read before the query as well as after: a batch
    // written while the query runs leaves the queue and may miss the query's snapshot.
    const queued = this.queue.pendingLastScheduled(label);
    const rs = await this.client.execute({
      sql: "SELECT MAX(scheduled_for) AS last FROM activity WHERE label = ? AND trigger <> 'manual'",
      args: [label],
    });
    const stored = rs.rows[0]?.last;
    const known = [stored === null || stored === undefined ? null : Number(stored), queued, this.queue.pendingLastScheduled(label)].filter((t): t is number => t !== null);
    return known.length === 0 ? null : Math.max(...known);
  }

  async markAbandoned(now: number, atStart = false): Promise<AbandonReport> {
    await this.queue.flush();
    const report = await this.lock.run(() =>
      abandonDeadRuns(this.client, { now, self: this.life, live: this.queue.live, hostname: os.hostname(), atStart, inTouchSince: this.storeLease.inTouchSince }),
    );
    this.others = report.others;
    return report;
  }

  heartbeat(): Promise<boolean> {
    return this.storeLease.renew();
  }

  async prune(policy: RetentionPolicy): Promise<PruneReport> {
    await this.queue.flush();
    // It drops old claims without a run; the queue no longer counts on those it won.
    this.queue.forgetClaims();
    return this.lock.run(() => prune(this.client, policy, this.clock.now(), this.dialect));
  }

  size(): Promise<StoreSize> {
    return storeSize(this.client, this.dialect);
  }

  health(): StoreHealth {
    const failing = this.queue.failing;
    if (failing) return { ok: false, reason: `writes are failing since ${new Date(failing.since).toISOString()}: ${failing.message}` };
    const busySince = this.lock.busySince;
    const now = this.clock.now();
    if (busySince !== null && now - busySince >= BUSY_UNHEALTHY_MS) {
      return { ok: false, reason: `writes have waited ${Math.round((now - busySince) / 1000)} s for the database lock, held by another process` };
    }
    return { ok: true };
  }

  /** Monotonic ms of the latest checkpoint (the constructor sets it). */
  private lastCheckpoint: number;
  private closing = false;

  /** After a batch: checkpoint when it is time (see CHECKPOINT_EVERY_MS), in a task of its own. */
  private checkpointSoon(starts: boolean): void {
    if (this.closing || this.queue.failing) return;
    const since = this.clock.monotonic() - this.lastCheckpoint;
    if (since < CHECKPOINT_EVERY_MS || (starts && since < CHECKPOINT_FORCE_MS)) return;
    this.lastCheckpoint = this.clock.monotonic();
    nextTask(() => {
      if (!this.closing) void this.checkpoint("PASSIVE");
    });
  }

  /** Move the write-ahead log into the database (TRUNCATE: and cut the log to nothing); never fatal. */
  private async checkpoint(mode: "PASSIVE" | "TRUNCATE"): Promise<void> {
    this.lastCheckpoint = this.clock.monotonic();
    try {
      await this.lock.run(() => this.client.execute(`PRAGMA wal_checkpoint(${mode})`));
    } catch (error) {
      this.log(`tickd store: checkpoint failed: ${(error as Error).message}`);
    }
  }

  exclusive<T>(fn: (db: StoreDb) => Promise<T>): Promise<T> {
    return this.lock.run(() => fn(this.db));
  }

  async close(): Promise<void> {
    try {
      this.closing = true;
      await this.queue.close();
      // Every run of this process is recorded, so nothing needs its row any more.
      if (this.registered) await this.lock.run(() => unregisterInstance(this.client, this.life, this.clock.now()));
      // Leave the database whole in its main file (a plain copy of it then has every run).
      if (this.walFile && this.registered) await this.checkpoint("TRUNCATE");
    } finally {
      // PostgreSQL: wait for the connections to say goodbye (the process may exit next).
      if (this.dialect === "postgresql") await (this.client as PgClient).end();
      else this.client.close();
    }
  }
}
