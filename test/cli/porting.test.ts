/**
 * Issue 14, items 9, 10, 12, 13 and 14: what a user porting from the original
 * scheduler meets on the command line, from the compiled binary. Each test
 * failed on the main before the change (one table of instance flags; exports
 * checked as `run` checks; missing folders in one line; messages for inline
 * comments, misspelt keys, an ignored `at`, an empty file, a module that does
 * not build; help, -v and run-job's exit codes).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BINARY, tempDir, tickd } from "../helpers/binary.ts";

// Only the variables a test names: the machine's TICKD_* must not leak in.
const ENV = { TICKD_TIMEZONE: "UTC", TICKD_APPS: "", TICKD_LISTEN: "", TICKD_DB: "", TICKD_ROOT: "", TICKD_CONFIG: "", TICKD_TOKENS: "" };

let t: ReturnType<typeof tempDir>;
const run = (args: readonly string[], env: Record<string, string> = {}) => tickd(args, { cwd: t.dir, env: { ...ENV, ...env } });

/** Write `files` (path -> text) under the temp folder. */
function write(files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(t.dir, file)), { recursive: true });
    writeFileSync(path.join(t.dir, file), text);
  }
}

beforeAll(() => {
  t = tempDir("tickd-porting-");
  write({
    "config/scheduler.ini": "[hello]\ncall = jobs.tasks.hello\nevery = 10 minutes\n",
    "other/scheduler.ini": "[other job]\ncommand = true\nevery = 1 hour\n",
    "jobs/tasks.ts": 'import { Result, STATUS } from "tickd";\nexport function hello() {}\nexport function nothing() { return Result(STATUS.skipped, { message: "nothing to do" }); }\n',
    "apps/empty/scheduler.ts": "export {};\n",
  });
});
afterAll(() => t.cleanup());

