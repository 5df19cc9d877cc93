/**
 * Resumable subscriptions: each result of a subscription carries its event's
 * id in `extensions.eventId` (over SSE and WebSocket alike), and over SSE it
 * is also the event's `id:` line, so EventSource sends it back as
 * Last-Event-ID when it reconnects and the stream resumes after it
 * (events.ts). yoga's own SSE writer sends no `id:`; this one is the same
 * protocol (graphql-sse's "distinct connections" mode: `event: next`,
 * `event: complete`, a `:` comment every 12 s) plus the id.
 */
import type { ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ApiContext } from "./context.ts";

const PING_EVERY_MS = 12_000;

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** The result as JSON, without yoga's internal `http` extension. */
function stringify(result: ExecutionResult): string {
  const { http: _http, ...extensions } = (result.extensions ?? {}) as Record<string, unknown>;
  return JSON.stringify({ ...result, ...(Object.keys(extensions).length > 0 ? { extensions } : { extensions: undefined }) });
}

function sseResponse(results: AsyncIterable<ExecutionResult>): Response {
  const encoder = new TextEncoder();
  const iterator = results[Symbol.asyncIterator]();
  let ping: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // Some browsers hold a response back until its first bytes.
      controller.enqueue(encoder.encode(":\n\n"));
      ping = setInterval(() => {
        if (controller.desiredSize === null) clearInterval(ping);
        else if (controller.desiredSize > 0) controller.enqueue(encoder.encode(":\n\n"));
      }, PING_EVERY_MS);
    },
    async pull(controller) {
      try {
        const step = await iterator.next();
        if (!step.done) {
          const id = (step.value.extensions as { eventId?: unknown } | undefined)?.eventId;
          controller.enqueue(encoder.encode(`${typeof id === "string" ? `id: ${id}\n` : ""}event: next\ndata: ${stringify(step.value)}\n\n`));
        } else {
          controller.enqueue(encoder.encode("event: complete\ndata:\n\n"));
          clearInterval(ping);
          controller.close();
        }
      } catch (error) {
        clearInterval(ping);
        controller.error(error);
      }
    },
    async cancel() {
      clearInterval(ping);
      await iterator.return?.();
    },
  });
  return new Response(body, {
    status: 200,
    headers: { "content-type": "text/event-stream", connection: "keep-alive", "cache-control": "no-cache", "content-encoding": "none" },
  });
}

export function useResumableSubscriptions(): Plugin<ApiContext> {
  return {
    // Each result gets the id of the event it answers (the FIFO the subscribe resolvers fill).
    onSubscribe({ args }) {
      const ids = (args.contextValue as ApiContext).eventIds;
      return {
        onSubscribeResult() {
          return {
            onNext({ result, setResult }) {
              const eventId = ids.shift();
              if (eventId !== undefined) setResult({ ...result, extensions: { ...result.extensions, eventId } });
            },
          };
        },
      };
    },
    onResultProcess({ request, result, setResultProcessor }) {
      if (isAsyncIterable(result) && (request.headers.get("accept") ?? "").includes("text/event-stream")) {
        setResultProcessor((r) => sseResponse(r as AsyncIterable<ExecutionResult>), "text/event-stream");
      }
    },
  };
}
