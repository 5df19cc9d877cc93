import { describe, expect, test } from "bun:test";
import { capText, formatBytes, OUTPUT_CAP_BYTES } from "../../src/store/index.ts";

describe("output cap", () => {
  test("text within 64 KiB is kept as it is", () => {
    const text = "x".repeat(OUTPUT_CAP_BYTES);
    expect(capText(text)).toBe(text);
  });

  test("1.2 MiB of output keeps its first 64 KiB and says how much there was", () => {
    const text = "y".repeat(Math.round(1.2 * 1024 * 1024));
    expect(capText(text)).toBe(`${"y".repeat(65536)}\n… [output truncated: 1.2 MiB total, showing first 64 KiB]`);
  });

  test("bytes are counted in UTF-8 and a character is never split", () => {
    // "€" is 3 bytes: 10 bytes hold three of them and a third of a fourth
    expect(capText("€€€€€", 10)).toBe("€€€\n… [output truncated: 15 B total, showing first 10 B]");
    // a 4-byte emoji (a surrogate pair in UTF-16) is kept whole or not at all
    expect(capText("ab😀cd", 5)).toBe("ab\n… [output truncated: 8 B total, showing first 5 B]");
  });

  test("error text says error in its mark", () => {
    expect(capText("e".repeat(3000), 2048, "error")).toBe(`${"e".repeat(2048)}\n… [error truncated: 2.9 KiB total, showing first 2 KiB]`);
  });

  test.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1 KiB"],
    [1536, "1.5 KiB"],
    [65536, "64 KiB"],
    [1258291, "1.2 MiB"],
    [3 * 1024 ** 3, "3 GiB"],
  ])("%d bytes read as %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
