/** `tickd run-job LABEL` on the compiled binary: once, now, recorded, exit code by outcome. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import { tempDir, tickd } from "../helpers/binary.ts";

const JOBS_TS = `
import { Result, STATUS } from "tickd";
export function greet(kwargs, ctx) {
  ctx.log("greeting", kwargs.who);
  return Result(STATUS.success, { message: "said hello" });
}
export function fail() {
  return Result(STATUS.failure, { message: "3 mailboxes full", output: "a, b, c" });
}
export function boom() {
  throw new TypeError("no such table");
}
export function slow() {
  return new Promise(() => {});
}
`;

const INI = `[greet]
call = app.jobs.greet
every = 1 day
who = Ada
active = no

[fail]
call = app.jobs.fail
every = 1 day

[boom]
call = app.jobs.boom
every = 1 day

[slow]
call = app.jobs.slow
every = 1 day
timeout = 300 ms

[typo]
call = app.jobs.greeet
every = 1 day
`;

let t: ReturnType<typeof tempDir>;
beforeAll(() => {
  t = tempDir("tickd-run-job-");
  mkdirSync(path.join(t.dir, "config"));
  mkdirSync(path.join(t.dir, "app"));
  writeFileSync(path.join(t.dir, "app", "jobs.ts"), JOBS_TS);
  writeFileSync(path.join(t.dir, "config", "scheduler.ini"), INI);
});
afterAll(() => t.cleanup());

async function rows(label: string) {
  const client = createClient({ url: `file:${path.join(t.dir, "config", "scheduler.db")}` });
  try {
    return (await client.execute({ sql: "SELECT status, message, output, trigger, attempt, ended_at FROM activity WHERE label = ?", args: [label] })).rows.map((r) => ({ ...r }));
  } finally {
    client.close();
  }
}

describe("tickd run-job", () => {
  test("runs an inactive job once, now, prints the result, records a manual run and exits 0", async () => {
    const r = await tickd(["run-job", "greet"], { cwd: t.dir });
    expect(r.code).toBe(0);
    // The ctx.log line as it came, then the summary, which does not show it again.
    expect(r.stdout).toMatch(/^greeting Ada\ngreet: success in \d+ ms\nmessage: said hello\n$/);
    expect(r.stderr).toBe("running [greet] …\n");
    expect(await rows("greet")).toMatchObject([{ status: "success", message: "said hello", output: "greeting Ada", trigger: "manual", attempt: 1 }]);
  });

  test("a failure exits 1 and prints message and output", async () => {
    const r = await tickd(["run-job", "fail"], { cwd: t.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("fail: failure in");
    expect(r.stdout).toContain("message: 3 mailboxes full\noutput:\n  a, b, c");
  });

  test("an exception exits 1 and prints the stack", async () => {
    const r = await tickd(["run-job", "boom"], { cwd: t.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("message: TypeError: no such table");
    expect(r.stdout).toContain("jobs.ts");
    expect(await rows("boom")).toMatchObject([{ status: "error" }]);
  });

  test("a timeout exits 1", async () => {
    const r = await tickd(["run-job", "slow"], { cwd: t.dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("slow: timeout in");
    expect(await rows("slow")).toMatchObject([{ status: "timeout", message: "timed out after 300 ms" }]);
  });

  test("an unknown label exits 2 and says where labels are listed", async () => {
    const r = await tickd(["run-job", "nightly backup"], { cwd: t.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no job labelled "nightly backup"');
  });

  test("a job the file leaves out (callback not found) exits 2 with the file, line and reason", async () => {
    const r = await tickd(["run-job", "typo"], { cwd: t.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("scheduler.ini:21 [typo] call:");
    expect(await rows("typo")).toEqual([]);
  });

  test("no label is bad usage", async () => {
    const r = await tickd(["run-job"], { cwd: t.dir });
    expect(r.code).toBe(2);
  });
});
