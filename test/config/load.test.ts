import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatDiagnostic, keyLine, loadJobFile, parseJobFile, type JobSpec } from "../../src/config/index.ts";
import { TickdError } from "../../src/errors.ts";

const ZONE = "Europe/Berlin";

/** Load a job file text; return its jobs and its problems as the CLI prints them. */
function load(text: string) {
  const file = parseJobFile(text, "scheduler.ini", ZONE);
  return { jobs: file.jobs, problems: file.diagnostics.map(formatDiagnostic), diagnostics: file.diagnostics };
}

/** The one job of a section body (with call and every filled in unless given). */
function job(body: string): JobSpec {
  const withCall = /^(call|callback|command|url)\s*[=:]/im.test(body) ? body : `call = app.jobs.work\n${body}`;
  const full = /^(every|frequency|cron)\s*[=:]/im.test(withCall) ? withCall : `${withCall}\nevery = 1 minute`;
  const { jobs, problems } = load(`[job]\n${full}\n`);
  expect(problems).toEqual([]);
  return jobs[0]!;
}

/** The problems of one section body. */
function problems(body: string): string[] {
  return load(`[job]\n${body}\n`).problems;
}

describe("a job with only call and every", () => {
  test("gets every default", () => {
    const j = job("call = example.scheduler.test_job\nevery = 5 seconds");
    expect(j).toMatchObject({
      label: "job",
      target: { kind: "call", callback: "example.scheduler.test_job" },
      schedule: { kind: "every", interval: 5, unit: "second" },
      active: true,
      description: "",
      overlap: "skip",
      retries: 0,
      retryDelayMs: 1000,
      catchup: "skip",
      jitterMs: 0,
      kwargs: {},
      origin: { source: "ini", file: "scheduler.ini", line: 1 },
    });
    expect(j.timezone).toBeUndefined();
    expect(j.timeoutMs).toBeUndefined();
    expect(j.until).toBeUndefined();
  });

  test("is frozen", () => {
    expect(Object.isFrozen(job("every = 1 day"))).toBe(true);
  });
});

describe("the original's example file", () => {
  const { jobs, problems } = load(`[run a test job]
call = example.scheduler.test_job
every = 5 seconds
testing = True

[this job should never make it to the scheduler]
call = example.scheduler.nonexistent_job
description = A nonexistent callback will not make it into the schedule.
every = 5 seconds

[this job is inactive]
active = no
call = example.automation.inactive_job
every = 10 minutes

[this job runs on sunday]
callback = example.scheduler.sunday_cleanup
frequency = sunday
at = 23:30
`);

  test("loads all four jobs (the missing callback is found out later, by resolving)", () => {
    expect(problems).toEqual([]);
    expect(jobs.map((j) => j.label)).toEqual([
      "run a test job",
      "this job should never make it to the scheduler",
      "this job is inactive",
      "this job runs on sunday",
    ]);
  });

  test("callback and frequency are aliases of call and every", () => {
    expect(jobs[3]!.target).toEqual({ kind: "call", callback: "example.scheduler.sunday_cleanup" });
    expect(jobs[3]!.schedule).toEqual({ kind: "every", interval: 1, unit: "sunday", at: { hour: 23, minute: 30, second: 0, text: "23:30" } });
  });

  test("testing = True becomes the boolean kwarg true", () => {
    expect(jobs[0]!.kwargs).toEqual({ testing: true });
  });

  test("active = no makes the job inactive", () => {
    expect(jobs[2]!.active).toBe(false);
  });

  test("the line of each key is kept for later messages", () => {
    expect(keyLine(jobs[3]!, "call")).toBe(17);
    expect(keyLine(jobs[3]!, "at")).toBe(19);
    expect(keyLine(jobs[3]!, "timeout")).toBe(16);
  });
});

