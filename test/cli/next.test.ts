import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir, tickd } from "../helpers/binary.ts";

const { dir, cleanup } = tempDir("tickd-next-");
afterAll(cleanup);

const root = path.join(dir, "project");
mkdirSync(path.join(root, "config"), { recursive: true });
mkdirSync(path.join(root, "app"), { recursive: true });
writeFileSync(
  path.join(root, "config/scheduler.ini"),
  `[every ten minutes]
call = app.jobs.work
every = 10 minutes

[this job runs on sunday]
callback = app.jobs.work
frequency = sunday
at = 23:30

[weekday mornings in New York]
call = app.jobs.work
cron = 0 7 * * 1-5
timezone = America/New_York

[hourly at quarter past]
command = date
every = hour
at = :15

[inactive]
call = app.jobs.work
every = 1 day
active = no

[ended]
call = app.jobs.work
every = 1 day
until = 2026-11-01

[broken]
call = app.jobs.work
every = 10 minuets
`,
);
// Importing this module would throw: next must never run job code.
writeFileSync(path.join(root, "app/jobs.ts"), 'throw new Error("next imported a job module");\nexport function work() {}\n');

const FROM = ["--from", "2026-11-28T12:00", "--timezone", "Europe/Berlin"];

describe("tickd next", () => {
  test("--json: the next runs of every job registered at --from (a Saturday noon in Berlin), with offsets", async () => {
    const r = await tickd(["next", "--json", "--count", "3", ...FROM], { cwd: root });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { label: "every ten minutes", nextRuns: ["2026-11-28T12:10:00+01:00", "2026-11-28T12:20:00+01:00", "2026-11-28T12:30:00+01:00"] },
      { label: "this job runs on sunday", nextRuns: ["2026-11-29T23:30:00+01:00", "2026-12-06T23:30:00+01:00", "2026-12-13T23:30:00+01:00"] },
      { label: "weekday mornings in New York", nextRuns: ["2026-11-30T07:00:00-05:00", "2026-12-01T07:00:00-05:00", "2026-12-02T07:00:00-05:00"] },
      { label: "hourly at quarter past", nextRuns: ["2026-11-28T12:15:00+01:00", "2026-11-28T13:15:00+01:00", "2026-11-28T14:15:00+01:00"] },
      { label: "inactive", active: false, nextRuns: [] },
      { label: "ended", nextRuns: [] },
      {
        label: "broken",
        line: 32,
        error: 'config/scheduler.ini:32 every: "10 minuets" is not a unit; expected one of second(s), minute(s), hour(s), day(s), week(s), monday … sunday',
      },
    ]);
  });

  test("--from with an offset is the same instant whatever the instance zone", async () => {
    const a = await tickd(["next", "--json", "--count", "1", "--from", "2026-11-28T11:00:00Z", "--timezone", "Asia/Tokyo"], { cwd: root });
    const b = await tickd(["next", "--json", "--count", "1", "--from", "2026-11-28T20:00:00+09:00", "--timezone", "Asia/Tokyo"], { cwd: root });
    expect(a.stdout).toBe(b.stdout);
    expect((JSON.parse(a.stdout) as { nextRuns?: string[] }[])[0]!.nextRuns).toEqual(["2026-11-28T20:10:00+09:00"]);
  });

  test("the output does not depend on the real clock when --from is given", async () => {
    const first = await tickd(["next", ...FROM], { cwd: root });
    await Bun.sleep(1100);
    const second = await tickd(["next", ...FROM], { cwd: root });
    expect(first.stdout).toBe(second.stdout);
  });

  test("text output names each job, its schedule and its runs", async () => {
    const r = await tickd(["next", "--count", "2", ...FROM], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith("Next 2 runs of each job in config/scheduler.ini, from Sat 2026-11-28 12:00:00 +01:00 (Europe/Berlin)\n\nevery ten minutes — ");
    expect(r.stdout).toContain("\n  Sat 2026-11-28 12:10:00 +01:00\n  Sat 2026-11-28 12:20:00 +01:00\n");
    expect(r.stdout).toContain("\n  Sun 2026-11-29 23:30:00 +01:00\n  Sun 2026-12-06 23:30:00 +01:00\n");
    expect(r.stdout).toContain("\n  Mon 2026-11-30 07:00:00 -05:00\n");
    expect(r.stdout).toContain("inactive — ");
    expect(r.stdout).toContain("  inactive: never scheduled (set active = yes to schedule it)\n");
    expect(r.stdout).toContain("  no further runs");
    expect(r.stdout).toContain('broken — left out\n  config/scheduler.ini:32 every: "10 minuets" is not a unit;');
  });

  test("without --count each job shows 5 runs; TICKD_TIMEZONE sets the instance zone", async () => {
    const r = await tickd(["next", "--json", "--from", "2026-11-28T12:00"], { cwd: root, env: { TICKD_TIMEZONE: "Asia/Tokyo" } });
    const rows = JSON.parse(r.stdout) as { label: string; nextRuns?: string[] }[];
    expect(rows[0]!.nextRuns).toEqual(["2026-11-28T12:10:00+09:00", "2026-11-28T12:20:00+09:00", "2026-11-28T12:30:00+09:00", "2026-11-28T12:40:00+09:00", "2026-11-28T12:50:00+09:00"]);
  });

  test("the example job file: the sunday job runs Sunday 23:30 and the Berlin cron job on weekday mornings", async () => {
    const examples = path.join(import.meta.dir, "../../examples");
    const r = await tickd(["next", "--json", "--count", "2", "--from", "2026-11-28T12:00:00+01:00", "--timezone", "UTC"], { cwd: examples });
    const byLabel = new Map((JSON.parse(r.stdout) as { label: string; nextRuns?: string[] }[]).map((row) => [row.label, row.nextRuns]));
    expect(byLabel.size).toBe(8);
    expect(byLabel.get("this job runs on sunday")).toEqual(["2026-11-29T23:30:00+00:00", "2026-12-06T23:30:00+00:00"]);
    expect(byLabel.get("send the morning report")).toEqual(["2026-11-30T07:00:00+01:00", "2026-12-01T07:00:00+01:00"]);
    expect(byLabel.get("this job is inactive")).toEqual([]);
  });

  test("bad usage exits 2: an unknown flag, a bad --from, a bad --count", async () => {
    for (const args of [["--soon"], ["--from", "tomorrow"], ["--count", "0"], ["--count", "many"]]) {
      const r = await tickd(["next", ...args], { cwd: root });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("Usage: tickd next");
    }
    expect((await tickd(["next", "--from", "tomorrow", "--timezone", "Europe/Berlin"], { cwd: root })).stderr.split("\n")[0]).toMatchInlineSnapshot(`"tickd next: --from: "tomorrow" is not an ISO date-time; write e.g. 2026-12-01T09:00 (instance zone Europe/Berlin) or 2026-12-01T09:00:00+01:00"`);
  });
});
