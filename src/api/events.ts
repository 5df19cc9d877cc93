/**
 * The events subscriptions read, each with an id, and the last ones kept so
 * a client that reconnects can resume where it was: an SSE client sends
 * `Last-Event-ID` (EventSource does so by itself), any client may send
 * `extensions: { lastEventId }` with its subscription. Ids are
 * `<boot>-<seq>`: an id from before a restart (another boot), or older than
 * the log holds, cannot be resumed from; such a stream starts live, and the
 * client reloads what it shows (as on a first connect).
 */
import type { RunRecord } from "../engine/types.ts";
import type { JobChangedEvent } from "./pubsub.ts";

export interface EventTopics {
  /** A run finished (runFinished, the deprecated activity). */
  activity: RunRecord;
  runStarted: RunRecord;
  jobChanged: JobChangedEvent;
}
export type Topic = keyof EventTopics;

export interface LoggedEvent<T> {
  /** What an SSE `id:` line carries and `Last-Event-ID` sends back. */
  readonly id: string;
  readonly seq: number;
  readonly value: T;
}

interface Entry {
  readonly topic: Topic;
  readonly event: LoggedEvent<unknown>;
  /** Roughly what it holds in memory: a run's output (up to 64 KiB) is most of it. */
  readonly weight: number;
}

/** Events kept for resuming: a few minutes of a busy instance... */
export const EVENT_LOG_SIZE = 2000;
/** ...within this much text (runs' output, errors, messages), whichever is less. */
export const EVENT_LOG_BYTES = 8 * 1024 * 1024;

function weightOf(value: unknown): number {
  const run = value as Partial<RunRecord>;
  return 256 + (run.output?.length ?? 0) + (run.error?.length ?? 0) + (run.message?.length ?? 0);
}
/** A slow subscriber (a stalled tab) loses its oldest events beyond this, rather than growing memory. */
const SUBSCRIBER_BUFFER = 1024;

export class EventLog {
  /** Tells this process's ids from another's (a restart starts the count again). */
  readonly boot = Math.random().toString(36).slice(2, 8);
  #seq = 0;
  #entries: Entry[] = [];
  #weight = 0;
  #listeners = new Set<(entry: Entry) => void>();

  constructor(
    private readonly size = EVENT_LOG_SIZE,
    private readonly bytes = EVENT_LOG_BYTES,
  ) {}

  publish<K extends Topic>(topic: K, value: EventTopics[K]): void {
    const seq = ++this.#seq;
    const entry: Entry = { topic, event: { id: `${this.boot}-${seq}`, seq, value }, weight: weightOf(value) };
    this.#entries.push(entry);
    this.#weight += entry.weight;
    let drop = 0;
    while (drop < this.#entries.length - 1 && (this.#entries.length - drop > this.size || this.#weight > this.bytes)) this.#weight -= this.#entries[drop++]!.weight;
    if (drop > 0) this.#entries.splice(0, drop);
    for (const listener of this.#listeners) listener(entry);
  }

  /** The sequence number an id of this process holds; undefined for another process's or a malformed one. */
  seqOf(id: string): number | undefined {
    const m = /^([a-z0-9]+)-(\d+)$/.exec(id);
    if (!m || m[1] !== this.boot) return undefined;
    const seq = Number(m[2]);
    return seq <= this.#seq ? seq : undefined;
  }

  /**
   * The events of `topic` after `lastEventId`, then each new one as it comes.
   * Without a resumable id (none, another boot's, or older than the log) only new ones.
   */
  stream<K extends Topic>(topic: K, lastEventId?: string | null): AsyncIterableIterator<LoggedEvent<EventTopics[K]>> {
    type Event = LoggedEvent<EventTopics[K]>;
    const queue: Event[] = [];
    const after = lastEventId ? this.seqOf(lastEventId) : undefined;
    const oldest = this.#entries[0]?.event.seq;
    // Resumable when nothing after the id has been dropped from the log.
    if (after !== undefined && (oldest === undefined || oldest <= after + 1)) {
      for (const e of this.#entries) if (e.topic === topic && e.event.seq > after) queue.push(e.event as Event);
    }
    let wake: (() => void) | null = null;
    let done = false;
    const listener = (entry: Entry) => {
      if (entry.topic !== topic) return;
      queue.push(entry.event as Event);
      if (queue.length > SUBSCRIBER_BUFFER) queue.shift();
      wake?.();
    };
    this.#listeners.add(listener);
    const stop = () => {
      done = true;
      this.#listeners.delete(listener);
      wake?.();
    };
    const iterator: AsyncIterableIterator<Event> = {
      async next() {
        while (queue.length === 0 && !done) await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        if (done) return { done: true, value: undefined };
        return { done: false, value: queue.shift()! };
      },
      async return() {
        stop();
        return { done: true, value: undefined };
      },
      async throw(error?: unknown) {
        stop();
        throw error;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}

/**
 * The ids of the events a subscription operation has yielded, oldest first:
 * each source event becomes exactly one result, in order, so the SSE writer
 * (sse.ts) takes the next id for each result.
 */
export function recordIds<T extends { id: string }>(ids: string[], source: AsyncIterable<T>): AsyncIterableIterator<T> {
  const inner = source[Symbol.asyncIterator]();
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      const step = await inner.next();
      if (!step.done) ids.push(step.value.id);
      return step;
    },
    return: async (value?: unknown) => (inner.return ? inner.return(value) : { done: true, value: undefined }),
    throw: async (error?: unknown) => {
      if (inner.throw) return inner.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