describe("every = [N] unit", () => {
  test.each([
    ["second", 1, "second"],
    ["1 second", 1, "second"],
    ["10 seconds", 10, "second"],
    ["10 second", 10, "second"],
    ["minute", 1, "minute"],
    ["10 minutes", 10, "minute"],
    ["2 hours", 2, "hour"],
    ["1 hour", 1, "hour"],
    ["day", 1, "day"],
    ["3 days", 3, "day"],
    ["week", 1, "week"],
    ["2 weeks", 2, "week"],
    ["monday", 1, "monday"],
    ["1 Tuesday", 1, "tuesday"],
    ["WEDNESDAY", 1, "wednesday"],
    ["thursday", 1, "thursday"],
    ["friday", 1, "friday"],
    ["saturday", 1, "saturday"],
    ["sundays", 1, "sunday"],
    ["  10    Minutes  ", 10, "minute"],
  ] as const)("%p is every %p %p", (text, interval, unit) => {
    expect(job(`every = ${text}`).schedule).toEqual({ kind: "every", interval, unit });
  });

  test("a misspelt unit names the units to choose from", () => {
    expect(load("[nightly backup]\ncall = a.b\nevery = 10 minuets\n").problems).toMatchInlineSnapshot(`
      [
        "scheduler.ini:3 [nightly backup] every: "10 minuets" is not a unit; expected one of second(s), minute(s), hour(s), day(s), week(s), monday … sunday",
      ]
    `);
  });

  test.each(["0 minutes", "-5 minutes", "1.5 hours", "ten minutes", "5"])("%p is refused", (text) => {
    expect(problems(`call = a.b\nevery = ${text}`)).toHaveLength(1);
  });

  test("messages for each kind of bad every", () => {
    const messages = ["0 minutes", "1.5 hours", "5", "2 mondays", "10 minutes at 10:00", ""].flatMap((t) => problems(`call = a.b\nevery = ${t}`));
    expect(messages).toMatchInlineSnapshot(`
      [
        "scheduler.ini:3 [job] every: "0 minutes" needs a positive whole number before the unit; write e.g. 10 minutes (for fractions use a smaller unit: 90 minutes, not 1.5 hours)",
        "scheduler.ini:3 [job] every: "1.5 hours" needs a positive whole number before the unit; write e.g. 10 hours (for fractions use a smaller unit: 90 minutes, not 1.5 hours)",
        "scheduler.ini:3 [job] every: "5" has no unit; write e.g. 5 minutes (one of second(s), minute(s), hour(s), day(s), week(s), monday … sunday)",
        "scheduler.ini:3 [job] every: a weekday runs once a week, so N must be 1 in "2 mondays"; write monday, or use cron for other patterns",
        "scheduler.ini:3 [job] every: "10 minutes at 10:00" is not [N] unit; write e.g. 10 minutes, and put the time of day in a separate at = … line",
        "scheduler.ini:3 [job] every: is empty; write [N] unit, e.g. 10 minutes, day or sunday",
      ]
    `);
  });

  test("frequency is reported under its own name", () => {
    expect(problems("call = a.b\nfrequency = fortnight")).toMatchInlineSnapshot(`
      [
        "scheduler.ini:3 [job] frequency: "fortnight" is not a unit; expected one of second(s), minute(s), hour(s), day(s), week(s), monday … sunday",
      ]
    `);
  });
});