describe("item 9: every command accepts every instance flag, and -P is the job file everywhere", () => {
  // Every instance flag at once, as one tickd.env or one command line would give them.
  const ALL = [
    "--root", ".", "--timezone", "UTC", "--apps", "apps/empty", "--module-name", "scheduler", "--listen", "127.0.0.1:7399", "--tokens", "none.txt",
    "--public-url", "https://tickd.example.com", "--no-api", "--instance", "porting", "--keep", "30 days", "--grace", "5 seconds", "--log-format", "json",
  ];

  test.each([
    ["check", ["check"], "1 job OK\n"],
    ["list", ["list", "--json"], '"label": "other job"'],
    ["next", ["next", "--from", "2026-03-02T10:00Z", "--count", "1"], "other job — every hour"],
    ["export-ini", ["export-ini", "-p", "--db", "file:other/none.db"], "[other job]\ncommand = true\nevery = 1 hour\n"],
  ] as const)("%s takes them all and reads the job file from -P", async (_name, args, expected) => {
    const r = await run([...args, "-P", "other/scheduler.ini", ...ALL]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(expected);
  });

  test("history, migrate and discover take them all too", async () => {
    const db = ["--db", "file:other/flags.db"];
    expect((await run(["migrate", "-P", "other/scheduler.ini", ...ALL, ...db])).code).toBe(0);
    expect((await run(["history", "-P", "other/scheduler.ini", ...ALL, ...db])).code).toBe(0);
    const discover = await run(["discover", "-P", "other/scheduler.ini", ...ALL, ...db]);
    expect(discover.stderr).toBe("");
    expect(discover.code).toBe(0);
  });

  test("a command's help lists the instance flags it uses, and names the ones it accepts without using", async () => {
    const r = await run(["check", "--help"]);
    expect(r.stdout).toContain("\n  -P, --config PATH ");
    expect(r.stdout).toContain("\n      --root DIR ");
    expect(r.stdout).not.toContain("\n      --listen HOST:PORT");
    expect(r.stdout).toContain(
      "\n\nAlso accepted, and not used by check (every command takes every instance flag): --db, --apps, --module-name, --listen, --tokens, --public-url, --no-api, --instance, --keep, --grace, --log-format, --notify, --smtp\n\nExamples:\n",
    );
  });
});

describe("item 10: export-supervisord and export-systemd refuse a unit that could not start, and write nothing", () => {
  test("a --config that does not exist", async () => {
    const units = path.join(t.dir, "units-a");
    mkdirSync(units);
    const r = await run(["export-systemd", "-w", "-d", units, "-P", "nope/scheduler.ini"]);
    expect(r.stderr).toBe(
      "tickd export-systemd: nope/scheduler.ini: job file not found; create it (write one [label] section per job with key = value lines, e.g. [cleanup] then call = myapp.scheduler.cleanup and every = 10 minutes) or point --config (-P) at your job file; the service could not start, so nothing was written\n",
    );
    expect(r.code).toBe(2);
    expect(readdirSync(units)).toEqual([]);
  });

  test("a non-loopback --listen without --tokens, which run refuses with the same words", async () => {
    const r = await run(["export-supervisord", path.join(t.dir, "cron", "scheduler.sh"), "-w", "--listen", "0.0.0.0:7400"]);
    expect(r.stderr).toBe(
      "tickd export-supervisord: --listen 0.0.0.0:7400: refusing to serve the API on a non-loopback address without tokens, because anyone who can reach it could run jobs and read their output. " +
        'Pass --tokens FILE (lines "TOKEN ROLE"), or listen on 127.0.0.1, or use --no-api; the service could not start, so nothing was written\n',
    );
    expect(r.code).toBe(2);
    expect(existsSync(path.join(t.dir, "cron"))).toBe(false);
    const started = await run(["run", "--listen", "0.0.0.0:7400", "--db", "file:config/refused.db"]);
    expect(started.stderr).toStartWith("tickd run: --listen 0.0.0.0:7400: refusing to serve the API on a non-loopback address without tokens");
    expect(existsSync(path.join(t.dir, "config", "refused.db"))).toBe(false);
  });

  test("a --root that does not exist", async () => {
    const r = await run(["export-systemd", "--root", "nothere"]);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "tickd export-systemd: --root nothere: does not exist; pass the folder your dotted callback paths start from (e.g. --root . for call = myapp.scheduler.cleanup in ./myapp/scheduler.ts); the service could not start, so nothing was written\n",
    });
  });

  test("with --root, the template puts %i at the tenant folder and keeps --root", async () => {
    write({ "tenants/acme/config/scheduler.ini": "[a]\ncommand = true\nevery = 1 hour\n", "tenants/acme/src/.keep": "" });
    const r = await run(["export-systemd", "-P", "tenants/acme/config/scheduler.ini", "--root", "tenants/acme/src"]);
    expect(r.code).toBe(0);
    const template = r.stdout.split("\n# ==> ")[1]!;
    const tenants = path.join(t.dir, "tenants");
    expect(template).toContain(`\nExecStart=${BINARY} run --config ${tenants}/%i/config/scheduler.ini --root ${tenants}/%i/src\n`);
    expect(template).toContain(`\nWorkingDirectory=${tenants}/%i/src\n`);
    expect(template).toContain(`\nEnvironmentFile=-${tenants}/%i/config/tickd.env\n`);
  });
});

describe("item 12: a --root that does not exist is one line and exit 2", () => {
  test.each([
    ["check", ["check"]],
    ["run-job", ["run-job", "hello"]],
    ["export-ini", ["export-ini", "-p"]],
    ["discover", ["discover", "--apps", "apps/empty"]],
    ["run", ["run", "--no-api"]],
  ] as const)("%s", async (name, args) => {
    const r = await run([...args, "--root", "nothere", "--db", "file:config/root.db"]);
    expect(r).toEqual({
      code: 2,
      stdout: "",
      stderr: `tickd ${name}: --root nothere: does not exist; pass the folder your dotted callback paths start from (e.g. --root . for call = myapp.scheduler.cleanup in ./myapp/scheduler.ts)\n`,
    });
    expect(existsSync(path.join(t.dir, "config", "root.db"))).toBe(false);
  });
});

