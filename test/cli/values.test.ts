/**
 * Issue 12 item 7, against the compiled binary: values that pass `check` never
 * break `next`, `list`, `run` or the API; schedules that never fire are
 * warned about; a stray NUL leaves only its job out and `run` starts anyway.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir, tickd } from "../helpers/binary.ts";
import { startService } from "../helpers/service.ts";

const { dir, cleanup } = tempDir("tickd-values-");
afterAll(cleanup);

function project(name: string, ini: string | Uint8Array): string {
  const root = path.join(dir, name);
  mkdirSync(path.join(root, "config"), { recursive: true });
  writeFileSync(path.join(root, "config/scheduler.ini"), ini);
  return root;
}

const OUT_OF_BOUNDS = `[fine]
command = true
every = 10 minutes

[huge interval]
command = true
every = 99999999999999 seconds

[long timeout]
command = true
every = 1 hour
timeout = 30 days

[retries for years]
command = true
every = 1 hour
retries = 40

[before 1970]
command = true
every = 1 hour
until = 1900-01-01
`;

const NEVER = `[fine]
command = true
every = 10 minutes

[february 31]
command = true
cron = * * 31 2 *

[over]
command = true
every = 1 day
until = 2020-01-01
`;

/** A stack trace or an uncaught error, which no command may print. */
const CRASH = /RangeError|TypeError|^\s+at /m;

describe("values past their bounds", () => {
  const root = project("bounds", OUT_OF_BOUNDS);

  test("check names each one (file, line, label, what to write) and exits 2", async () => {
    const r = await tickd(["check"], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatchInlineSnapshot(`
      "config/scheduler.ini:7 [huge interval] every: "99999999999999 seconds" is longer than 10 years, the longest interval; write at most 315360000 seconds (3650 days), or use cron for a date each year
      config/scheduler.ini:12 [long timeout] timeout: "30 days" is longer than 7 days, the longest timeout (remove the line for no timeout); write at most 7 days
      config/scheduler.ini:17 [retries for years] retries: the last of 40 retries would wait about 17433 years (the 1 second retry_delay doubles before each retry), more than 7 days; write retries = 20 or fewer, or a shorter retry_delay
      config/scheduler.ini:22 [before 1970] until: "1900-01-01" is before 1970; write a date from 1970 to 9999, or remove until for a job that never ends
      4 problems in config/scheduler.ini; 1 job OK, the jobs named above are left out of the schedule
      "
    `);
  });

  test("next and list print the jobs left out, and no stack trace", async () => {
    const next = await tickd(["next", "--count", "2", "--from", "2026-12-01T09:00", "--timezone", "UTC"], { cwd: root });
    expect(next.code).toBe(0);
    expect(next.stderr).toBe("");
    expect(next.stdout).not.toMatch(CRASH);
    expect(next.stdout).toContain("fine — every 10 minutes\n  Tue 2026-12-01 09:10:00 +00:00\n");
    expect(next.stdout).toContain('huge interval — left out\n  config/scheduler.ini:7 every: "99999999999999 seconds" is longer than 10 years');
    const list = await tickd(["list", "--json"], { cwd: root });
    expect(list.code).toBe(0);
    expect(list.stderr).toBe("");
    expect((JSON.parse(list.stdout) as { label: string; error?: string }[]).map((row) => [row.label, row.error === undefined])).toEqual([
      ["fine", true],
      ["huge interval", false],
      ["long timeout", false],
      ["retries for years", false],
      ["before 1970", false],
    ]);
  });

  test("next from the last hour of 9999 ends the schedule instead of throwing", async () => {
    const r = await tickd(["next", "--json", "--count", "3", "--from", "9999-12-31T23:45:00Z", "--timezone", "UTC"], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect((JSON.parse(r.stdout) as { label: string; nextRuns?: string[] }[])[0]).toEqual({ label: "fine", nextRuns: ["9999-12-31T23:55:00+00:00"] });
    const text = await tickd(["next", "--from", "9999-12-31T23:59:00Z", "--timezone", "UTC"], { cwd: root });
    expect(text.stdout).not.toMatch(CRASH);
    expect(text.stdout).toContain("fine — every 10 minutes\n  no further runs — none before the end of the year 9999");
  });
});

describe("schedules that never fire", () => {
  const root = project("never", NEVER);

  test("check warns, keeps the jobs and exits 0; --strict exits 2", async () => {
    const r = await tickd(["check"], { cwd: root });
    expect(r.stderr).toMatchInlineSnapshot(`
      "config/scheduler.ini:7 [february 31] warning: cron: "* * 31 2 *" matches no date in any year, so this job never runs; check the day and month fields (February has no 30th or 31st; April, June, September and November have no 31st)
      config/scheduler.ini:12 [over] warning: until: 2020-01-01 23:59:59 UTC has passed, so this job never runs again; move until later, or remove the job
      "
    `);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: "3 jobs OK, 2 warnings in config/scheduler.ini\n" });
    const strict = await tickd(["check", "--strict"], { cwd: root });
    expect({ code: strict.code, stdout: strict.stdout, stderr: strict.stderr }).toEqual({ code: 2, stdout: "3 jobs OK, 2 warnings in config/scheduler.ini (--strict: exit 2)\n", stderr: r.stderr });
  });

  test("next says why there is no run; list shows the warning", async () => {
    const next = await tickd(["next", "--count", "1", "--from", "2026-12-01T09:00", "--timezone", "UTC"], { cwd: root });
    expect(next.stdout).toContain('february 31 — cron * * 31 2 * (UTC)\n  no further runs — cron: "* * 31 2 *" matches no date in any year');
    expect(next.stdout).toContain("\n  no further runs — until: 2020-01-01 23:59:59 UTC has passed");
    const list = await tickd(["list"], { cwd: root });
    expect(list.stdout).toContain('\n  warning   cron: "* * 31 2 *" matches no date in any year');
  });

  test("check --help documents --strict", async () => {
    const r = await tickd(["check", "--help"], { cwd: root });
    expect(r.stdout + r.stderr).toContain("--strict");
  });
});