describe("at, per unit (as Python schedule 1.1)", () => {
  test.each([
    ["day", "10:30", { hour: 10, minute: 30, second: 0 }],
    ["2 days", "00:00:05", { hour: 0, minute: 0, second: 5 }],
    ["sunday", "23:30", { hour: 23, minute: 30, second: 0 }],
    ["monday", "23:59:59", { hour: 23, minute: 59, second: 59 }],
    ["hour", "15:30", { minute: 15, second: 30 }],
    ["3 hours", ":45", { minute: 45, second: 0 }],
    ["minute", ":15", { second: 15 }],
    ["5 minutes", ":00", { second: 0 }],
  ] as const)("every %p at %p", (every, at, parts) => {
    expect(job(`every = ${every}\nat = ${at}`).schedule).toEqual({ kind: "every", interval: expect.any(Number), unit: expect.any(String), at: { ...parts, text: at } });
  });

  // Issue 14: the original applied `at` to weekdays only, so a ported file may
  // hold an `at` on a job that cannot use one. The job runs, without it.
  test.each([
    ["10 minutes", "10:00", "minute", 10],
    ["minute", "23:30:15", "minute", 1],
    ["5 seconds", "10:00", "second", 5],
    ["10 seconds", ":05", "second", 10],
    ["week", "10:00", "week", 1],
    ["2 weeks", "08:00", "week", 2],
  ] as const)("every %p with at %p: at is ignored with a warning, and the job loads", (every, at, unit, interval) => {
    const file = parseJobFile(`[job]\ncall = a.b\nevery = ${every}\nat = ${at}\n`, "scheduler.ini", ZONE);
    expect(file.diagnostics).toEqual([]);
    expect(file.jobs[0]!.schedule).toEqual({ kind: "every", interval, unit });
    expect(file.warnings.map(({ line, key, code }) => ({ line, key, code }))).toEqual([{ line: 4, key: "at", code: "at-ignored" }]);
  });

  test("the at-ignored warning says what the job does instead", () => {
    const file = parseJobFile("[job]\ncall = a.b\nevery = 10 minutes\nat = 10:00\n", "scheduler.ini", ZONE);
    expect(file.warnings.map(formatDiagnostic)).toMatchInlineSnapshot(`
      [
        "scheduler.ini:4 [job] at: "10:00" is ignored with every = 10 minutes (as the original scheduler ignored it): the job runs every 10 minutes from its start. Remove at, or use a day or weekday unit (every = day, every = monday) for a time of day; on a minute job at = :SS picks the second of each minute",
      ]
    `);
  });

  test("messages for every format that does not fit its unit", () => {
    const cases = [
      ["day", "9:30"],
      ["day", "24:00"],
      ["day", "12:60"],
      ["day", "noon"],
      ["monday", "10:00:61"],
      ["hour", "10"],
      ["hour", "61:00"],
      ["hour", ":75"],
      ["minute", "noon"],
      ["minute", ":60"],
    ];
    expect(cases.flatMap(([every, at]) => problems(`call = a.b\nevery = ${every}\nat = ${at}`))).toMatchInlineSnapshot(`
      [
        "scheduler.ini:4 [job] at: "9:30" is not a time of day; write HH:MM or HH:MM:SS in 24-hour time, e.g. 23:30 (hours take two digits: 09:30)",
        "scheduler.ini:4 [job] at: "24:00" is out of range; hours go from 00 to 23, minutes and seconds from 00 to 59",
        "scheduler.ini:4 [job] at: "12:60" is out of range; hours go from 00 to 23, minutes and seconds from 00 to 59",
        "scheduler.ini:4 [job] at: "noon" is not a time of day; write HH:MM or HH:MM:SS in 24-hour time, e.g. 23:30",
        "scheduler.ini:4 [job] at: "10:00:61" is out of range; hours go from 00 to 23, minutes and seconds from 00 to 59",
        "scheduler.ini:4 [job] at: "10" is not a time for an hourly job; write MM:SS (e.g. 15:00) or :MM (e.g. :15), the moment within each hour",
        "scheduler.ini:4 [job] at: "61:00" is out of range for MM:SS; minutes and seconds go from 00 to 59",
        "scheduler.ini:4 [job] at: minute 75 in ":75" is out of range; use 00-59",
        "scheduler.ini:4 [job] at: "noon" is not a time for a minute job; write :SS, the second of each minute, e.g. :15",
        "scheduler.ini:4 [job] at: second 60 in ":60" is out of range; use 00-59",
      ]
    `);
  });
});

