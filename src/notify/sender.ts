/**
 * Delivering the outbox: reads due `pending` notifications from the store,
 * sends them (several at once), records every attempt, and settles each row
 * `delivered`, pending again after a backoff, or — after MAX_ATTEMPTS —
 * `failed`. It runs beside the engine and never on its path: a slow or dead
 * channel delays only other alerts, never a job. It starts from the store,
 * so what a previous life left pending (a kill -9) goes out after a restart.
 *
 * It keeps out of the engine's way. The local libSQL client runs each call
 * synchronously, blocking the thread for its whole length (500 outcomes
 * written in one transaction: 25-45 ms, up to 290 ms on a loaded 2-core
 * machine), so the store is used in short stretches: ROUND_SIZE rows read,
 * RECORD_CHUNK outcomes written at a time. None of them, and no attempt,
 * starts from QUIET_BEFORE_MS (plus, for the store, how long its calls took
 * lately) before a due instant until QUIET_AFTER_MS after it: the engine
 * prepares the instant's runs then and writes their rows through the same
 * write lock (engine/wake.ts). Only answers to requests already sent arrive
 * in that window. Instants closer together than the window hold delivery
 * back at most MAX_QUIET_WAIT_MS in a row. Only on a clock that can be
 * watched (`block`): on a fake one no instant can be late.
 */
import { sleep, type Clock, type TimerHandle } from "../clock.ts";
import { redactAddress } from "../config/notify.ts";
import type { Store } from "../store/index.ts";
import { duePending, nextPendingAt, recordAttempts, type AttemptOutcome } from "../store/notifications.ts";
import { deliver, type DeliveryContext } from "./channels.ts";
import type { AlertPayload } from "./payload.ts";

/** Waits before the 2nd, 3rd, … attempt; after the last one the notification is `failed`. */
export const RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** Deliveries in flight at once. */
const CONCURRENCY = 32;
/** Rows read per round (one synchronous read). */
const ROUND_SIZE = 100;
/** Outcomes recorded per transaction (two statements each, one synchronous call). */
const RECORD_CHUNK = 50;
/** After the store failed, try again this much later. */
const STORE_RETRY_MS = 5_000;
/** Nothing starts this long before a due instant: the engine's preparation (PREPARE_AHEAD_MS, 40 ms, plus what it learned) and its wake. */
export const QUIET_BEFORE_MS = 60;
/** … until this long after it: the instant's starts are done. */
export const QUIET_AFTER_MS = 5;
/** The longest delivery is held back in a row by instants close together. */
export const MAX_QUIET_WAIT_MS = 500;
/** The most the store's learned cost widens the window by. */
const MAX_STORE_MS = 200;

export type NotifyOutcome = "delivered" | "retry" | "failed";

export interface SenderOptions extends DeliveryContext {
  readonly store: Store;
  readonly clock: Clock;
  /** Where a channel's failures and recoveries are said (secrets redacted). */
  readonly log: (level: "info" | "warn" | "error", event: string, fields: Record<string, unknown>) => void;
  /** The engine's next due instant (engine.nextDueAt), epoch ms; null when none. Default: no instants to keep out of. */
  readonly nextDueAt?: () => number | null;
}

export class Sender {
  /** Attempts since start by outcome, for /metrics (tickd_notifications_total). */
  readonly counts: Record<NotifyOutcome, number> = { delivered: 0, retry: 0, failed: 0 };
  /** Channels (redacted) whose latest attempt failed in this process, with since when. */
  readonly failing = new Map<string, { since: number; error: string }>();
  private timer: TimerHandle | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Since when (monotonic) delivery has been held back by instants without a break; null when it is not. */
  private heldSince: number | null = null;
  /** Aborted by stop(): a wait in the quiet window ends. */
  private readonly halt = new AbortController();
  /** How long a call to the store took lately (decaying max), ms: a call starts no later than this before the window. */
  private storeMs = 5;

  constructor(private readonly options: SenderOptions) {}

  start(): void {
    this.options.store.onAlertsWritten(() => this.wake());
    this.wake();
  }