describe("item 13: the messages of a ported job file", () => {
  const PORTED = `[hello]
call = jobs.tasks.hello
every = 10 minutes ; every ten minutes

[typos]
call = jobs.tasks.hello
every = 5 minutes
descripton = says hello
timout = 5 seconds

[minute job with a time of day]
call = jobs.tasks.hello
every = 10 minutes
at = 10:00

[week job with a time of day]
call = jobs.tasks.hello
every = 2 weeks
at = 10:00
`;

  test("check names the inline comment, the misspelt keys and the ignored at; only the comment leaves its job out", async () => {
    write({ "ported/scheduler.ini": PORTED });
    const r = await run(["check", "-P", "ported/scheduler.ini", "--root", "."]);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatchInlineSnapshot(`
      "ported/scheduler.ini:3 [hello] every: "10 minutes ; every ten minutes" is not [N] unit; write e.g. 10 minutes, and put the time of day in a separate at = … line; "; every ten minutes" looks like an inline comment, but a job file has none (the text is part of the value): put the comment on a line of its own, starting with ; or #
      ported/scheduler.ini:8 [typos] warning: descripton: not a job key, so it is passed to the callback as a keyword argument; did you mean description? (rename it, or keep it if the callback reads descripton)
      ported/scheduler.ini:9 [typos] warning: timout: not a job key, so it is passed to the callback as a keyword argument; did you mean timeout? (rename it, or keep it if the callback reads timout)
      ported/scheduler.ini:14 [minute job with a time of day] warning: at: "10:00" is ignored with every = 10 minutes (as the original scheduler ignored it): the job runs every 10 minutes from its start. Remove at, or use a day or weekday unit (every = day, every = monday) for a time of day; on a minute job at = :SS picks the second of each minute
      ported/scheduler.ini:19 [week job with a time of day] warning: at: "10:00" is ignored with every = 2 weeks (as the original scheduler ignored it): the job runs every 2 weeks from its start. Remove at, or use a day or weekday unit (every = day, every = monday) for a time of day
      1 problem and 4 warnings in ported/scheduler.ini; 3 jobs OK, the jobs with a problem are left out of the schedule (a warning leaves its job in)
      "
    `);
    expect(r.code).toBe(2);
  });

  test("a job whose at is ignored runs on its interval", async () => {
    write({ "ported/at.ini": PORTED.slice(PORTED.indexOf("[minute job")) });
    const r = await run(["next", "-P", "ported/at.ini", "--from", "2026-03-02T09:03:00Z", "--count", "2", "--json"]);
    expect(JSON.parse(r.stdout)).toEqual([
      { label: "minute job with a time of day", nextRuns: ["2026-03-02T09:13:00+00:00", "2026-03-02T09:23:00+00:00"] },
      { label: "week job with a time of day", nextRuns: ["2026-03-16T09:03:00+00:00", "2026-03-30T09:03:00+00:00"] },
    ]);
  });

  test("warnings leave check's exit code at 0, and make it 2 with --strict", async () => {
    write({ "ported/warn.ini": PORTED.slice(PORTED.indexOf("[typos]")) });
    const plain = await run(["check", "-P", "ported/warn.ini", "--root", "."]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe("3 jobs OK, 4 warnings in ported/warn.ini\n");
    expect((await run(["check", "-P", "ported/warn.ini", "--root", ".", "--strict"])).code).toBe(2);
  });

  test("an empty job file is a warning, not 0 jobs OK in silence", async () => {
    write({ "ported/empty.ini": "; nothing here yet\n" });
    const r = await run(["check", "-P", "ported/empty.ini"]);
    expect(r).toEqual({
      code: 0,
      stdout: "0 jobs OK, 1 warning in ported/empty.ini\n",
      stderr:
        "ported/empty.ini:1 warning: the job file has no jobs, so nothing is scheduled; write one [label] section per job with key = value lines, e.g. [cleanup] then call = myapp.scheduler.cleanup and every = 10 minutes\n",
    });
  });

  test("a module that does not build shows each error's file, line and message", async () => {
    write({ "broken/scheduler.ini": "[bad]\ncall = jobs.bad.x\nevery = 10 minutes\n", "jobs/bad.ts": "export function x( { return 1 }\nconst y = ;\n" });
    const r = await run(["check", "-P", "broken/scheduler.ini", "--root", "."]);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(
      `broken/scheduler.ini:2 [bad] call: jobs.bad.x: importing ${path.join(t.dir, "jobs", "bad.ts")} failed: ` +
        'jobs/bad.ts:1:29: Expected "}" but found "1"; jobs/bad.ts:1:31: Expected ")" but found "}"; jobs/bad.ts:2:11: Unexpected ;; fix the module so it loads',
    );
  });
});

describe("item 14: help, version, run-job's exit codes, discover's database", () => {
  test("tickd help run is tickd run --help, and tickd -v prints the version", async () => {
    const help = await run(["help", "run"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe((await run(["run", "--help"])).stdout);
    expect(help.stdout).toStartWith("Usage: tickd run ");
    const version = await run(["-v"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^tickd \d+\.\d+\.\d+/);
  });

  test("a callback returning skipped exits 0, as run-job's help says", async () => {
    write({
      "skip/config/scheduler.ini": "[nothing]\ncall = jobs.tasks.nothing\nevery = 1 day\n",
      "skip/jobs/tasks.ts": 'import { Result, STATUS } from "tickd";\nexport function nothing() { return Result(STATUS.skipped, { message: "nothing to do" }); }\n',
    });
    const r = await run(["run-job", "nothing", "-P", "skip/config/scheduler.ini"]);
    expect(r.stdout).toStartWith("nothing: skipped in ");
    expect(r.code).toBe(0);
    expect((await run(["run-job", "--help"])).stdout).toContain("exit 0 on success or skipped, 1 on failure, error or timeout, 2 for an unknown label or a job left out");
  });

  test("an unknown label names the job file as given", async () => {
    const r = await run(["run-job", "nope", "-P", "other/scheduler.ini", "--db", "file:other/label.db"]);
    expect(r.stderr).toBe('run-job: no job labelled "nope" in other/scheduler.ini or among discovered jobs; `tickd list` shows the labels\n');
    expect(r.code).toBe(2);
  });

  test("a job file above the working folder is named as typed, ../ and all; an absolute one stays absolute", async () => {
    write({ "shared/scheduler.ini": "[broken]\nevery = 10 minuets\ncommand = true\n", "tenant/.keep": "" });
    const typed = await tickd(["check", "-P", "../shared/scheduler.ini"], { cwd: path.join(t.dir, "tenant"), env: ENV });
    expect(typed.stderr).toStartWith("../shared/scheduler.ini:2 [broken] every:");
    expect(typed.code).toBe(2);
    const absolute = path.join(t.dir, "shared", "scheduler.ini");
    const given = await tickd(["check", "-P", absolute], { cwd: path.join(t.dir, "tenant"), env: ENV });
    expect(given.stderr).toStartWith(`${absolute}:2 [broken] every:`);
  });

  test("discover that registers nothing creates no database", async () => {
    const r = await run(["discover", "--apps", "apps/empty", "--db", "file:config/discovered.db"]);
    expect(r).toEqual({ code: 0, stdout: "0 jobs added, 0 updated, 0 missing, 0 unchanged; 0 discovered jobs are active\n", stderr: "" });
    expect(existsSync(path.join(t.dir, "config", "discovered.db"))).toBe(false);
  });
});