describe("cron", () => {
  test.each(["*/5 * * * *", "0 7 * * 1-5", "30 0 7 * * MON-FRI", "@daily", "@Hourly"])("%p is accepted", (expr) => {
    expect(job(`cron = ${expr}`).schedule).toEqual({ kind: "cron", expression: expr.startsWith("@") ? expr.toLowerCase() : expr });
  });

  test("with a timezone", () => {
    const j = job("cron = 0 7 * * 1-5\ntimezone = America/New_York");
    expect(j.timezone).toBe("America/New_York");
  });

  test("messages for bad expressions", () => {
    const exprs = ["* * * *", "* * * * * * *", "61 * * * *", "* * * * funday", ""];
    expect(exprs.flatMap((e) => problems(`call = a.b\ncron = ${e}`))).toMatchInlineSnapshot(`
      [
        "scheduler.ini:3 [job] cron: "* * * *" has 4 fields; write 5 (minute hour day month weekday) or 6 (with seconds first), e.g. 30 2 * * *",
        "scheduler.ini:3 [job] cron: "* * * * * * *" has 7 fields; write 5 (minute hour day month weekday) or 6 (with seconds first), e.g. 30 2 * * *",
        "scheduler.ini:3 [job] cron: "61 * * * *" is not a valid cron expression (Invalid value for minute: 61); fields are minute hour day month weekday, e.g. 30 2 * * 1-5",
        "scheduler.ini:3 [job] cron: "* * * * funday" is not a valid cron expression (configuration entry 5 (funday) contains illegal characters); fields are minute hour day month weekday, e.g. 30 2 * * 1-5",
        "scheduler.ini:3 [job] cron: is empty; write 5 fields (minute hour day month weekday), e.g. 30 2 * * *",
      ]
    `);
  });

  test("every and cron together, at with cron, and no schedule at all", () => {
    expect([
      ...problems("call = a.b\nevery = 5 minutes\ncron = * * * * *"),
      ...problems("call = a.b\ncron = 0 7 * * *\nat = 07:00"),
      ...problems("call = a.b"),
    ]).toMatchInlineSnapshot(`
      [
        "scheduler.ini:4 [job] cron: a job has either every or cron, not both; remove one of them",
        "scheduler.ini:4 [job] at: cron already sets the time of day; remove at, or put the time in the cron fields",
        "scheduler.ini:1 [job] has no schedule; add every = [N] unit (e.g. every = 10 minutes) or cron = 5 fields (e.g. cron = 30 2 * * *), or every = manual for a job run only by hand",
      ]
    `);
  });
});

describe("what a job runs", () => {
  test("a command job", () => {
    expect(job("command = /usr/local/bin/backup.sh --full").target).toEqual({ kind: "command", command: "/usr/local/bin/backup.sh --full" });
  });

  test("a url job defaults to GET", () => {
    expect(job("url = https://example.com/tasks/cleanup").target).toEqual({ kind: "url", url: "https://example.com/tasks/cleanup", method: "GET" });
  });

  test("a url job's method is upper-cased and is not a kwarg", () => {
    const j = job("url = https://example.com/hook\nmethod = post\ntoken = abc");
    expect(j.target).toEqual({ kind: "url", url: "https://example.com/hook", method: "POST" });
    expect(j.kwargs).toEqual({ token: "abc" });
  });

  test("for a call, method is an ordinary kwarg", () => {
    expect(job("call = a.b\nmethod = fast").kwargs).toEqual({ method: "fast" });
  });

  test("callback paths may name folders with dashes and unicode", () => {
    expect(job("call = my-app.tâches.nettoyer").target).toEqual({ kind: "call", callback: "my-app.tâches.nettoyer" });
  });

  test("messages for missing, doubled and malformed targets", () => {
    expect([
      ...problems("every = 1 day"),
      ...problems("call = a.b\ncommand = ls\nevery = 1 day"),
      ...problems("call =\nevery = 1 day"),
      ...problems("call = cleanup\nevery = 1 day"),
      ...problems("call = a..b\nevery = 1 day"),
      ...problems("command =\nevery = 1 day"),
      ...problems("url = ftp://example.com/x\nevery = 1 day"),
      ...problems("url = not a url\nevery = 1 day"),
      ...problems("url = https://example.com\nmethod = FETCH\nevery = 1 day"),
    ]).toMatchInlineSnapshot(`
      [
        "scheduler.ini:1 [job] has nothing to run; add call = module.function (e.g. call = myapp.scheduler.cleanup), or command = … / url = …",
        "scheduler.ini:3 [job] command: a job runs exactly one of call, command or url; keep one (this job also has call)",
        "scheduler.ini:2 [job] call: is empty; write the callback as module.function, e.g. myapp.scheduler.cleanup",
        "scheduler.ini:2 [job] call: "cleanup" is not a dotted path; write folder.module.function, e.g. myapp.scheduler.cleanup for the export cleanup of myapp/scheduler.ts",
        "scheduler.ini:2 [job] call: "a..b" is not a dotted path; write folder.module.function, e.g. myapp.scheduler.cleanup for the export cleanup of myapp/scheduler.ts",
        "scheduler.ini:2 [job] command: is empty; write the shell command to run, e.g. command = /usr/local/bin/backup.sh",
        "scheduler.ini:2 [job] url: "ftp://example.com/x" is not an http(s) URL; write the full address, e.g. https://example.com/tasks/cleanup",
        "scheduler.ini:2 [job] url: "not a url" is not an http(s) URL; write the full address, e.g. https://example.com/tasks/cleanup",
        "scheduler.ini:3 [job] method: "FETCH" is not an HTTP method; write one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (default GET)",
      ]
    `);
  });
});