  /** Deliver what is due now (and arm the timer for what is due later). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.clearTimer();
    this.running = this.drain()
      .catch(async (error) => {
        this.options.log("error", "notify.store.failed", { message: (error as Error).message });
        await sleep(this.options.clock, STORE_RETRY_MS);
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.wake();
        } else void this.arm();
      });
  }

  /** Let the round in flight finish; deliver nothing more. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halt.abort();
    this.clearTimer();
    await this.running;
  }

  private async drain(): Promise<void> {
    const { store, clock } = this.options;
    for (;;) {
      await this.quiet(this.storeMs);
      const rows = await this.timed(() => duePending(store, clock.now(), ROUND_SIZE));
      if (rows.length === 0 || this.stopped) return;
      // Outcomes are written a chunk at a time, one chunk after the other, while deliveries go on.
      let outcomes: AttemptOutcome[] = [];
      let written = Promise.resolve();
      // The first failure to write; later chunks are not tried (their rows stay pending: delivered again, at least once).
      let failure: { readonly error: unknown } | null = null;
      const record = (chunk: readonly AttemptOutcome[]) => {
        written = written
          .then(async () => {
            if (failure) return;
            await this.quiet(this.storeMs);
            await this.timed(() => recordAttempts(store, chunk));
          })
          .catch((error: unknown) => void (failure ??= { error }));
      };
      let next = 0;
      const worker = async () => {
        while (next < rows.length) {
          await this.quiet(0);
          if (next >= rows.length) return;
          const row = rows[next++]!;
          // Read `outcomes` after the attempt: another worker may have handed the chunk in meanwhile.
          const outcome = await this.attempt(row.id, row.channel, row.payload, row.attempts + 1);
          outcomes.push(outcome);
          if (outcomes.length >= RECORD_CHUNK) {
            record(outcomes);
            outcomes = [];
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, rows.length) }, worker));
      if (outcomes.length > 0) record(outcomes);
      await written;
      if (failure) throw (failure as { readonly error: unknown }).error;
    }
  }

  /** Run a store call and learn how long such calls take. */
  private async timed<T>(call: () => Promise<T>): Promise<T> {
    const began = this.options.clock.monotonic();
    try {
      return await call();
    } finally {
      this.storeMs = Math.min(MAX_STORE_MS, Math.max(this.options.clock.monotonic() - began, this.storeMs * 0.9));
    }
  }

  /**
   * Wait out the moments around the engine's next due instant, when they are
   * now: from QUIET_BEFORE_MS + `costMs` before it (what is about to start
   * would still run then) to QUIET_AFTER_MS after it.
   */
  private async quiet(costMs: number): Promise<void> {
    const { clock, nextDueAt } = this.options;
    for (;;) {
      const at = clock.block && nextDueAt && !this.stopped ? nextDueAt() : null;
      const now = clock.now();
      if (at === null || at - now > QUIET_BEFORE_MS + costMs || now >= at + QUIET_AFTER_MS) {
        this.heldSince = null;
        return;
      }
      const mono = clock.monotonic();
      this.heldSince ??= mono;
      if (mono - this.heldSince >= MAX_QUIET_WAIT_MS) return;
      // Then look again: the instant after may be as close.
      await sleep(clock, at + QUIET_AFTER_MS - now, this.halt.signal);
    }
  }

  private async attempt(id: number, channel: string, payload: string, attempt: number): Promise<AttemptOutcome> {
    const started = this.options.clock.now();
    const shown = redactAddress(channel);
    try {
      await deliver(channel, JSON.parse(payload) as AlertPayload, this.options);
      const at = this.options.clock.now();
      this.counts.delivered++;
      const was = this.failing.get(shown);
      if (was) {
        this.failing.delete(shown);
        this.options.log("info", "notify.channel.recovered", { channel: shown, failingSince: new Date(was.since).toISOString() });
      }
      return { id, channel, at, ok: true, error: "", durationMs: at - started, state: "delivered", nextAttemptAt: at };
    } catch (error) {
      const at = this.options.clock.now();
      const message = (error as Error).message;
      const last = attempt >= MAX_ATTEMPTS;
      this.counts[last ? "failed" : "retry"]++;
      if (!this.failing.has(shown)) {
        this.failing.set(shown, { since: at, error: message });
        this.options.log("warn", "notify.channel.failing", { channel: shown, message, attempt });
      } else this.failing.get(shown)!.error = message;
      if (last) this.options.log("error", "notify.failed", { channel: shown, notification: id, attempts: attempt, message });
      const wait = RETRY_DELAYS_MS[attempt - 1] ?? 0;
      return { id, channel, at, ok: false, error: message, durationMs: at - started, state: last ? "failed" : "pending", nextAttemptAt: at + wait };
    }
  }

  private async arm(): Promise<void> {
    if (this.stopped) return;
    let at: number | null;
    try {
      at = await nextPendingAt(this.options.store);
    } catch {
      at = this.options.clock.now() + STORE_RETRY_MS;
    }
    if (at === null || this.stopped || this.running) return;
    this.clearTimer();
    this.timer = this.options.clock.setTimer(() => {
      this.timer = null;
      this.wake();
    }, Math.max(0, at - this.options.clock.now()));
  }

  private clearTimer(): void {
    if (this.timer !== null) this.options.clock.clearTimer(this.timer);
    this.timer = null;
  }
}
