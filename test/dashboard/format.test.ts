/** The page's pure helpers: countdowns, durations, SSE parsing and the reconnect delays. */
import { describe, expect, test } from "bun:test";
import { countdown, duration } from "../../src/dashboard/client/format.ts";
import { backoffDelay, parseSse } from "../../src/dashboard/client/stream.ts";

const NOW = Date.parse("2026-11-28T12:00:00Z");

describe("countdown to the next run", () => {
  test.each([
    [400, "in 1s"],
    [8_000, "in 8s"],
    [59_000, "in 59s"],
    [252_000, "in 4m 12s"],
    [3 * 3600_000 + 120_000, "in 3h 02m"],
    [2 * 86_400_000 + 4 * 3600_000, "in 2d 4h"],
    [0, "due now"],
    [-5_000, "due now"],
  ])("%i ms ahead reads %p", (ahead, text) => {
    expect(countdown(NOW + ahead, NOW)).toBe(text);
  });
});

describe("durations", () => {
  test.each([
    [null, "—"],
    [0, "0 ms"],
    [850, "850 ms"],
    [12_300, "12.3 s"],
    [125_000, "2m 05s"],
    [2 * 3600_000 + 60_000, "2h 01m"],
  ])("%p ms reads %p", (ms, text) => {
    expect(duration(ms)).toBe(text);
  });
});

describe("server-sent events from graphql-yoga", () => {
  test("a keep-alive comment, one event, and half of the next: one event, the half kept for later", () => {
    const text = ':\n\nevent: next\ndata: {"data":{"activity":{"label":"a"}}}\n\nevent: next\ndata: {"da';
    const { events, rest } = parseSse(text);
    expect(events).toEqual([{ event: "next", data: '{"data":{"activity":{"label":"a"}}}' }]);
    expect(rest).toBe('event: next\ndata: {"da');
  });

  test("the server's complete event ends the stream; multi-line data is joined with newlines", () => {
    const { events } = parseSse("data: line one\r\ndata: line two\r\n\r\nevent: complete\ndata:\n\n");
    expect(events).toEqual([
      { event: "message", data: "line one\nline two" },
      { event: "complete", data: "" },
    ]);
  });
});

describe("reconnect delays", () => {
  test("start at half a second, double, stop growing at 8 s, and spread ±20%", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, 0.5))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(backoffDelay(1, 0)).toBe(400);
    expect(backoffDelay(1, 1)).toBe(600);
  });
});