describe("the other reserved keys", () => {
  test.each([
    ["yes", true],
    ["no", false],
    ["True", true],
    ["FALSE", false],
    ["on", true],
    ["Off", false],
    ["1", true],
    ["0", false],
  ] as const)("active = %p is %p", (text, value) => {
    expect(job(`active = ${text}`).active).toBe(value);
  });

  test("description is free text", () => {
    expect(job("description = It's good practice: say what it does.").description).toBe("It's good practice: say what it does.");
  });

  test.each([
    ["30 seconds", 30_000],
    ["5 minutes", 300_000],
    ["1 hour", 3_600_000],
    ["2.5 s", 2_500],
    ["500 ms", 500],
    ["45", 45_000],
    ["1.5", 1_500],
    ["1 hour 30 minutes", 5_400_000],
    ["1h30m", 5_400_000],
    ["2 days", 172_800_000],
  ] as const)("timeout = %p is %p ms", (text, ms) => {
    expect(job(`timeout = ${text}`).timeoutMs).toBe(ms);
  });

  test("retry_delay and jitter are durations too, and may be zero", () => {
    const j = job("retries = 3\nretry_delay = 10 seconds\njitter = 0");
    expect([j.retries, j.retryDelayMs, j.jitterMs]).toEqual([3, 10_000, 0]);
    expect(job("jitter = 2 minutes").jitterMs).toBe(120_000);
  });

  test.each(["skip", "queue", "allow", "Queue"])("overlap = %p", (text) => {
    expect(job(`overlap = ${text}`).overlap).toBe(text.toLowerCase() as "skip");
  });

  test.each(["skip", "once"])("catchup = %p", (text) => {
    expect(job(`catchup = ${text}`).catchup).toBe(text as "skip");
  });

  test("timezone must be an IANA zone", () => {
    expect(job("timezone = Asia/Tokyo").timezone).toBe("Asia/Tokyo");
    expect(job("timezone = UTC").timezone).toBe("UTC");
  });

  test("until a date means through the end of that day in the job's zone", () => {
    expect(new Date(job("until = 2027-03-31").until!).toISOString()).toBe("2027-03-31T21:59:59.999Z");
    expect(new Date(job("until = 2027-03-31\ntimezone = UTC").until!).toISOString()).toBe("2027-03-31T23:59:59.999Z");
  });

  test("until a date-time is a wall time in the job's zone unless it has an offset", () => {
    expect(new Date(job("until = 2027-01-15T18:00").until!).toISOString()).toBe("2027-01-15T17:00:00.000Z");
    expect(new Date(job("until = 2027-01-15 18:00:30").until!).toISOString()).toBe("2027-01-15T17:00:30.000Z");
    expect(new Date(job("until = 2027-01-15T18:00:00+05:00").until!).toISOString()).toBe("2027-01-15T13:00:00.000Z");
    expect(new Date(job("until = 2027-01-15T18:00Z").until!).toISOString()).toBe("2027-01-15T18:00:00.000Z");
  });

  test("until a wall time in the spring-forward gap moves to the first valid instant", () => {
    // 2027-03-28 02:30 does not exist in Berlin; clocks jump from 02:00 to 03:00.
    expect(new Date(job("until = 2027-03-28T02:30").until!).toISOString()).toBe("2027-03-28T01:30:00.000Z");
  });

  test("messages for every bad value", () => {
    expect([
      ...problems("call = a.b\nevery = 1 day\nactive = maybe"),
      ...problems("call = a.b\nevery = 1 day\ntimezone = Mars/Olympus"),
      ...problems("call = a.b\nevery = 1 day\ntimeout = soon"),
      ...problems("call = a.b\nevery = 1 day\ntimeout = 0"),
      ...problems("call = a.b\nevery = 1 day\nretry_delay = 5 fortnights"),
      ...problems("call = a.b\nevery = 1 day\njitter = -5 s"),
      ...problems("call = a.b\nevery = 1 day\noverlap = wait"),
      ...problems("call = a.b\nevery = 1 day\ncatchup = all"),
      ...problems("call = a.b\nevery = 1 day\nretries = -1"),
      ...problems("call = a.b\nevery = 1 day\nretries = 2.5"),
      ...problems("call = a.b\nevery = 1 day\nuntil = next year"),
      ...problems("call = a.b\nevery = 1 day\nuntil = 2027-02-30"),
    ]).toMatchInlineSnapshot(`
      [
        "scheduler.ini:4 [job] active: "maybe" is not yes or no; write yes or no (true/false, on/off and 1/0 work too)",
        "scheduler.ini:4 [job] timezone: "Mars/Olympus" is not an IANA time zone; write a name such as Europe/Berlin, America/New_York or UTC",
        "scheduler.ini:4 [job] timeout: "soon" is not a duration; write a number and a unit, e.g. 30 seconds, 5 minutes, 1 hour, 2.5 s or 500 ms (a bare number means seconds)",
        "scheduler.ini:4 [job] timeout: must be longer than zero; write a number and a unit, e.g. 30 seconds, 5 minutes, 1 hour, 2.5 s or 500 ms (a bare number means seconds), or remove the line for no timeout",
        "scheduler.ini:4 [job] retry_delay: "5 fortnights" is not a duration; write a number and a unit, e.g. 30 seconds, 5 minutes, 1 hour, 2.5 s or 500 ms (a bare number means seconds)",
        "scheduler.ini:4 [job] jitter: "-5 s" is not a duration; write a number and a unit, e.g. 30 seconds, 5 minutes, 1 hour, 2.5 s or 500 ms (a bare number means seconds)",
        "scheduler.ini:4 [job] overlap: "wait" is not one of skip, queue, allow; write one of them (default skip)",
        "scheduler.ini:4 [job] catchup: "all" is not one of skip, once; write one of them (default skip)",
        "scheduler.ini:4 [job] retries: "-1" is not a whole number of 0 or more; write e.g. retries = 3 (0 means no retries)",
        "scheduler.ini:4 [job] retries: "2.5" is not a whole number of 0 or more; write e.g. retries = 3 (0 means no retries)",
        "scheduler.ini:4 [job] until: "next year" is not an ISO date or date-time; write an ISO date (2027-03-31) or date-time (2027-03-31T18:00, optionally with an offset such as +02:00 or Z)",
        "scheduler.ini:4 [job] until: "2027-02-30" is not a real date or time; write an ISO date (2027-03-31) or date-time (2027-03-31T18:00, optionally with an offset such as +02:00 or Z)",
      ]
    `);
  });
});

