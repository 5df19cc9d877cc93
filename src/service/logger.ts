/**
 * The service's log: one line per run start and end, warnings, lifecycle.
 * `text` is for people reading a terminal or journald; `json` is one object
 * per line (time, level, event, label, status, durationMs, scheduledFor,
 * lateMs, ...) for log shippers.
 */
import process from "node:process";
import type { EngineLogger, LogLevel } from "../engine/events.ts";
import type { EngineEvent, RunRecord } from "../engine/types.ts";

export type LogFormat = "text" | "json";

export interface ServiceLogger extends EngineLogger {
  info(event: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(event: string, fields?: Readonly<Record<string, unknown>>): void;
  error(event: string, fields?: Readonly<Record<string, unknown>>): void;
}

export function createLogger(format: LogFormat, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`), now: () => number = Date.now): ServiceLogger {
  const log = (level: LogLevel, event: string, fields: Readonly<Record<string, unknown>> = {}) => {
    if (level === "debug" && !process.env.TICKD_DEBUG) return;
    const time = new Date(now()).toISOString();
    if (format === "json") {
      write(JSON.stringify({ time, level, event, ...fields }));
      return;
    }
    const parts = Object.entries(fields)
      .filter(([, v]) => v !== undefined && v !== "")
      .map(([k, v]) => `${k}=${textValue(v)}`);
    write(`${time} ${level.toUpperCase().padEnd(5)} ${event}${parts.length ? ` ${parts.join(" ")}` : ""}`);
  };
  return {
    log,
    info: (event, fields) => log("info", event, fields),
    warn: (event, fields) => log("warn", event, fields),
    error: (event, fields) => log("error", event, fields),
  };
}

function textValue(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return /^[\w.:/@+-]+$/.test(s) ? s : JSON.stringify(s);
}

/** Log lines for engine events: run starts and ends. */
export function logRunEvent(logger: ServiceLogger, event: EngineEvent): void {
  if (event.type === "job.changed") {
    logger.info("job.changed", { label: event.label, change: event.change });
    return;
  }
  const run = event.run;
  if (event.type === "run.started") {
    logger.info("run.started", runFields(run, { lateMs: run.startedAt - run.scheduledFor }));
    return;
  }
  const level: LogLevel = run.status === "success" || run.status === "skipped" ? "info" : "warn";
  logger.log(level, "run.finished", runFields(run, { status: run.status, durationMs: (run.endedAt ?? run.startedAt) - run.startedAt, message: run.message }));
}

function runFields(run: RunRecord, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    label: run.label,
    ...extra,
    scheduledFor: new Date(run.scheduledFor).toISOString(),
    attempt: run.attempt,
    trigger: run.trigger,
    runId: run.runId,
  };
}
