/** A tiny typed event hub: the engine emits, the API and the service log listen. */
import type { EngineEvent } from "./types.ts";

export type Listener = (event: EngineEvent) => void;

export class EventHub {
  #listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: EngineEvent): void {
    // Cheap when nobody listens (the benchmark's hot path).
    if (this.#listeners.size === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        // A broken listener must not stop a run from being recorded.
        console.error("tickd: an engine event listener threw:", error);
      }
    }
  }
}

/** Structured log sink the engine writes warnings and job log lines to. */
export type LogLevel = "debug" | "info" | "warn" | "error";
export interface EngineLogger {
  log(level: LogLevel, event: string, fields?: Readonly<Record<string, unknown>>): void;
}

export const silentLogger: EngineLogger = { log() {} };
