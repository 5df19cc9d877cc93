/**
 * Stored discovered jobs are read back through the job-file rules from their
 * values, with no INI text in between (issue 13, move 1).
 */
import { describe, expect, test } from "bun:test";
import { parseJobFile } from "../../src/config/load.ts";
import { registrationColumns, rowToSpec } from "../../src/discovery/rows.ts";
import { registrationPairs, validatePairs } from "../../src/discovery/validate.ts";
import type { JobRow } from "../../schema/db.ts";

const FILE = "/apps/shop/scheduler.ts";

function storedRow(over: Partial<JobRow> = {}): JobRow {
  const { spec } = validatePairs("shop.restock", registrationPairs("shop.jobs.restock", { every: "1 day", at: "04:00", timeout: "5 minutes" }), { file: FILE, app: "shop" }, "UTC");
  const columns = registrationColumns(spec!, "shop", "shop.jobs.restock", FILE);
  return { id: 1, active: true, operatorEdited: {}, createdAt: 0, updatedAt: 0, ...columns, ...over } as JobRow;
}

describe("a stored discovered job", () => {
  test("keeps the columns the job file would: every as written in words, options by field", () => {
    const row = storedRow();
    expect(row).toMatchObject({ every: "day", at: "04:00", cron: null, timezone: null, until: null, options: { timeoutMs: 300_000, overlap: "skip", retries: 0 } });
    // The same words as a job-file job's row.
    const { jobs } = parseJobFile("[x]\ncall = a.b\nevery = 1 day\nat = 04:00\n", "/srv/scheduler.ini", "UTC");
    expect(jobs[0]!.schedule).toEqual(rowToSpec(row, "UTC").spec!.schedule);
  });

  test("whose description is a doc comment of two paragraphs is read back with both (a job file's line could hold only one)", () => {
    const { spec, problems } = rowToSpec(storedRow({ description: "Restock the shelves.\n\nRuns at night." }), "UTC");
    expect(problems).toEqual([]);
    expect(spec!.description).toBe("Restock the shelves.\n\nRuns at night.");
  });

  test("an operator's edit is checked with the job file's messages", () => {
    expect(rowToSpec(storedRow({ every: "10 minuets", at: null }), "UTC").problems).toEqual([
      'every: "10 minuets" is not a unit; expected one of second(s), minute(s), hour(s), day(s), week(s), monday … sunday',
    ]);
    expect(rowToSpec(storedRow({ every: "1 hour\nminutes", at: null }), "UTC").problems).toEqual(["every: a value cannot span lines"]);
  });
});

describe("a registration", () => {
  test("whose label holds a NUL is a problem of that registration, in the job file reader's words", () => {
    const v = validatePairs("a\u0000b", registrationPairs("shop.jobs.restock", { every: "1 day" }), { file: FILE, app: "shop" }, "UTC");
    expect(v.problems).toEqual(['section header "[a\\u0000b]" holds a NUL byte at column 3, so its label cannot be read and the section is left out; retype the header and save the file as UTF-8 text']);
  });

  test("labelled DEFAULT is not a job (the section every job of a file inherits)", () => {
    expect(validatePairs("DEFAULT", registrationPairs("shop.jobs.restock", { every: "1 day" }), { file: FILE, app: "shop" }, "UTC").problems).toEqual(["the job could not be read"]);
  });
});
