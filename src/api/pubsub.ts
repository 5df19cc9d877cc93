/**
 * Engine events -> GraphQL subscriptions: the engine's events go into the
 * API's event log (events.ts), which subscriptions read. (Not graphql-yoga's
 * createPubSub: a pubsub forgets each event once delivered, and a client that
 * reconnects must be able to resume after the last event it saw.)
 */
import type { EngineEvent, JobChange, SchedulerControl } from "../engine/types.ts";
import type { EventLog } from "./events.ts";

export interface JobChangedEvent {
  readonly label: string;
  readonly change: JobChange;
  /** Epoch ms the API saw the change. */
  readonly at: number;
}

/** Forward engine events into the event log; returns the unsubscribe function. */
export function bridgeEngineEvents(scheduler: SchedulerControl, log: EventLog, now: () => number): () => void {
  return scheduler.subscribe((event: EngineEvent) => {
    switch (event.type) {
      case "run.finished":
        log.publish("activity", event.run);
        break;
      case "run.started":
        log.publish("runStarted", event.run);
        break;
      case "job.changed":
        log.publish("jobChanged", { label: event.label, change: event.change, at: now() });
        break;
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
