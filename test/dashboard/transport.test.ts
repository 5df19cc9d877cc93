/** The page's SSE reader reads each event's id: line with its data. */
import { expect, test } from "bun:test";
import { parseSse } from "../../src/dashboard/client/stream.ts";

test("an SSE event's id: line is read with its data; events without one have none", () => {
  const { events, rest } = parseSse(':\n\nid: k3x9q2-41\nevent: next\ndata: {"data":{"runFinished":{"label":"a"}}}\n\nevent: next\ndata: {}\n\nid: k3x9q2-4');
  expect(events).toEqual([
    { event: "next", data: '{"data":{"runFinished":{"label":"a"}}}', id: "k3x9q2-41" },
    { event: "next", data: "{}" },
  ]);
  expect(rest).toBe("id: k3x9q2-4");
});