describe("a NUL byte in one section", () => {
  const INI = `[tick]
command = true
every = 1 second

[nul]
command = echo a\u0000b
every = 1 second

; a comment with a bad byte: @

[decade]
command = true
every = 3650 days

[huge]
command = true
every = 99999999999999 seconds

[february 31]
command = true
cron = * * 31 2 *
`;
  const [head, tail] = INI.split("@") as [string, string];
  const bytes = new Uint8Array([...new TextEncoder().encode(head), 0xff, ...new TextEncoder().encode(tail)]);
  const root = project("nul", bytes);

  test("check leaves only that job out, and warns about the comment", async () => {
    const r = await tickd(["check"], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('config/scheduler.ini:6 [nul] "command = echo a\\u0000b" holds a NUL byte at column 17');
    expect(r.stderr).toContain("config/scheduler.ini:9 [nul] warning: this comment holds bytes that are not UTF-8 text");
    expect(r.stderr).toContain("3 jobs OK");
  });

  test("run starts with the other jobs and records their runs; the jobs query answers without an error", async () => {
    const service = await startService(root, ["--timezone", "UTC"]);
    try {
      let rows: { status: string }[] = [];
      for (let i = 0; i < 100 && rows.length < 2; i++) {
        await Bun.sleep(100);
        const r = await service.gql(`{ activities(first: 10, filter: { label: "tick", statuses: [SUCCESS] }) { edges { node { status } } } }`);
        rows = (r.data?.activities?.edges ?? []).map((e: { node: { status: string } }) => e.node);
      }
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(service.log()).toContain('"bad-bytes"');

      const jobs = await service.gql(`{ jobs(first: 50) { edges { node { label nextRunAt nextRuns(count: 3) schedule { interval } } } } }`);
      expect(jobs.errors).toBeUndefined();
      const byLabel = new Map((jobs.data!.jobs.edges as { node: { label: string; nextRunAt: string | null; nextRuns: string[] } }[]).map((e) => [e.node.label, e.node]));
      expect([...byLabel.keys()].sort()).toEqual(["decade", "february 31", "tick"]);
      const decade = byLabel.get("decade")!;
      expect(Date.parse(decade.nextRunAt!) - Date.now()).toBeGreaterThan(3649 * 86_400_000);
      expect(decade.nextRuns).toHaveLength(3);
      expect(byLabel.get("february 31")).toMatchObject({ nextRunAt: null, nextRuns: [] });
      // run warns about the schedule that never fires, as check does, and keeps the job.
      expect(service.log()).toMatch(/config\.warning.*february 31.*matches no date/);
    } finally {
      expect(await service.stop()).toBe(0);
    }
  });
});
