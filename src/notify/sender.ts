/**
 * Delivering the outbox: reads due `pending` notifications from the store,
 * sends them (several at once), records every attempt, and settles each row
 * `delivered`, pending again after a backoff, or — after MAX_ATTEMPTS —
 * `failed`. It runs beside the engine and never on its path: a slow or dead
 * channel delays only other alerts, never a job. It starts from the store,
 * so what a previous life left pending (a kill -9) goes out after a restart.
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
/** Rows read per round. */
const ROUND_SIZE = 500;
/** After the store failed, try again this much later. */
const STORE_RETRY_MS = 5_000;

export type NotifyOutcome = "delivered" | "retry" | "failed";

export interface SenderOptions extends DeliveryContext {
  readonly store: Store;
  readonly clock: Clock;
  /** Where a channel's failures and recoveries are said (secrets redacted). */
  readonly log: (level: "info" | "warn" | "error", event: string, fields: Record<string, unknown>) => void;
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
    this.clearTimer();
    await this.running;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows = await duePending(this.options.store, this.options.clock.now(), ROUND_SIZE);
      if (rows.length === 0 || this.stopped) return;
      const outcomes: AttemptOutcome[] = [];
      let next = 0;
      const worker = async () => {
        while (next < rows.length) {
          const row = rows[next++]!;
          outcomes.push(await this.attempt(row.id, row.channel, row.payload, row.attempts + 1));
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, rows.length) }, worker));
      await recordAttempts(this.options.store, outcomes);
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