describe("keyword arguments", () => {
  test("are coerced: booleans, numbers, quoted literals, strings", () => {
    const j = job(
      [
        "a = true",
        "b = FALSE",
        "c = Yes",
        "d = no",
        "e = 42",
        "f = -7",
        "g = 3.25",
        "h = .5",
        'i = "yes"',
        'j = "42"',
        'k = ""',
        "l = hello world",
        "m = 007",
        "n = 12345678901234567890",
        "o =",
        "p = on",
        "CamelCase = kept",
      ].join("\n"),
    );
    expect(j.kwargs).toEqual({
      a: true,
      b: false,
      c: true,
      d: false,
      e: 42,
      f: -7,
      g: 3.25,
      h: 0.5,
      i: "yes",
      j: "42",
      k: "",
      l: "hello world",
      m: "007",
      n: "12345678901234567890",
      o: "",
      p: "on",
      CamelCase: "kept",
    });
  });

  test("reserved keys match in any case and are never kwargs", () => {
    const j = job("CALL = a.b\nEvery = 2 days\nTimeout = 5 s");
    expect(j.kwargs).toEqual({});
    expect(j.timeoutMs).toBe(5000);
  });
});

describe("duplicates", () => {
  test("a repeated label is an error for the later job; the first still loads", () => {
    const { jobs, problems } = load("[backup]\ncall = a.b\nevery = 1 day\n\n[backup]\ncall = c.d\nevery = 2 days\n");
    expect(jobs.map((j) => j.target)).toEqual([{ kind: "call", callback: "a.b" }]);
    expect(problems).toMatchInlineSnapshot(`
      [
        "scheduler.ini:5 [backup] this label is already used by the job on line 1; labels must be unique, so rename this job (it is left out)",
      ]
    `);
  });

  test("labels are case-sensitive", () => {
    expect(load("[Backup]\ncall = a.b\nevery = 1 day\n[backup]\ncall = a.b\nevery = 1 day\n").jobs).toHaveLength(2);
  });

  test("a key given twice, or with its alias, leaves the job out", () => {
    expect([...problems("call = a.b\nevery = 1 day\nevery = 2 days"), ...problems("call = a.b\ncallback = c.d\nevery = 1 day"), ...problems("call = a.b\nevery = 1 day\nx = 1\nx = 2")]).toMatchInlineSnapshot(`
      [
        "scheduler.ini:4 [job] every: given twice (first on line 3); keep one",
        "scheduler.ini:3 [job] callback: means the same as call on line 2; keep one",
        "scheduler.ini:5 [job] x: given twice (first on line 4); keep one",
      ]
    `);
  });
});

