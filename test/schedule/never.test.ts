/**
 * Issue 12 item 7: schedules that never fire are warned about, not passed
 * silently: a cron no date matches, an until already past, a first
 * occurrence after until.
 */
import { describe, expect, test } from "bun:test";
import { formatDiagnostic, parseJobFile } from "../../src/config/index.ts";
import { neverFires, scheduleWarnings } from "../../src/schedule/index.ts";
import { cronRule, everyRule, job, t } from "./helpers.ts";

const NOW = t("2026-12-01T09:00:00Z");

describe("a schedule that never fires", () => {
  test.each(["* * 31 2 *", "0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 0 31 2 *"])("cron %p matches no date: a warning", (expression) => {
    const warning = neverFires(job(cronRule(expression)), "UTC", NOW);
    expect(warning?.code).toBe("never-fires");
    expect(warning?.message).toContain("matches no date in any year");
  });

  test.each(["0 0 29 2 *", "0 0 31 2 1", "0 0 L 2 *", "0 0 31 * *", "@yearly"])("cron %p fires some day: no warning", (expression) => {
    expect(neverFires(job(cronRule(expression)), "UTC", NOW)).toBeUndefined();
  });

  test("an until already past, and a first occurrence after until, are warnings; an until ahead is not", () => {
    expect(neverFires(job(everyRule("1 minute"), { until: t("2020-01-01T00:00:00Z") }), "UTC", NOW)?.message).toBe(
      "until: 2020-01-01 00:00 UTC has passed, so this job never runs again; move until later, or remove the job",
    );
    expect(neverFires(job(everyRule("3650 days"), { until: t("2027-06-01T00:00:00Z"), timezone: "Europe/Berlin" }), "UTC", NOW)?.message).toBe(
      "until: the first run would be at 2036-11-28 10:00 Europe/Berlin, after until (2027-06-01 02:00 Europe/Berlin), so this job never runs; move until later or shorten the interval",
    );
    expect(neverFires(job(everyRule("1 day"), { until: t("2027-06-01T00:00:00Z") }), "UTC", NOW)).toBeUndefined();
  });

  test("the warning points at the line of the key at fault in the job file", () => {
    const file = parseJobFile(
      "[feb 31]\ncommand = true\ncron = * * 31 2 *\n\n[over]\ncommand = true\nevery = 1 day\nuntil = 2020-01-01\n\n[fine]\ncommand = true\nevery = 1 day\n",
      "scheduler.ini",
      "UTC",
    );
    expect(file.diagnostics).toEqual([]);
    expect(file.jobs.map((j) => j.label)).toEqual(["feb 31", "over", "fine"]);
    expect(scheduleWarnings(file.jobs, "UTC", NOW).map(formatDiagnostic)).toMatchInlineSnapshot(`
      [
        "scheduler.ini:3 [feb 31] cron: "* * 31 2 *" matches no date in any year, so this job never runs; check the day and month fields (February has no 30th or 31st; April, June, September and November have no 31st)",
        "scheduler.ini:8 [over] until: 2020-01-01 23:59:59 UTC has passed, so this job never runs again; move until later, or remove the job",
      ]
    `);
  });
});
