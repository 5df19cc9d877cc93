/**
 * Engine events -> GraphQL subscriptions. One typed pubsub per API server,
 * fed by SchedulerControl.subscribe; subscriptions read from it.
 */
import { createPubSub, SlidingBuffer, type PubSub } from "graphql-yoga";
import type { EngineEvent, JobChange, RunRecord, SchedulerControl } from "../engine/types.ts";

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

/** Forward engine events into the pubsub; returns the unsubscribe function. */
export function bridgeEngineEvents(scheduler: SchedulerControl, pubsub: ApiPubSub, now: () => number = Date.now): () => void {
  return scheduler.subscribe((event: EngineEvent) => {
    switch (event.type) {
      case "run.finished":
        pubsub.publish("activity", event.run);
        break;
      case "run.started":
        pubsub.publish("runStarted", event.run);
        break;
      case "job.changed":
        pubsub.publish("jobChanged", { label: event.label, change: event.change, at: now() });
        break;
    }
  });
}
