/**
 * The process-signal seam: the service asks for SIGTERM/SIGINT/SIGHUP through
 * this, so tests drive shutdown and reload without signalling themselves.
 */
import process from "node:process";
export type ServiceSignal = "SIGTERM" | "SIGINT" | "SIGHUP";

export interface SignalSource {
  /** Call `handler` on each delivery; returns the unsubscribe function. */
  on(signal: ServiceSignal, handler: () => void): () => void;
}

export const processSignals: SignalSource = {
  on(signal, handler) {
    process.on(signal, handler);
    return () => process.off(signal, handler);
  },
};

/** For tests: deliver signals by hand. */
export class ManualSignals implements SignalSource {
  #handlers = new Map<ServiceSignal, Set<() => void>>();
  on(signal: ServiceSignal, handler: () => void): () => void {
    const set = this.#handlers.get(signal) ?? new Set();
    set.add(handler);
    this.#handlers.set(signal, set);
    return () => set.delete(handler);
  }
  send(signal: ServiceSignal): void {
    for (const handler of this.#handlers.get(signal) ?? []) handler();
  }
}
