/** Channel addresses: what `notify` accepts, and how each is shown with its secrets hidden (issue 15). */
import { describe, expect, test } from "bun:test";
import { parseChannels, parseEvents, redactAddress } from "../../src/config/notify.ts";

describe("a channel address is shown without its secrets", () => {
  test.each([
    ["https://hooks.slack.com/services/T000/B000/XXXX", "https://hooks.slack.com/services/***"],
    ["slack+https://chat.example.com/hooks/abc123", "slack+https://chat.example.com/hooks/***"],
    ["https://ntfy.sh/my-secret-topic", "https://ntfy.sh/***"],
    ["https://user:pw@example.com/hook?token=abc", "https://***@example.com/***?***"],
    ["smtp://tickd:hunter2@mail.example.com:587", "smtp://***@mail.example.com:587"],
    ["exec:/usr/local/bin/page --key s3cret", "exec:/usr/local/bin/page ***"],
    ["mailto:ops@example.com", "mailto:ops@example.com"],
  ])("%s -> %s", (address, shown) => expect(redactAddress(address)).toBe(shown));
});

test("notify takes several channels, commas inside a URL stay in it; none turns alerts off", () => {
  const parsed = parseChannels("https://a.example.com/x?a=1,2, mailto:ops@example.com;dev@example.com, exec:/bin/true");
  expect(parsed.ok && parsed.channels.map((c) => [c.kind, c.target])).toEqual([
    ["webhook", "https://a.example.com/x?a=1,2"],
    ["email", "ops@example.com, dev@example.com"],
    ["exec", "/bin/true"],
  ]);
  expect(parseChannels("none")).toEqual({ ok: true, channels: [] });
  expect(parseChannels("https://hooks.slack.com/services/T/B/X")).toMatchObject({ ok: true, channels: [{ kind: "slack" }] });
});

test("notify_on takes all or a subset, and names a wrong word", () => {
  expect(parseEvents("all")).toMatchObject({ ok: true, events: ["failure", "error", "timeout", "abandoned", "missed", "slow", "recovered"] });
  expect(parseEvents("recovered, failure")).toEqual({ ok: true, events: ["failure", "recovered"] });
  expect(parseEvents("failure, explode")).toEqual({ ok: false, message: '"explode" is not an event; write all, or some of failure, error, timeout, abandoned, missed, slow, recovered' });
});
