/**
 * `--json` on the commands a script reads, with the names the GraphQL API
 * gives the same things (src/cli/json.ts): every key a run or a diagnostic
 * prints is a field of its type in schema/schema.graphql — the run's type is
 * Activity (Run once renamed; either is accepted) — so a field renamed on one
 * side and not the other fails here.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { optionKeys } from "../../src/config/keys.ts";
import { tempDir, tickd } from "../helpers/binary.ts";
import { startService, type Service } from "../helpers/service.ts";

const SDL = readFileSync(path.join(import.meta.dir, "../../schema/schema.graphql"), "utf8");

/** The field names of `type NAME` (or `enum NAME`'s values) in the printed schema; undefined when there is no such type. */
function schemaNames(kind: "type" | "enum", name: string): string[] | undefined {
  const body = new RegExp(`^${kind} ${name}\\b[^{]*\\{\\n([\\s\\S]*?)^\\}`, "m").exec(SDL)?.[1];
  if (body === undefined) return undefined;
  // Drop descriptions ("""…""" blocks and "…" lines), then take each line's leading name.
  const lines = body.replace(/"""[\s\S]*?"""/g, "").split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith('"'));
  // A field's arguments may span lines, "(" to ")": only names outside them are fields.
  const names: string[] = [];
  let depth = 0;
  for (const line of lines) {
    if (depth === 0) names.push(/^([A-Za-z_]\w*)/.exec(line)![1]!);
    depth += (line.match(/\(/g) ?? []).length - (line.match(/\)/g) ?? []).length;
  }
  return names;
}

/** The API's run type: Activity today, Run after the rename. */
const RUN_FIELDS = schemaNames("type", "Run") ?? schemaNames("type", "Activity")!;

let t: ReturnType<typeof tempDir>;
beforeAll(() => {
  t = tempDir("tickd-json-");
  mkdirSync(path.join(t.dir, "config"));
  mkdirSync(path.join(t.dir, "app"));
  writeFileSync(path.join(t.dir, "app", "jobs.ts"), 'import { Result, STATUS } from "tickd";\nexport function hello(kwargs, ctx) { ctx.log("hi"); return Result(STATUS.success, { message: "said hi" }); }\n');
  writeFileSync(
    path.join(t.dir, "config", "scheduler.ini"),
    "[hello]\ncall = app.jobs.hello\nevery = 1 day\n\n[echo]\ncommand = echo out; echo err >&2\nevery = 1 day\n\n[typo]\ncall = app.jobs.helo\nevery = 1 day\n\n[never]\ncommand = true\ncron = 0 0 30 2 *\n",
  );
});
afterAll(() => t.cleanup());

describe("runs: history --json and run-job --json", () => {
  test("the schema has the run type this test reads", () => {
    expect(RUN_FIELDS).toContain("runId");
    expect(RUN_FIELDS).toContain("scheduledFor");
  });

  test("run-job --json prints the recorded run, and history --json the same object, every key a field of the API's run", async () => {
    const ran = await tickd(["run-job", "hello", "--json", "--kwarg", "who=Ada"], { cwd: t.dir });
    expect(ran.code).toBe(0);
    const run = JSON.parse(ran.stdout) as Record<string, unknown>;
    // stdout is the JSON alone: the running line and the streamed ctx.log line are on stderr.
    expect(ran.stderr).toBe("running [hello] …\nhi\n");
    expect(run).toMatchObject({ label: "hello", status: "success", message: "said hi", output: "hi", error: "", attempt: 1, trigger: "manual", kwargs: { who: "Ada" } });
    for (const key of Object.keys(run)) expect(RUN_FIELDS).toContain(key);
    // The API's enum names are tickd's values upper-cased.
    expect(schemaNames("enum", "Status")).toContain(String(run.status).toUpperCase());
    expect(schemaNames("enum", "Trigger")).toContain(String(run.trigger).toUpperCase());
    // Instants as the API's DateTime serialises them.
    for (const key of ["scheduledFor", "startedAt", "endedAt"]) expect(run[key]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(run.duration).toBe(Date.parse(run.endedAt as string) - Date.parse(run.startedAt as string));
    expect(run.lateness).toBe(Date.parse(run.startedAt as string) - Date.parse(run.scheduledFor as string));

    const history = await tickd(["history", "hello", "--json"], { cwd: t.dir });
    expect((JSON.parse(history.stdout) as unknown[])[0]).toEqual(run);
  });

  test.each(["chatty", "chatty here"])("[%s] (in its worker, in process): a callback's console.log under --json goes to stderr, and stdout is the JSON alone", async (label) => {
    const c = tempDir("tickd-json-console-");
    let ran: Awaited<ReturnType<typeof tickd>>;
    try {
      mkdirSync(path.join(c.dir, "config"));
      mkdirSync(path.join(c.dir, "app"));
      writeFileSync(path.join(c.dir, "app", "jobs.ts"), 'export function chatty() { console.log("printed by console.log"); console.info("and console.info"); }\n');
      writeFileSync(path.join(c.dir, "config", "scheduler.ini"), "[chatty]\ncall = app.jobs.chatty\nevery = 1 day\n\n[chatty here]\ncall = app.jobs.chatty\nevery = 1 day\nisolate = none\n");
      ran = await tickd(["run-job", label, "--json"], { cwd: c.dir });
    } finally {
      c.cleanup();
    }
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ label, status: "success" });
    expect(ran.stderr).toContain("printed by console.log\n");
    expect(ran.stderr).toContain("and console.info\n");
  });

  test("a command's run under --json: its stdout and stderr go to stderr, the record keeps both", async () => {
    const ran = await tickd(["run-job", "echo", "--json"], { cwd: t.dir });
    expect(ran.code).toBe(0);
    expect(ran.stderr).toStartWith("running [echo] …\n");
    expect(ran.stderr).toContain("out\n");
    expect(ran.stderr).toContain("err\n");
    const run = JSON.parse(ran.stdout) as { output: string; message: string };
    expect(run.output.split("\n").sort()).toEqual(["", "err", "out"]);
  });
});

