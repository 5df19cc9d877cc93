/**
 * `tickd next` agrees with Python `schedule` 1.1 itself at the instant issue 14
 * names: a weekday job with `at`, registered exactly at that weekday's `at`
 * time (and 1 ms either side), next to a day job with the same `at`.
 * The compiled binary answers; the real library (one Python process, see
 * test/schedule/oracle/schedule11.ts) is asked the same question.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type OracleCase, schedule11Runs } from "../schedule/oracle/schedule11.ts";
import { tempDir, tickd } from "../helpers/binary.ts";

const { dir, cleanup } = tempDir("tickd-next-schedule11-");
afterAll(cleanup);
mkdirSync(path.join(dir, "config"));
writeFileSync(
  path.join(dir, "config/scheduler.ini"),
  `[weekly meeting]
command = true
every = monday
at = 10:00

[daily report]
command = true
every = day
at = 10:00
`,
);

const COUNT = 3;
/** Monday 10:00 UTC exactly, 1 ms before and 1 ms after. */
const FROM = ["2026-11-30T09:59:59.999Z", "2026-11-30T10:00:00.000Z", "2026-11-30T10:00:00.001Z"];

/** tickd's `next --json` instants as UTC ISO with milliseconds, by label. */
async function tickdNext(from: string): Promise<Record<string, string[]>> {
  const r = await tickd(["next", "--json", "--count", String(COUNT), "--from", from, "--timezone", "UTC"], { cwd: dir });
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const rows = JSON.parse(r.stdout) as { label: string; nextRuns: string[] }[];
  return Object.fromEntries(rows.map((row) => [row.label, row.nextRuns.map((iso) => new Date(iso).toISOString())]));
}

test("issue 14: a monday job at 10:00 registered at, just before and just after monday 10:00 runs when schedule 1.1 runs it", async () => {
  const cases: OracleCase[] = FROM.flatMap((registered) => [
    { unit: "monday", interval: 1, at: "10:00", registered },
    { unit: "day", interval: 1, at: "10:00", registered },
  ]);
  const python = schedule11Runs(cases, COUNT);
  const seen: unknown[] = [];
  const expected: unknown[] = [];
  for (const [i, from] of FROM.entries()) {
    const ours = await tickdNext(from);
    seen.push({ from, monday: ours["weekly meeting"], day: ours["daily report"] });
    expected.push({ from, monday: python[2 * i], day: python[2 * i + 1] });
  }
  expect(seen).toEqual(expected);
  // What that is, in words: schedule 1.1 (and tickd) run a weekday job
  // registered exactly at its time at once, but a day job a day later.
  expect(seen[1]).toEqual({
    from: "2026-11-30T10:00:00.000Z",
    monday: ["2026-11-30T10:00:00.000Z", "2026-12-07T10:00:00.000Z", "2026-12-14T10:00:00.000Z"],
    day: ["2026-12-01T10:00:00.000Z", "2026-12-02T10:00:00.000Z", "2026-12-03T10:00:00.000Z"],
  });
  expect(seen[2]).toMatchObject({ monday: ["2026-12-07T10:00:00.000Z", "2026-12-14T10:00:00.000Z", "2026-12-21T10:00:00.000Z"] });
});
