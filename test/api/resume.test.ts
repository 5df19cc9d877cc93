/**
 * Subscriptions resume after a reconnect, against the compiled binary: every
 * SSE event has an `id:` line; a client that comes back with Last-Event-ID
 * (what EventSource sends by itself) first gets the events it missed, then
 * the live ones; over WebSocket the same id travels in extensions.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createClient } from "graphql-ws";
import { startBinaryApi, within, type ApiClient } from "./harness.ts";

const RUNS = `subscription { runFinished(filter: { label: "ticker" }) { runId startedAt } }`;

let api: ApiClient;
beforeAll(async () => {
  api = await startBinaryApi();
});
afterAll(async () => {
  await api?.close();
});

interface RawEvent {
  id: string | null;
  event: string;
  data: string;
}

/** An SSE stream read as a browser's EventSource reads it: id, event and data of each event. */
async function rawSse(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: "text/event-stream", ...headers }, signal: abort.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const events: RawEvent[] = [];
  return {
    status: res.status,
    /** The next `next` event; rejects after `ms`. */
    async next(ms = 3000): Promise<RawEvent> {
      const deadline = Date.now() + ms;
      for (;;) {
        const ready = events.shift();
        if (ready) return ready;
        const cut = buffer.indexOf("\n\n");
        if (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const lines = block.split("\n");
          const field = (name: string) => lines.find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim() ?? null;
          if (field("event") === "next") events.push({ id: field("id"), event: "next", data: field("data")! });
          continue;
        }
        const chunk = await within(Math.max(1, deadline - Date.now()), reader.read(), "an SSE event");
        if (chunk.done) throw new Error("the stream ended");
        buffer += chunk.value;
      }
    },
    close: () => abort.abort(),
  };
}

const streamUrl = () => `${api.url}/graphql/stream?${new URLSearchParams({ query: RUNS })}`;
const runIdOf = (e: RawEvent) => (JSON.parse(e.data) as { data: { runFinished: { runId: string } } }).data.runFinished.runId;

test("every SSE event carries an id, also in extensions.eventId", async () => {
  const stream = await rawSse(streamUrl());
  try {
    const a = await stream.next();
    const b = await stream.next();
    expect(a.id).toMatch(/^[a-z0-9]+-\d+$/);
    expect(b.id).not.toBe(a.id);
    expect((JSON.parse(a.data) as { extensions: { eventId: string } }).extensions.eventId).toBe(a.id!);
  } finally {
    stream.close();
  }
}, 10_000);

test("reconnecting with Last-Event-ID replays the runs finished while away, then goes on live", async () => {
  const first = await rawSse(streamUrl());
  const seen = await first.next();
  first.close();
  // Away while the every-second ticker finishes at least two runs nobody hears of (however loaded the machine).
  const since = (JSON.parse(seen.data) as { data: { runFinished: { startedAt: string } } }).data.runFinished.startedAt;
  const finishedSince = async () =>
    (await api.gql(`query ($since: DateTime) { runs(filter: { label: "ticker", since: $since }, orderBy: { field: STARTED_AT, direction: ASC }) { nodes { runId status } } }`, { since })).body.data!.runs.nodes.filter(
      (r: { runId: string; status: string }) => r.runId !== runIdOf(seen) && r.status !== "RUNNING",
    );
  let missed = await finishedSince();
  for (let i = 0; i < 100 && missed.length < 2; i++) {
    await Bun.sleep(100);
    missed = await finishedSince();
  }
  expect(missed.length).toBeGreaterThanOrEqual(2);

  const again = await rawSse(streamUrl(), { "last-event-id": seen.id! });
  try {
    const replayed: string[] = [];
    for (let i = 0; i < missed.length; i++) replayed.push(runIdOf(await again.next(1000)));
    expect(replayed).toEqual(missed.map((r: { runId: string }) => r.runId));
    // Then live: the next run, after the ones replayed.
    const live = await again.next(5000);
    expect(replayed).not.toContain(runIdOf(live));
  } finally {
    again.close();
  }
}, 15_000);

test("an id the server does not know (another process's) starts the stream live, without replay", async () => {
  const stream = await rawSse(streamUrl(), { "last-event-id": "zzzzzz-1" });
  try {
    const event = await stream.next(2500);
    const run = (JSON.parse(event.data) as { data: { runFinished: { startedAt: string } } }).data.runFinished;
    expect(Date.now() - Date.parse(run.startedAt)).toBeLessThan(2000);
  } finally {
    stream.close();
  }
}, 10_000);

test("over WebSocket, extensions.lastEventId resumes the same way", async () => {
  const client = createClient({ url: `${api.url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
  try {
    const it = client.iterate<{ runFinished: { runId: string; startedAt: string } }>({ query: RUNS });
    const first = (await within(5000, it.next(), "a run over WebSocket")).value!;
    const eventId = (first.extensions as { eventId: string }).eventId;
    expect(eventId).toMatch(/^[a-z0-9]+-\d+$/);
    await it.return?.();
    // Away until the ticker has finished another run nobody heard of (however loaded the machine).
    const startedAt = (first.data!.runFinished as { startedAt: string }).startedAt;
    for (let i = 0; i < 100; i++) {
      const later = (await api.gql(`query ($since: DateTime) { runs(filter: { label: "ticker", since: $since }) { nodes { runId status } } }`, { since: startedAt })).body.data!.runs.nodes;
      if (later.some((r: { runId: string; status: string }) => r.runId !== first.data!.runFinished.runId && r.status !== "RUNNING")) break;
      await Bun.sleep(100);
    }
    const resumed = client.iterate<{ runFinished: { runId: string } }>({ query: RUNS, extensions: { lastEventId: eventId } });
    const next = (await within(1000, resumed.next(), "a replayed run")).value!;
    const nextId = (next.extensions as { eventId: string }).eventId;
    expect(Number(nextId.split("-")[1])).toBeGreaterThan(Number(eventId.split("-")[1]));
    expect(next.data!.runFinished.runId).not.toBe(first.data!.runFinished.runId);
    await resumed.return?.();
  } finally {
    await client.dispose();
  }
}, 10_000);

test("the deprecated activity subscription still delivers finished runs, with ids", async () => {
  const stream = await rawSse(`${api.url}/graphql/stream?${new URLSearchParams({ query: `subscription { activity(filter: { label: "ticker" }) { label status } }` })}`);
  try {
    const event = await stream.next(2500);
    expect(event.id).toMatch(/^[a-z0-9]+-\d+$/);
    expect((JSON.parse(event.data) as { data: { activity: unknown } }).data.activity).toEqual({ label: "ticker", status: "SUCCESS" });
  } finally {
    stream.close();
  }
}, 10_000);
