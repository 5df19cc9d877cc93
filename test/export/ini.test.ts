/**
 * export-ini round trip: a job file parsed, exported and parsed again gives
 * the same jobs (SPEC 4: "round-trippable through check").
 */
import { describe, expect, test } from "bun:test";
import { parseJobFile } from "../../src/config/load.ts";
import type { JobSpec } from "../../src/config/types.ts";
import { exportIni, formatKwarg } from "../../src/export/index.ts";

const SOURCE = `
[nightly backup v2.1 ☕]
call = ops.scheduler.backup
description = Back up the database; keep 7 copies
every = 1 day
at = 02:30
timezone = Europe/Berlin
timeout = 1 hour 30 minutes
retries = 3
retry_delay = 1500 ms
jitter = 2 minutes
until = 2027-03-31
overlap = queue
catchup = once
copies = 7
zip = "01234"
big = 12345678901234567890
ratio = 0.25
flag = Yes
literal_true = "true"
literal_number = "42"
padded = "  spaced  "
quoted = ""already quoted""
empty =
url_like = https://example.com/#top; echo

[every ten minutes]
callback = ops.scheduler.poll
frequency = 10 minute

[mondays]
call = ops.scheduler.report
every = monday
at = 07:00:15

[hourly at quarter past]
call = ops.scheduler.hourly
every = 2 hours
at = :15

[cron with seconds]
command = /usr/local/bin/rotate --all
cron = 0 */5 * * * *

[ping]
url = https://example.com/hooks/ping?x=1
method = post
every = 30 seconds
method_note = kept

[off for now]
call = ops.scheduler.off
every = 1 week
active = no
`;

/** A spec without where it came from: what must survive the round trip. */
function essence(job: JobSpec) {
  const { origin: _origin, ...rest } = job;
  return rest;
}

describe("exportIni", () => {
  const first = parseJobFile(SOURCE, "/srv/app/config/scheduler.ini", "UTC");

  test("the source file is valid, so the round trip starts from real jobs", () => {
    expect(first.diagnostics).toEqual([]);
    expect(first.jobs).toHaveLength(7);
  });

  test("parse -> export -> parse gives the same active jobs, kwargs typed as before", () => {
    const { text, skipped } = exportIni({ jobFile: first.jobs, discovered: [] });
    expect(skipped).toEqual([]);
    const second = parseJobFile(text, "/tmp/exported.ini", "UTC");
    expect(second.diagnostics).toEqual([]);
    expect(second.jobs.map(essence)).toEqual(first.jobs.filter((j) => j.active).map(essence));
    const backup = second.jobs[0]!;
    expect(backup.kwargs).toEqual({
      copies: 7,
      zip: "01234",
      big: "12345678901234567890",
      ratio: 0.25,
      flag: true,
      literal_true: "true",
      literal_number: "42",
      padded: "  spaced  ",
      quoted: '"already quoted"',
      empty: "",
      url_like: "https://example.com/#top; echo",
    });
  });

  test("exporting the export changes nothing (stable text)", () => {
    const once = exportIni({ jobFile: first.jobs, discovered: [] }).text;
    const twice = exportIni({ jobFile: parseJobFile(once, "/tmp/a.ini", "UTC").jobs, discovered: [] }).text;
    expect(twice).toBe(once);
  });

  test("inactive jobs are left out and labels keep dots, spaces and unicode", () => {
    const { text } = exportIni({ jobFile: first.jobs, discovered: [] });
    expect(text).toContain("[nightly backup v2.1 ☕]\n");
    expect(text).not.toContain("[off for now]");
    expect(text).toContain('literal_number = "42"\n');
    expect(text).toContain('padded = "  spaced  "\n');
  });

  test("a discovered job whose label the job file already uses is reported, not written twice", () => {
    const discovered = parseJobFile("[mondays]\ncall = billing.scheduler.x\nevery = 1 hour\n", "/srv/app/billing/scheduler.ts", "UTC").jobs;
    const { text, skipped } = exportIni({ jobFile: first.jobs, discovered });
    expect(skipped).toEqual([{ label: "mondays", reason: "a job of the job file already has this label" }]);
    expect(text.match(/^\[mondays\]$/gm)).toHaveLength(1);
  });

  test("values that read back differently bare are quoted; others are written as they are", () => {
    expect([formatKwarg("hello world"), formatKwarg("7"), formatKwarg("no"), formatKwarg(" x"), formatKwarg(7), formatKwarg(false), formatKwarg("007")]).toEqual([
      "hello world",
      '"7"',
      '"no"',
      '" x"',
      "7",
      "false",
      "007",
    ]);
  });
});
