/**
 * `tickd run` as an operator runs it: the compiled binary on a temp project,
 * real timers, a real database file read back row by row afterwards.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import { BINARY, tempDir, tickd } from "../helpers/binary.ts";

const JOBS_TS = `
import { Result, STATUS } from "tickd";
export function ok(kwargs, ctx) {
  ctx.log("hello", kwargs.who);
  return Result(STATUS.success, { message: "fine", output: "out" });
}
export function boom() {
  throw new Error("kaboom");
}
export function hang(_kwargs, ctx) {
  return new Promise(() => {});
}
`;

const INI = `
[ok]
call = app.jobs.ok
every = 1 second
who = world

[boom]
call = app.jobs.boom
every = 1 second

[hang]
call = app.jobs.hang
every = 1 second
timeout = 1500 ms

[off]
call = app.jobs.ok
every = 1 second
active = no

[missing]
call = app.jobs.nothere
every = 1 second
`;

interface Row {
  run_id: string;
  label: string;
  scheduled_for: number;
  started_at: number;
  ended_at: number | null;
  status: string;
  message: string;
  output: string;
  error: string;
  attempt: number;
  trigger: string;
  instance: string;
}

function project(ini: string): { dir: string; db: string; cleanup: () => void } {
  const t = tempDir("tickd-run-");
  mkdirSync(path.join(t.dir, "config"));
  mkdirSync(path.join(t.dir, "app"));
  writeFileSync(path.join(t.dir, "app", "jobs.ts"), JOBS_TS);
  writeFileSync(path.join(t.dir, "config", "scheduler.ini"), ini);
  return { ...t, db: path.join(t.dir, "config", "scheduler.db") };
}

async function readRows(db: string): Promise<Row[]> {
  const client = createClient({ url: `file:${db}` });
  try {
    const rs = await client.execute("SELECT * FROM activity ORDER BY label, scheduled_for, attempt");
    return rs.rows.map((r) => ({
      run_id: String(r.run_id),
      label: String(r.label),
      scheduled_for: Number(r.scheduled_for),
      started_at: Number(r.started_at),
      ended_at: r.ended_at === null ? null : Number(r.ended_at),
      status: String(r.status),
      message: String(r.message),
      output: String(r.output),
      error: String(r.error),
      attempt: Number(r.attempt),
      trigger: String(r.trigger),
      instance: String(r.instance),
    }));
  } finally {
    client.close();
  }
}

function start(dir: string, args: string[]) {
  return Bun.spawn([BINARY, "run", "--no-api", ...args], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, TZ: "UTC" } });
}

/** Resolve once the service logged that it started (or fail after 10 s). */
async function started(proc: ReturnType<typeof start>): Promise<{ log: () => string }> {
  let text = "";
  const reader = proc.stderr.getReader();
  const decoder = new TextDecoder();
  let ready = false;
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
  })();
  for (let i = 0; i < 200 && !ready; i++) {
    ready = text.includes("scheduler.started");
    if (!ready) await Bun.sleep(50);
  }
  if (!ready) throw new Error(`tickd run did not start:\n${text}`);
  return { log: () => text };
}

describe("tickd run", () => {
  let p: ReturnType<typeof project>;
  let rows: Row[];
  let code: number;
  let log: string;

  beforeAll(async () => {
    p = project(INI);
    const proc = start(p.dir, ["--grace", "5 seconds", "--log-format", "json"]);
    const s = await started(proc);
    await Bun.sleep(4_200);
    proc.kill("SIGTERM");
    code = await proc.exited;
    await Bun.sleep(50);
    log = s.log();
    rows = await readRows(p.db);
  }, 30_000);
  afterAll(() => p.cleanup());

  test("SIGTERM drains and exits 0", () => {
    expect(code).toBe(0);
    expect(log).toContain('"event":"stopped"');
  });

  test("the job that succeeds ran every second, on the second grid, each run recorded with its message and captured output", () => {
    const ok = rows.filter((r) => r.label === "ok");
    expect(ok.length).toBeGreaterThanOrEqual(3);
    for (const [i, r] of ok.entries()) {
      expect(r).toMatchObject({ status: "success", message: "fine", output: "hello world\nout", error: "", attempt: 1, trigger: "schedule" });
      // Started at its occurrence, not before; and within that second (how punctual is bench/'s to say, not a test's).
      expect(r.started_at - r.scheduled_for).toBeGreaterThanOrEqual(0);
      expect(r.started_at - r.scheduled_for).toBeLessThan(1000);
      expect(r.ended_at!).toBeGreaterThanOrEqual(r.started_at);
      // Nothing missing: consecutive occurrences, exactly one second apart.
      if (i > 0) expect(r.scheduled_for - ok[i - 1]!.scheduled_for).toBe(1000);
    }
  });

  test("the job that throws is recorded as error with the exception and its stack", () => {
    const boom = rows.filter((r) => r.label === "boom");
    expect(boom.length).toBeGreaterThanOrEqual(3);
    for (const r of boom) {
      expect(r.status).toBe("error");
      expect(r.message).toBe("Error: kaboom");
      expect(r.error).toContain("Error: kaboom");
      expect(r.error).toContain("jobs.ts");
    }
  });

  test("the job hanging past its 1.5 s timeout is recorded as timeout, the occurrences due meanwhile as skipped", () => {
    const hang = rows.filter((r) => r.label === "hang");
    const timeouts = hang.filter((r) => r.status === "timeout");
    expect(timeouts.length).toBeGreaterThanOrEqual(2);
    for (const r of timeouts) {
      expect(r.message).toBe("timed out after 1.5 s");
      expect(r.ended_at! - r.started_at).toBeGreaterThanOrEqual(1500);
      expect(r.ended_at! - r.started_at).toBeLessThan(2000);
    }
    expect(hang.filter((r) => r.status === "skipped").every((r) => r.message.includes("overlap = skip"))).toBe(true);
    expect(new Set(hang.map((r) => r.status))).toEqual(new Set(["timeout", "skipped"]));
  });

  test("the inactive job and the job with a missing callback never ran; the missing callback is logged with file and line", () => {
    expect(rows.filter((r) => r.label === "off" || r.label === "missing")).toEqual([]);
    expect(log).toContain("scheduler.ini:22 [missing] call:");
  });

  test("nothing is left running, nothing doubled", () => {
    expect(rows.filter((r) => r.status === "running" || r.ended_at === null)).toEqual([]);
    expect(new Set(rows.map((r) => r.run_id)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => `${r.label}|${r.scheduled_for}|${r.attempt}`)).size).toBe(rows.length);
  });

  test("one log line per run start and per run end, as JSON", () => {
    const events = log
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { event: string; label?: string; status?: string; lateMs?: number; durationMs?: number });
    const finished = events.filter((e) => e.event === "run.finished");
    expect(finished.length).toBe(rows.length);
    expect(events.filter((e) => e.event === "run.started").length).toBe(rows.filter((r) => r.status !== "skipped").length);
    expect(finished.every((e) => typeof e.durationMs === "number" && typeof e.status === "string")).toBe(true);
  });
});