describe("jobs: list --json and next --json", () => {
  test("each job's keys are fields of the API's Job (or job-file options named as the key table names them, which the API shows for some)", async () => {
    const r = await tickd(["list", "--json"], { cwd: t.dir });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    const jobFields = schemaNames("type", "Job")!;
    const options = optionKeys().map((row) => row.field as string);
    const jobs = rows.filter((row) => row.error === undefined);
    // list never imports job code: the callback that is not there is listed too.
    expect(jobs.map((j) => j.label)).toEqual(["hello", "echo", "typo", "never"]);
    for (const job of jobs) for (const key of Object.keys(job)) expect(key === "warning" || jobFields.includes(key) || options.includes(key)).toBe(true);
    expect(jobs[0]).toMatchObject({ kind: "call", callback: "app.jobs.hello", command: null, source: "ini", activeBy: "file", schedule: { kind: "every", every: "day", interval: 1, unit: "day" } });
    // Values are tickd's, which the API's enums name in upper case.
    expect(schemaNames("enum", "JobKind")).toContain(String(jobs[0]!.kind).toUpperCase());
    expect(schemaNames("enum", "ActiveBy")).toContain(String(jobs[0]!.activeBy).toUpperCase());
    expect(schemaNames("enum", "ScheduleUnit")).toContain(String((jobs[0]!.schedule as { intervalUnit: string }).intervalUnit).toUpperCase());
    // The schedule has the fields of the API's Schedule.
    expect(Object.keys(jobs[0]!.schedule as object).sort()).toEqual([...schemaNames("type", "Schedule")!].sort());
  });

  test("next --json names the runs nextRuns, as the API's Job does", async () => {
    const r = await tickd(["next", "--json", "--count", "1", "--from", "2026-12-01T00:00:00Z", "--timezone", "UTC"], { cwd: t.dir });
    const rows = JSON.parse(r.stdout) as { label: string; nextRuns?: string[] }[];
    expect(rows[0]).toEqual({ label: "hello", nextRuns: ["2026-12-02T00:00:00+00:00"] });
    expect(schemaNames("type", "Job")).toContain("nextRuns");
  });
});

describe("check --json", () => {
  test("ok, the jobs that pass, and each problem and warning as the API's Diagnostic; exit 2 as without it", async () => {
    const r = await tickd(["check", "--json"], { cwd: t.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as { ok: boolean; jobs: string[]; problems: Record<string, unknown>[]; warnings: Record<string, unknown>[] };
    expect(report.ok).toBe(false);
    expect(report.jobs).toEqual(["hello", "echo", "never"]);
    expect(report.problems).toEqual([
      { file: "config/scheduler.ini", line: 10, label: "typo", key: "call", code: expect.any(String), message: expect.stringContaining("helo") },
    ]);
    expect(report.warnings).toHaveLength(1);
    expect(report.warnings[0]).toMatchObject({ label: "never", line: expect.any(Number), message: expect.stringContaining("never") });
    const fields = schemaNames("type", "Diagnostic")!;
    // The Diagnostic's fields (not its kind: the code as an enum, which the code already says).
    for (const d of [...report.problems, ...report.warnings]) {
      expect(Object.keys(d).sort()).toEqual(["code", "file", "key", "label", "line", "message"]);
      for (const key of Object.keys(d)) expect(fields).toContain(key);
    }
  });

  test("a job file that is fine: ok, exit 0; --strict makes a warning fail, in JSON as in text", async () => {
    writeFileSync(path.join(t.dir, "fine.ini"), "[a]\ncommand = true\nevery = 1 hour\n");
    const fine = await tickd(["check", "-P", "fine.ini", "--json"], { cwd: t.dir });
    expect(fine.code).toBe(0);
    expect(JSON.parse(fine.stdout)).toEqual({ ok: true, jobs: ["a"], problems: [], warnings: [] });
    writeFileSync(path.join(t.dir, "warn.ini"), "[b]\ncommand = true\ncron = 0 0 30 2 *\n");
    const lax = await tickd(["check", "-P", "warn.ini", "--json"], { cwd: t.dir });
    expect([lax.code, JSON.parse(lax.stdout).ok]).toEqual([0, true]);
    const strict = await tickd(["check", "-P", "warn.ini", "--json", "--strict"], { cwd: t.dir });
    expect([strict.code, JSON.parse(strict.stdout).ok]).toEqual([2, false]);
  });

  test("a job file that is not there is one problem at line 0", async () => {
    const r = await tickd(["check", "-P", "nope.ini", "--json"], { cwd: t.dir });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, jobs: [], problems: [{ file: "nope.ini", line: 0, code: "config-missing" }], warnings: [] });
  });
});

