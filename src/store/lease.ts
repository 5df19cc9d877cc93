/**
 * This instance's lease, as the engine consults it before starting a run
 * whose row is already written (lifecycle.ts says what the lease covers).
 *
 * The lease holds until LEASE_MS after the last heartbeat that went in, by
 * this process's own clock: the time is read before the heartbeat is sent,
 * and the store records that same time, so the lease ends here no later than
 * any other instance can see it end. Past it (the process was stopped, the
 * machine suspended, the store out of reach) nothing held starts until a
 * renewal has answered: renewed, and everything held is still ours; or the
 * instance had been taken over, and the runs it had written before are not
 * to start (`fenced`) — another instance has recorded them abandoned.
 */
import type { Clock } from "../clock.ts";
import type { EngineLease } from "../engine/types.ts";
import { HEARTBEAT_EVERY_MS, LEASE_MS } from "./lifecycle.ts";

/** What the engine asks of a lease (engine/types.ts). */
export type Lease = EngineLease;

export class StoreLease implements Lease {
  readonly #clock: Clock;
  readonly #beat: (now: number) => Promise<boolean>;
  /** The runs begun and not finished, as the write queue keeps them (copied when the instance was taken over). */
  readonly #live: () => ReadonlySet<string>;
  #until: number;
  #lastBeat: number;
  #renewing: Promise<boolean> | null = null;
  #fenced = new Set<string>();
  /** Since when heartbeats have gone in without a gap (lifecycle.ts abandonDeadRuns). */
  inTouchSince = Number.NEGATIVE_INFINITY;

  constructor(clock: Clock, registeredAt: number, beat: (now: number) => Promise<boolean>, live: () => ReadonlySet<string>) {
    this.#clock = clock;
    this.#beat = beat;
    this.#live = live;
    this.#until = registeredAt + LEASE_MS;
    this.#lastBeat = registeredAt;
  }

  until(): number {
    return this.#until;
  }

  fenced(runId: string): boolean {
    return this.#fenced.has(runId);
  }

  renew(): Promise<boolean> {
    return (this.#renewing ??= this.#renewNow().finally(() => (this.#renewing = null)));
  }

  async #renewNow(): Promise<boolean> {
    const sent = this.#clock.now();
    const kept = await this.#beat(sent);
    // A heartbeat missed (an outage, a stop): others' heartbeats are as old as ours were.
    if (sent - this.#lastBeat > 1.5 * HEARTBEAT_EVERY_MS) this.inTouchSince = sent;
    this.#lastBeat = sent;
    this.#until = sent + LEASE_MS;
    if (!kept) this.#fenced = new Set(this.#live());
    return kept;
  }
}
