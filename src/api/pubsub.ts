/**
 * Engine events -> GraphQL subscriptions. One typed pubsub per API server,
 * fed by SchedulerControl.subscribe; subscriptions read from it.
 */
import { createPubSub, SlidingBuffer, type PubSub } from "graphql-yoga";
import type { EngineEvent, JobChange, RunRecord, SchedulerControl } from "../engine/types.ts";
import type { EventLog } from "./events.ts";

export interface JobChangedEvent {
  readonly label: string;
  readonly change: JobChange;
  /** Epoch ms the API saw the change. */
  readonly at: number;
}

export type ApiPubSub = PubSub<{
  /** A run finished (every status, including skipped). */
  activity: [RunRecord];
  /** A run started. */
  runStarted: [RunRecord];
  jobChanged: [JobChangedEvent];
}>;

/**
 * Slow subscribers (a stalled browser tab) lose the oldest events rather than
 * growing memory without bound or erroring the whole subscription.
 */
const SUBSCRIBER_BUFFER = 1024;

export function createApiPubSub(): ApiPubSub {
  return createPubSub({ repeaterBuffer: new SlidingBuffer(SUBSCRIBER_BUFFER) });
}

/** Forward engine events into the pubsub and the event log subscriptions read (events.ts); returns the unsubscribe function. */
export function bridgeEngineEvents(scheduler: SchedulerControl, pubsub: ApiPubSub, now: () => number = Date.now, log?: EventLog): () => void {
  return scheduler.subscribe((event: EngineEvent) => {
    switch (event.type) {
      case "run.finished":
        pubsub.publish("activity", event.run);
        log?.publish("activity", event.run);
        break;
      case "run.started":
        pubsub.publish("runStarted", event.run);
        log?.publish("runStarted", event.run);
        break;
      case "job.changed": {
        const changed = { label: event.label, change: event.change, at: now() };
        pubsub.publish("jobChanged", changed);
        log?.publish("jobChanged", changed);
        break;
      }
    }
  });
}

/** Open subscriptions, for /metrics (tickd_api_subscriptions) and tests that streams are released. */
export class SubscriptionGauge {
  #open = 0;

  get open(): number {
    return this.#open;
  }

  /**
   * Count `source` as open until the client goes away (return/throw) or it
   * ends; return and throw are passed on, so the pubsub listener is released.
   */
  track<T>(source: AsyncIterable<T>): AsyncIterableIterator<T> {
    const inner = source[Symbol.asyncIterator]();
    let closed = false;
    const close = () => {
      if (!closed) {
        closed = true;
        this.#open--;
      }
    };
    this.#open++;
    const iterator: AsyncIterableIterator<T> = {
      async next() {
        const step = await inner.next();
        if (step.done) close();
        return step;
      },
      async return(value?: unknown) {
        close();
        return inner.return ? inner.return(value) : { done: true, value: undefined };
      },
      async throw(error?: unknown) {
        close();
        if (inner.throw) return inner.throw(error);
        throw error;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
