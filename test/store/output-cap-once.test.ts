/**
 * Issue 13 ("capText exists twice … output is capped twice"): the engine cuts
 * a run's output where it is made and the store cuts what it writes, with the
 * same capText; text already cut within the cap passes the second cut
 * unchanged, so the mark keeps the run's real size.
 */
import { expect, test } from "bun:test";
import { capText, OUTPUT_CAP_BYTES } from "../../src/store/index.ts";

test("1.2 MiB of output cut once and then again at the same cap keeps its first mark, with the real size", () => {
  const once = capText("y".repeat(Math.round(1.2 * 1024 * 1024)));
  expect(capText(once)).toBe(once);
  expect(capText(once, OUTPUT_CAP_BYTES, "output")).toEndWith("\n… [output truncated: 1.2 MiB total, showing first 64 KiB]");
});

test("a cut text is cut again when the second cap is smaller than what it kept", () => {
  const once = capText("€".repeat(100), 30);
  expect(once).toBe(`${"€".repeat(10)}\n… [output truncated: 300 B total, showing first 30 B]`);
  expect(capText(once, 9)).toBe(`${"€".repeat(3)}\n… [output truncated: ${new TextEncoder().encode(once).length} B total, showing first 9 B]`);
});

test("error text cut once passes the store's cut unchanged too", () => {
  const once = capText("e".repeat(3000), 2048, "error");
  expect(capText(once, 2048, "error")).toBe(once);
});

test("a mark in the middle of a text is only text: a long text holding one is cut as any other", () => {
  const text = `${"a".repeat(20)}\n… [output truncated: 1 KiB total, showing first 10 B]${"b".repeat(20)}`;
  expect(capText(text, 10)).toStartWith("aaaaaaaaaa\n… [output truncated: ");
});
