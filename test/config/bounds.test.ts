/**
 * Issue 12 item 7: every value is bounded where the job file is read, and a
 * stray NUL or non-UTF-8 byte leaves only its section out.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatDiagnostic, loadJobFile, parseJobFile } from "../../src/config/index.ts";
import { TickdError } from "../../src/errors.ts";

const ZONE = "Europe/Berlin";

function load(text: string) {
  const file = parseJobFile(text, "scheduler.ini", ZONE);
  return { labels: file.jobs.map((j) => j.label), problems: file.diagnostics.map(formatDiagnostic), warnings: file.warnings.map(formatDiagnostic), jobs: file.jobs };
}

/** The problems of one job made of `body` plus a command and an every when not given. */
function problems(body: string): string[] {
  const withTarget = /^(call|command|url)\s*=/m.test(body) ? body : `command = true\n${body}`;
  const full = /^(every|cron)\s*=/m.test(withTarget) ? withTarget : `${withTarget}\nevery = 1 minute`;
  return load(`[job]\n${full}\n`).problems;
}

describe("each value at its bound loads, one past it leaves the job out", () => {
  test.each([
    ["every = 3650 days", "every = 3651 days"],
    ["every = 521 weeks", "every = 522 weeks"],
    ["every = 87600 hours", "every = 87601 hours"],
    ["every = 5256000 minutes", "every = 5256001 minutes"],
    ["every = 315360000 seconds", "every = 315360001 seconds"],
    ["timeout = 7 days", "timeout = 7 days 1 ms"],
    ["retry_delay = 7 days", "retry_delay = 8 days"],
    ["jitter = 1 week", "jitter = 169 hours"],
    ["retries = 100\nretry_delay = 0", "retries = 101\nretry_delay = 0"],
    ["retries = 20", "retries = 21"],
    ["retries = 3\nretry_delay = 1 day", "retries = 4\nretry_delay = 1 day"],
    ["until = 1970-01-01", "until = 1969-12-31"],
    ["until = 9999-12-31T23:59", "until = 10000-01-01"],
  ])("%p loads; %p does not", (inside, outside) => {
    expect(problems(inside)).toEqual([]);
    expect(problems(outside)).toHaveLength(1);
  });

  test("the messages name the line, the bound and what to write", () => {
    const all = [
      "every = 99999999999999 seconds",
      "every = 99999999999999999999999 minutes",
      "timeout = 99999999999999999999 days",
      "retry_delay = 9999999 weeks",
      "jitter = 30 days",
      "retries = 9999999999999999999999",
      "retries = 30",
      "retries = 5\nretry_delay = 2 days",
      "until = 1900-01-01",
      "until = 0000-01-01T00:00Z",
    ].flatMap(problems);
    expect(all).toMatchInlineSnapshot(`
      [
        "scheduler.ini:3 [job] every: "99999999999999 seconds" is longer than 10 years, the longest interval; write at most 315360000 seconds (3650 days), or use cron for a date each year",
        "scheduler.ini:3 [job] every: "99999999999999999999999 minutes" is longer than 10 years, the longest interval; write at most 5256000 minutes (3650 days), or use cron for a date each year",
        "scheduler.ini:3 [job] timeout: "99999999999999999999 days" is longer than 7 days, the longest timeout (remove the line for no timeout); write at most 7 days",
        "scheduler.ini:3 [job] retry_delay: "9999999 weeks" is longer than 7 days, the longest wait before a retry; write at most 7 days",
        "scheduler.ini:3 [job] jitter: "30 days" is longer than 7 days, the longest random delay; write at most 7 days",
        "scheduler.ini:3 [job] retries: 9999999999999999999999 is more than 100; write at most 100 (each retry waits twice as long as the one before)",
        "scheduler.ini:3 [job] retries: the last of 30 retries would wait about 17 years (the 1 second retry_delay doubles before each retry), more than 7 days; write retries = 20 or fewer, or a shorter retry_delay",
        "scheduler.ini:3 [job] retries: the last of 5 retries would wait 32 days (the 2 days retry_delay doubles before each retry), more than 7 days; write retries = 2 or fewer, or a shorter retry_delay",
        "scheduler.ini:3 [job] until: "1900-01-01" is before 1970; write a date from 1970 to 9999, or remove until for a job that never ends",
        "scheduler.ini:3 [job] until: "0000-01-01T00:00Z" is before 1970; write a date from 1970 to 9999, or remove until for a job that never ends",
      ]
    `);
  });

  test("a bound in [DEFAULT] is reported for each job that inherits it, and only those jobs are left out", () => {
    const { labels, problems } = load("[DEFAULT]\ntimeout = 30 days\n\n[a]\ncommand = true\nevery = 1 hour\n\n[b]\ncommand = true\nevery = 1 hour\ntimeout = 1 minute\n");
    expect(labels).toEqual(["b"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith("scheduler.ini:2 [a] timeout:");
  });

  test("a job that loads keeps its values as written", () => {
    const [job] = load("[j]\ncommand = true\nevery = 3650 days\ntimeout = 7 days\nretries = 100\nretry_delay = 0\njitter = 7 days\nuntil = 9999-12-31\n").jobs;
    expect(job).toMatchObject({ schedule: { interval: 3650, unit: "day" }, timeoutMs: 604_800_000, retries: 100, retryDelayMs: 0, jitterMs: 604_800_000 });
    expect(new Date(job!.until!).toISOString()).toBe("9999-12-31T22:59:59.999Z");
  });
});

describe("a NUL or a byte that is not UTF-8 leaves only its section out", () => {
  const FILE = (bad: string) => `[before]\ncommand = true\nevery = 1 minute\n\n[broken]\ncommand = echo ${bad}\nevery = 1 minute\n\n[after]\ncommand = true\nevery = 1 minute\n`;

  test("a NUL in a value: that job is left out with the line and column; the others load", () => {
    const { labels, problems, warnings } = load(FILE("a\u0000b"));
    expect(labels).toEqual(["before", "after"]);
    expect(warnings).toEqual([]);
    expect(problems).toMatchInlineSnapshot(`
      [
        "scheduler.ini:6 [broken] "command = echo a\\u0000b" holds a NUL byte at column 17, so the line cannot be read and the job is left out; retype the line and save the file as UTF-8 text",
      ]
    `);
  });

  test("the line that holds the bad byte is the only problem, even when it was the job's only target", () => {
    const { problems } = load("[j]\ncall = app.jobs.\u0000work\nevery = 1 minute\n");
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("holds a NUL byte at column 17");
  });

  const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-bounds-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, bytes: Uint8Array) => {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return file;
  };
  const bytes = (text: string, at: string, insert: number[]) => {
    const [head, tail] = text.split(at) as [string, string];
    const enc = new TextEncoder();
    return new Uint8Array([...enc.encode(head), ...insert, ...enc.encode(tail)]);
  };

  test("invalid UTF-8 in a file on disk: loadJobFile leaves only that job out", async () => {
    const file = write("latin1.ini", bytes(FILE("caf@"), "@", [0xe9]));
    const loaded = await loadJobFile(file, ZONE);
    expect(loaded.jobs.map((j) => j.label)).toEqual(["before", "after"]);
    expect(loaded.diagnostics.map((d) => [d.line, d.label, d.code])).toEqual([[6, "broken", "bad-bytes"]]);
    expect(loaded.diagnostics[0]!.message).toContain("holds bytes that are not UTF-8 text (shown as \uFFFD) at column 19");
  });

  test("a bad byte in a comment is a warning for that line; the job loads", async () => {
    const file = write("comment.ini", bytes("[j]\n; caf@ note\ncommand = true\nevery = 1 minute\n", "@", [0xff, 0xfe]));
    const loaded = await loadJobFile(file, ZONE);
    expect(loaded.jobs.map((j) => j.label)).toEqual(["j"]);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.warnings.map((d) => [d.line, d.label, d.code])).toEqual([[2, "j", "bad-bytes"]]);
  });

  test("a bad byte before the first header is a warning; a bad header leaves its section out", () => {
    const { labels, problems, warnings } = load("junk\u0000\n[bad \uFFFD header]\ncommand = true\nevery = 1 minute\n[good]\ncommand = true\nevery = 1 minute\n");
    expect(labels).toEqual(["good"]);
    expect(warnings).toMatchInlineSnapshot(`
      [
        "scheduler.ini:1 "junk\\u0000" comes before any [label] header and holds a NUL byte at column 5; it belongs to no job and is ignored, so delete it",
      ]
    `);
    expect(problems).toMatchInlineSnapshot(`
      [
        "scheduler.ini:2 section header "[bad � header]" holds bytes that are not UTF-8 text (shown as �) at column 6, so its label cannot be read and the section is left out; retype the header and save the file as UTF-8 text",
      ]
    `);
  });

  test("a bad line in [DEFAULT] is reported once and not inherited", () => {
    const { labels, problems } = load("[DEFAULT]\nregion = e\u0000u\ntimeout = 1 minute\n[j]\ncommand = true\nevery = 1 minute\n");
    expect(labels).toEqual(["j"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toStartWith("scheduler.ini:2 [DEFAULT] ");
  });

  test("a file that is mostly NULs or not UTF-8 is still not a job file at all", async () => {
    const noise = new Uint8Array(4096).map((_, i) => (i * 131) % 256);
    noise.set(new TextEncoder().encode("\n[x]\ncommand = true\nevery = 1 minute\n"), 2000);
    const error = await loadJobFile(write("noise.ini", noise), ZONE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TickdError);
    expect((error as TickdError).code).toBe("config-invalid");
    expect((error as TickdError).message).toEndWith("noise.ini:1 is not a text file; the job file must be UTF-8 INI text");
  });

  test("a UTF-16 file is named as such", async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...[..."[x]\n"].flatMap((c) => [c.charCodeAt(0), 0])]);
    const error = (await loadJobFile(write("utf16.ini", utf16), ZONE).catch((e: unknown) => e)) as TickdError;
    expect(error.code).toBe("config-invalid");
    expect(error.message).toEndWith("utf16.ini:1 is UTF-16 text; save the job file as UTF-8");
  });
});
