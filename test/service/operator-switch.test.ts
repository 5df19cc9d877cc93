/**
 * An operator who switches a job-file job off in the dashboard expects it to
 * stay off when the service restarts or reloads, until someone changes the
 * job's `active` in the file. Runs the compiled binary with its API.
 */
import { describe, expect, test } from "bun:test";
import path from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { BINARY, tempDir } from "../helpers/binary.ts";

const JOBS = `export function ok() {}\n`;

function project(ini: string) {
  const t = tempDir("tickd-switch-");
  mkdirSync(path.join(t.dir, "config"));
  mkdirSync(path.join(t.dir, "app"));
  writeFileSync(path.join(t.dir, "app", "jobs.ts"), JOBS);
  writeFileSync(path.join(t.dir, "config", "scheduler.ini"), ini);
  return t;
}

/** Start `tickd run` on a free port; resolve with its URL and a way to stop it. */
async function serve(dir: string) {
  const proc = Bun.spawn([BINARY, "run", "--listen", "127.0.0.1:0", "--log-format", "json"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  let log = "";
  const reader = proc.stderr.getReader();
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      log += new TextDecoder().decode(value);
    }
  })();
  for (let i = 0; i < 200 && !log.includes("scheduler.started"); i++) await Bun.sleep(50);
  const line = log.split("\n").find((l) => l.includes('"api.listening"'));
  if (!line) throw new Error(`tickd run did not start:\n${log}`);
  const url = (JSON.parse(line) as { url: string }).url;
  return {
    url,
    log: () => log,
    async gql(query: string) {
      const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      return (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
    },
    async stop() {
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    },
  };
}

const ACTIVE = `{ job(label: "nightly") { active nextRunAt } }`;

describe("switching a job-file job on or off", () => {
  test("a job switched off stays off across a restart and a reload, until the file's active changes", async () => {
    const p = project("[nightly]\ncall = app.jobs.ok\nevery = 1 hour\n");
    try {
      let svc = await serve(p.dir);
      const off = await svc.gql(`mutation { deactivateJob(label: "nightly") { active } }`);
      expect(off.data?.deactivateJob).toEqual({ active: false });
      await svc.stop();

      svc = await serve(p.dir);
      expect((await svc.gql(ACTIVE)).data?.job).toEqual({ active: false, nextRunAt: null });
      // A reload of an unchanged file keeps the operator's choice.
      writeFileSync(path.join(p.dir, "config", "scheduler.ini"), "[nightly]\ncall = app.jobs.ok\nevery = 1 hour\ndescription = still here\n");
      expect((await svc.gql(`mutation { reloadConfig { updated } }`)).errors).toBeUndefined();
      expect((await svc.gql(ACTIVE)).data?.job.active).toBe(false);
      await svc.stop();

      // The file now says `active = no` then `yes` again: the file speaks last and wins.
      writeFileSync(path.join(p.dir, "config", "scheduler.ini"), "[nightly]\ncall = app.jobs.ok\nevery = 1 hour\nactive = no\n");
      svc = await serve(p.dir);
      expect((await svc.gql(ACTIVE)).data?.job.active).toBe(false);
      writeFileSync(path.join(p.dir, "config", "scheduler.ini"), "[nightly]\ncall = app.jobs.ok\nevery = 1 hour\nactive = yes\n");
      expect((await svc.gql(`mutation { reloadConfig { updated } }`)).errors).toBeUndefined();
      const back = (await svc.gql(ACTIVE)).data?.job;
      expect(back.active).toBe(true);
      expect(typeof back.nextRunAt).toBe("string");
      await svc.stop();
    } finally {
      p.cleanup();
    }
  }, 60_000);
});