describe("one bad job never stops the others", () => {
  test("each problem names file, line, label and key; only that job is left out", () => {
    const { jobs, diagnostics } = load(`[good one]
call = a.b
every = 1 minute

[bad one]
call = a.c
every = 10 seconds
at = noon
timeout = forever

[good two]
cron = 0 * * * *
command = date
`);
    expect(jobs.map((j) => j.label)).toEqual(["good one", "good two"]);
    expect(diagnostics.map(({ file, line, label, key, code }) => ({ file, line, label, key, code }))).toEqual([
      { file: "scheduler.ini", line: 9, label: "bad one", key: "timeout", code: "bad-duration" },
    ]);
  });

  test("labels with dots, spaces and unicode appear in messages as written", () => {
    expect(load("[café.stats v2 ☕]\ncall = a.b\nevery = 1 fortnight\n").problems).toMatchInlineSnapshot(`
      [
        "scheduler.ini:3 [café.stats v2 ☕] every: "1 fortnight" is not a unit; expected one of second(s), minute(s), hour(s), day(s), week(s), monday … sunday",
      ]
    `);
  });
});

describe("warnings: lines a job runs with, but not as a porting user meant (issue 14)", () => {
  const warnings = (text: string) => parseJobFile(text, "scheduler.ini", ZONE).warnings.map(formatDiagnostic);

  test("a key one typo from a job key stays a keyword argument, with a warning naming the key", () => {
    const file = parseJobFile("[job]\ncall = a.b\nevery = 10 minutes\ndescripton = hi\ntimout = 5 seconds\nretrys = 3\n", "scheduler.ini", ZONE);
    expect(file.jobs[0]!.kwargs).toEqual({ descripton: "hi", timout: "5 seconds", retrys: 3 });
    expect(file.warnings.map(formatDiagnostic)).toMatchInlineSnapshot(`
      [
        "scheduler.ini:4 [job] descripton: not a job key, so it is passed to the callback as a keyword argument; did you mean description? (rename it, or keep it if the callback reads descripton)",
        "scheduler.ini:5 [job] timout: not a job key, so it is passed to the callback as a keyword argument; did you mean timeout? (rename it, or keep it if the callback reads timout)",
        "scheduler.ini:6 [job] retrys: not a job key, so it is passed to the callback as a keyword argument; did you mean retries? (rename it, or keep it if the callback reads retrys)",
      ]
    `);
  });

  test("keyword arguments that are not near a key, or too short to tell, warn of nothing", () => {
    expect(warnings("[job]\ncall = a.b\nevery = 10 minutes\ntesting = True\ntag = x\ncustomer_id = 7\nname = n\n")).toEqual([]);
  });

  test("an inline comment is named as such: a hint on the problem it causes, a warning on a keyword argument", () => {
    const file = parseJobFile("[job]\ncall = a.b\nevery = 10 minutes ; every ten minutes\n\n[kw]\ncall = a.b\nevery = day\ntesting = True # yes\n", "scheduler.ini", ZONE);
    expect(file.diagnostics.map(formatDiagnostic)).toMatchInlineSnapshot(`
      [
        "scheduler.ini:3 [job] every: "10 minutes ; every ten minutes" is not [N] unit; write e.g. 10 minutes, and put the time of day in a separate at = … line; "; every ten minutes" looks like an inline comment, but a job file has none (the text is part of the value): put the comment on a line of its own, starting with ; or #",
      ]
    `);
    expect(file.warnings.map(formatDiagnostic)).toMatchInlineSnapshot(`
      [
        "scheduler.ini:8 [kw] testing: "# yes" looks like an inline comment, but a job file has none (the text is part of the value): put the comment on a line of its own, starting with ; or #",
      ]
    `);
  });

  test("a job file with no jobs is a warning; one with jobs, or with problems, is not", () => {
    expect(warnings("")).toMatchInlineSnapshot(`
      [
        "scheduler.ini:1 the job file has no jobs, so nothing is scheduled; write one [label] section per job with key = value lines, e.g. [cleanup] then call = myapp.scheduler.cleanup and every = 10 minutes",
      ]
    `);
    expect(warnings("; only a comment\n[DEFAULT]\ntimeout = 5 seconds\n")).toHaveLength(1);
    expect(warnings("[job]\ncall = a.b\nevery = day\n")).toEqual([]);
    expect(warnings("[job]\ncall = a.b\n")).toEqual([]);
  });
});

