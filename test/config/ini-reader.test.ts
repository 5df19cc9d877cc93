import { describe, expect, test } from "bun:test";
import { readIni } from "../../src/config/ini-reader.ts";

describe("the INI reader", () => {
  test("keeps labels with spaces, dots and unicode exactly as written", () => {
    const raw = readIni("[nightly backup v2.1]\nx = 1\n[café.stats ☕]\ny = 2\n[a.b.c]\n", "f.ini");
    expect(raw.sections.map((s) => s.label)).toEqual(["nightly backup v2.1", "café.stats ☕", "a.b.c"]);
  });

  test("records the line of every header and key", () => {
    const raw = readIni("; top comment\n\n[job]\n  # indented comment\ncall = a.b\n\nevery: 5 minutes\n", "f.ini");
    expect(raw.sections[0]!.line).toBe(3);
    expect(raw.sections[0]!.entries).toEqual([
      { key: "call", value: "a.b", line: 5 },
      { key: "every", value: "5 minutes", line: 7 },
    ]);
  });

  test("separates at the first = or :, so times and URLs keep their colons", () => {
    const raw = readIni("[j]\nat = 23:30\nat2: 23:30\nurl = https://example.com/a?b=c#d\n   spaced   =   value with  spaces   \n", "f.ini");
    expect(raw.sections[0]!.entries.map((e) => [e.key, e.value])).toEqual([
      ["at", "23:30"],
      ["at2", "23:30"],
      ["url", "https://example.com/a?b=c#d"],
      ["spaced", "value with  spaces"],
    ]);
  });

  test("keeps ; and # inside values (commands and URLs need them)", () => {
    const raw = readIni("[j]\ncommand = echo a; echo b # not a comment\n", "f.ini");
    expect(raw.sections[0]!.entries[0]!.value).toBe("echo a; echo b # not a comment");
  });

  test("accepts an empty value, CRLF line ends and a byte-order mark", () => {
    const raw = readIni("\uFEFF[first]\r\nnote =\r\n", "f.ini");
    expect(raw.sections[0]!.label).toBe("first");
    expect(raw.sections[0]!.entries[0]).toEqual({ key: "note", value: "", line: 2 });
  });

  test("allows a comment after a section header", () => {
    expect(readIni("[job] ; the nightly one\n", "f.ini").sections[0]!.label).toBe("job");
  });

  test("a key before any section is a file-level diagnostic", () => {
    const raw = readIni("every = 5 minutes\n[job]\ncall = a.b\n", "f.ini");
    expect(raw.notIni).toBe(false);
    expect(raw.diagnostics.map((d) => `${d.line} ${d.code}: ${d.message}`)).toMatchInlineSnapshot(`
      [
        "1 key-outside-section: every: this setting comes before any [label] header, so it belongs to no job; move it into a job's section",
      ]
    `);
  });

  test("an unclosed header is reported and its keys belong to no job", () => {
    const raw = readIni("[broken\ncall = a.b\n[ok]\ncall = c.d\n", "f.ini");
    expect(raw.sections.map((s) => s.label)).toEqual(["ok"]);
    expect(raw.diagnostics.map((d) => `${d.line} ${d.code}: ${d.message}`)).toMatchInlineSnapshot(`
      [
        "1 bad-section-header: section header "[broken" is not closed; write it as [label] on a line of its own",
      ]
    `);
  });

  test("an empty label is reported", () => {
    const raw = readIni("[  ]\ncall = a.b\n", "f.ini");
    expect(raw.diagnostics.map((d) => `${d.line} ${d.code}: ${d.message}`)).toMatchInlineSnapshot(`
      [
        "1 empty-label: a section header needs a label; write [some label] with the job's name",
      ]
    `);
  });

  test("a line that is not key = value is a problem of its section", () => {
    const raw = readIni("[job]\ncall = a.b\njust some words\n", "f.ini");
    expect(raw.sections[0]!.problems.map((d) => `${d.line} [${d.label}] ${d.code}: ${d.message}`)).toMatchInlineSnapshot(`
      [
        "3 [job] ini-syntax: "just some words" is not a setting; write key = value (or start the line with ; or # to make it a comment)",
      ]
    `);
  });

  test("text without a single section is not INI at all", () => {
    expect(readIni('{"jobs": []}\n', "f.ini").notIni).toBe(true);
    expect(readIni("just prose\nmore prose\n", "f.ini").notIni).toBe(true);
    // Mostly NULs: a binary file. One stray NUL only leaves its job out (issue 12 item 7, test/config/bounds.test.ts).
    expect(readIni(`${"\u0000".repeat(64)}\n[x]\n`, "f.ini").notIni).toBe(true);
  });

  test("an empty file or one with only comments is valid INI with no jobs", () => {
    for (const text of ["", "\n\n", "; nothing yet\n# really\n"]) {
      const raw = readIni(text, "f.ini");
      expect(raw.notIni).toBe(false);
      expect(raw.sections).toEqual([]);
    }
  });
});