describe("the controls and the database commands", () => {
  test("pause, resume, cancel and backfill --json print the API's answer, a cancelled run as runs are printed", async () => {
    const p = tempDir("tickd-json-service-");
    let service: Service | undefined;
    try {
      mkdirSync(path.join(p.dir, "config"));
      writeFileSync(path.join(p.dir, "config", "scheduler.ini"), "[report]\ncommand = true\nevery = 1 hour\n\n[slow]\ncommand = sleep 30\nevery = 1 second\n");
      service = await startService(p.dir, ["--grace", "1 second"]);
      const cli = (...args: string[]) => tickd([...args, "--json"], { cwd: p.dir, env: { TICKD_URL: service!.url! } });

      const paused = await cli("pause", "report", "--note", "deploy", "--until", "2030-01-01T00:00:00Z");
      expect(paused.code).toBe(0);
      const pausedJob = JSON.parse(paused.stdout) as object;
      expect(pausedJob).toEqual({ label: "report", active: false, nextRunAt: null, pause: { note: "deploy", by: "admin via cli", at: expect.any(String), until: "2030-01-01T00:00:00.000Z" } });
      const resumed = JSON.parse((await cli("resume", "report")).stdout);
      expect(resumed).toMatchObject({ label: "report", active: true, pause: null, nextRunAt: expect.stringMatching(/Z$/) });
      for (const key of [...Object.keys(pausedJob), ...Object.keys(resumed)]) expect(schemaNames("type", "Job")).toContain(key);

      const dry = await cli("backfill", "report", "--from", "2026-11-01T00:00:00Z", "--to", "2026-11-01T05:59:59Z", "--dry-run");
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({ label: "report", count: 6, skipped: 0, done: 0, state: "dry_run" });

      let runId: string | undefined;
      for (let i = 0; i < 100 && runId === undefined; i++) {
        runId = (JSON.parse((await tickd(["history", "slow", "--status", "running", "--json"], { cwd: p.dir })).stdout) as { runId: string }[])[0]?.runId;
        if (runId === undefined) await Bun.sleep(100);
      }
      const cancelled = await cli("cancel", runId!);
      expect(cancelled.code).toBe(0);
      const run = JSON.parse(cancelled.stdout) as Record<string, unknown>;
      expect(Object.keys(run)).toEqual(Object.keys(JSON.parse((await tickd(["history", "--json", "--limit", "1"], { cwd: p.dir })).stdout)[0]));
      expect(run).toMatchObject({ runId, label: "slow", status: "cancelled", trigger: "schedule", message: expect.stringContaining("cancelled by") });
    } finally {
      await service?.stop();
      p.cleanup();
    }
  }, 30_000);

  test("backup, restore and migrate --json", async () => {
    const migrated = JSON.parse((await tickd(["migrate", "--json"], { cwd: t.dir })).stdout) as { applied: string[]; known: string[] };
    expect(migrated.known.length).toBeGreaterThan(0);
    const backup = await tickd(["backup", "--to", "copy.db", "--json"], { cwd: t.dir });
    expect(backup.code).toBe(0);
    expect(JSON.parse(backup.stdout)).toEqual({ file: expect.stringContaining("copy.db"), bytes: expect.any(Number), runs: expect.any(Number), jobs: expect.any(Number) });
    const restore = await tickd(["restore", "--from", "copy.db", "--json"], { cwd: t.dir });
    expect(restore.code).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ file: expect.any(String), runs: expect.any(Number), kept: expect.any(String) });
  });
});