describe("loadJobFile", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-load-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("reads a file and records its absolute path in every job", async () => {
    const file = path.join(dir, "scheduler.ini");
    writeFileSync(file, "[j]\ncall = a.b\nevery = 1 day\n");
    const loaded = await loadJobFile(file, ZONE);
    expect(loaded.path).toBe(file);
    expect(loaded.jobs[0]!.origin.file).toBe(file);
  });

  async function failure(p: string): Promise<{ code: string; message: string }> {
    try {
      await loadJobFile(p, ZONE);
    } catch (error) {
      expect(error).toBeInstanceOf(TickdError);
      const e = error as TickdError;
      return { code: e.code, message: e.message.replaceAll(dir, "<dir>") };
    }
    throw new Error("expected loadJobFile to fail");
  }

  test("a missing file is config-missing", async () => {
    expect(await failure(path.join(dir, "nope.ini"))).toMatchInlineSnapshot(`
      {
        "code": "config-missing",
        "message": "<dir>/nope.ini: job file not found; create it (write one [label] section per job with key = value lines, e.g. [cleanup] then call = myapp.scheduler.cleanup and every = 10 minutes) or point --config (-P) at your job file",
      }
    `);
  });

  test("a file that is not INI is config-invalid with its line", async () => {
    const file = path.join(dir, "jobs.json");
    writeFileSync(file, '\n{\n  "jobs": []\n}\n');
    expect(await failure(file)).toMatchInlineSnapshot(`
      {
        "code": "config-invalid",
        "message": "<dir>/jobs.json:2 is not an INI job file; write one [label] section per job with key = value lines, e.g. [cleanup] then call = myapp.scheduler.cleanup and every = 10 minutes",
      }
    `);
  });

  test("a binary file and a folder are config-invalid", async () => {
    const bin = path.join(dir, "bin.ini");
    writeFileSync(bin, new Uint8Array([0xff, 0xfe, 0x00, 0x41]));
    expect((await failure(bin)).code).toBe("config-invalid");
    mkdirSync(path.join(dir, "folder"));
    expect((await failure(path.join(dir, "folder"))).code).toBe("config-invalid");
  });
});

describe("[DEFAULT], as in Python's configparser", () => {
  test("gives its keys to every job; a job's own keys win; it is not a job itself", () => {
    const { jobs, problems } = load(`[DEFAULT]
every = 1 hour
timeout = 30 seconds
region = eu

[a]
call = app.jobs.a

[b]
call = app.jobs.b
every = 5 minutes
region = us
`);
    expect(problems).toEqual([]);
    expect(jobs.map((j) => [j.label, j.schedule, j.timeoutMs, j.kwargs])).toEqual([
      ["a", { kind: "every", interval: 1, unit: "hour" }, 30_000, { region: "eu" }],
      ["b", { kind: "every", interval: 5, unit: "minute" }, 30_000, { region: "us" }],
    ]);
  });

  test("a bad default is reported at its own line for each job that inherits it", () => {
    expect(load("[DEFAULT]\ntimeout = soon\n\n[a]\ncall = x.y\nevery = 1 day\n").problems).toMatchInlineSnapshot(`
      [
        "scheduler.ini:2 [a] timeout: "soon" is not a duration; write a number and a unit, e.g. 30 seconds, 5 minutes, 1 hour, 2.5 s or 500 ms (a bare number means seconds)",
      ]
    `);
  });
});