describe("tickd run after kill -9", () => {
  test("a run cut off by kill -9 is recorded as abandoned at the next start, and no finished run is lost", async () => {
    const p = project(INI.replace("timeout = 1500 ms\n", ""));
    try {
      const first = start(p.dir, ["--log-format", "json"]);
      const s1 = await started(first);
      await Bun.sleep(2_600);
      first.kill("SIGKILL");
      await first.exited;
      const finishedBeforeKill = s1
        .log()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { event: string; runId?: string; status?: string })
        .filter((e) => e.event === "run.finished");
      expect(finishedBeforeKill.length).toBeGreaterThanOrEqual(4);

      const second = start(p.dir, ["--log-format", "json", "--grace", "0 seconds"]);
      const s2 = await started(second);
      await Bun.sleep(1_300);
      second.kill("SIGTERM");
      expect(await second.exited).toBe(0);
      expect(s2.log()).toContain('"event":"runs.abandoned"');

      const rows = await readRows(p.db);
      const byId = new Map(rows.map((r) => [r.run_id, r]));
      for (const e of finishedBeforeKill) expect(byId.get(e.runId!)?.status).toBe(e.status);
      const hang = rows.filter((r) => r.label === "hang" && r.status !== "skipped");
      expect(hang.map((r) => r.status)).toEqual(["abandoned", "error"]);
      expect(hang[0]!.ended_at).not.toBeNull();
      expect(hang[1]!.message).toBe("aborted at shutdown");
      expect(rows.filter((r) => r.status === "running")).toEqual([]);
      expect(new Set(rows.map((r) => `${r.label}|${r.scheduled_for}|${r.attempt}`)).size).toBe(rows.length);
    } finally {
      p.cleanup();
    }
  }, 30_000);
});

describe("tickd run start-up errors", () => {
  test("a missing job file exits 2 with a message naming it", async () => {
    const t = tempDir();
    try {
      const r = await tickd(["run", "--no-api", "--config", path.join(t.dir, "nope.ini")], { cwd: t.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("nope.ini");
    } finally {
      t.cleanup();
    }
  });

  test("--grace with a bad duration is bad usage (exit 2)", async () => {
    const r = await tickd(["run", "--grace", "soon"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--grace: "soon" is not a duration');
  });

  test("--help lists the service flags", async () => {
    const r = await tickd(["run", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--listen", "--tokens", "--no-api", "--keep", "--grace", "--instance", "--apps", "--module-name", "--log-format"]) expect(r.stdout).toContain(flag);
  });
});

describe("tickd run with the API", () => {
  test("serves /healthz on the --listen address, reloads on SIGHUP, and exits 0 on SIGTERM", async () => {
    const p = project("[ok]\ncall = app.jobs.ok\nevery = 1 hour\n");
    try {
      const proc = Bun.spawn([BINARY, "run", "--listen", "127.0.0.1:0", "--log-format", "json"], { cwd: p.dir, stdout: "pipe", stderr: "pipe" });
      const s = await started(proc);
      const listening = s
        .log()
        .split("\n")
        .filter((l) => l.includes('"api.listening"'))
        .map((l) => JSON.parse(l) as { url: string })[0]!;
      const health = await fetch(`${listening.url}/healthz`);
      expect(health.status).toBe(200);
      writeFileSync(path.join(p.dir, "config", "scheduler.ini"), "[ok]\ncall = app.jobs.ok\nevery = 1 hour\n\n[more]\ncall = app.jobs.ok\nevery = 2 hours\n");
      proc.kill("SIGHUP");
      for (let i = 0; i < 100 && !s.log().includes('"event":"reloaded"'); i++) await Bun.sleep(20);
      expect(s.log()).toContain('"event":"reloaded","added":"more"');
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    } finally {
      p.cleanup();
    }
  }, 30_000);
});
