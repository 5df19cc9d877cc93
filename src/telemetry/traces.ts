/**
 * One OpenTelemetry span per run, exported over OTLP/HTTP (JSON) with the
 * official packages, to `--otlp URL`: a collector's base address
 * (http://collector:4318, to which /v1/traces is added) or its full traces
 * address (anything with a path).
 *
 * Spans are made from the engine's `run.finished` events, after the run, off
 * the path that starts callbacks; the batch processor sends them from a
 * queue. Their ids are derived from the run (trace: the occurrence, so a
 * job's retries share one trace; span: the run), so the `traceparent` a url
 * or command job was given at its start names the span exported at its end
 * without anything kept in between.
 */
import { createHash } from "node:crypto";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, BatchSpanProcessor, type IdGenerator } from "@opentelemetry/sdk-trace-base";
import type { EngineEvent, RunRecord } from "../engine/types.ts";
import { FAILING_STATUSES } from "../sdk/index.ts";
import { VERSION } from "../version.ts";

/** The run's trace id (its occurrence's) and span id (its own), as lowercase hex. */
export function traceIds(run: Pick<RunRecord, "instance" | "label" | "scheduledFor" | "runId">): { traceId: string; spanId: string } {
  const traceId = createHash("sha256").update(`${run.instance}\u0000${run.label}\u0000${run.scheduledFor}`).digest("hex").slice(0, 32);
  const spanId = createHash("sha256").update(run.runId).digest("hex").slice(0, 16);
  return { traceId, spanId };
}

/** The W3C trace context of a run (sampled): what url jobs send as `traceparent` and commands get as TRACEPARENT. */
export function traceparentOf(run: Pick<RunRecord, "instance" | "label" | "scheduledFor" | "runId">): string {
  const { traceId, spanId } = traceIds(run);
  return `00-${traceId}-${spanId}-01`;
}

/** The traces address of `--otlp URL`: a base address gets /v1/traces. */
export function tracesEndpoint(url: string): string {
  const u = new URL(url);
  if (u.pathname === "/" || u.pathname === "") u.pathname = "/v1/traces";
  return u.toString();
}

/** Hands the tracer the ids of the span it is about to start (set just before, synchronously). */
class RunIds implements IdGenerator {
  next: { traceId: string; spanId: string } | null = null;
  generateTraceId(): string {
    return this.next!.traceId;
  }
  generateSpanId(): string {
    return this.next!.spanId;
  }
}

export interface RunTracer {
  /** The engine-event listener that turns each finished run into a span. */
  readonly listener: (event: EngineEvent) => void;
  /** Send what is queued and stop (at shutdown). */
  shutdown(): Promise<void>;
}

export function runTracer(options: { url: string; instance: string }): RunTracer {
  const ids = new RunIds();
  const exporter = new OTLPTraceExporter({ url: tracesEndpoint(options.url) });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "tickd", "service.version": VERSION, "service.instance.id": options.instance }),
    idGenerator: ids,
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })],
  });
  const tracer = provider.getTracer("tickd", VERSION);
  const listener = (event: EngineEvent) => {
    if (event.type !== "run.finished") return;
    const run = event.run;
    ids.next = traceIds(run);
    const span = tracer.startSpan(
      `run ${run.label}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: run.startedAt,
        attributes: {
          "tickd.job.label": run.label,
          "tickd.run.id": run.runId,
          "tickd.run.status": run.status,
          "tickd.run.attempt": run.attempt,
          "tickd.run.trigger": run.trigger,
          "tickd.run.scheduled_for": new Date(run.scheduledFor).toISOString(),
          "tickd.run.started_at": new Date(run.startedAt).toISOString(),
          "tickd.run.lateness_ms": run.startedAt - run.scheduledFor,
          "tickd.instance": run.instance,
          ...(run.missed && { "tickd.missed.count": run.missed.count, "tickd.missed.first": new Date(run.missed.first).toISOString() }),
        },
      },
      ROOT_CONTEXT,
    );
    ids.next = null;
    if (run.status === "success") span.setStatus({ code: SpanStatusCode.OK });
    else if (FAILING_STATUSES.includes(run.status)) span.setStatus({ code: SpanStatusCode.ERROR, message: run.message });
    span.end(run.endedAt ?? run.startedAt);
  };
  return { listener, shutdown: () => provider.shutdown() };
}
