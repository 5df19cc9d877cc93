/**
 * An operator who switches a job-file job off in the dashboard expects it to
 * stay off when the service restarts or reloads, until someone changes the
 * job's `active` in the file. Runs the compiled binary with its API.
 */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { startService, writeProject, type Service } from "../helpers/service.ts";

const JOB = "[nightly]\ncall = app.jobs.ok\nevery = 1 hour\n";
const ACTIVE = `{ job(label: "nightly") { active nextRunAt } }`;

async function stop(svc: Service): Promise<void> {
  expect(await svc.stop()).toBe(0);
}

describe("switching a job-file job on or off", () => {
  test("a job switched off stays off across a restart and a reload, until the file's active changes", async () => {
    const p = writeProject(JOB, { "app/jobs.ts": "export function ok() {}\n" });
    try {
      let svc = await startService(p.dir);
      const off = await svc.gql(`mutation { deactivateJob(label: "nightly") { active } }`);
      expect(off.data?.deactivateJob).toEqual({ active: false });
      await stop(svc);

      svc = await startService(p.dir);
      expect((await svc.gql(ACTIVE)).data?.job).toEqual({ active: false, nextRunAt: null });
      // A reload of an unchanged file keeps the operator's choice.
      writeFileSync(p.configPath, `${JOB}description = still here\n`);
      expect((await svc.gql(`mutation { reloadConfig { updated } }`)).errors).toBeUndefined();
      expect((await svc.gql(ACTIVE)).data?.job.active).toBe(false);
      await stop(svc);

      // The file now says `active = no` then `yes` again: the file speaks last and wins.
      writeFileSync(p.configPath, `${JOB}active = no\n`);
      svc = await startService(p.dir);
      expect((await svc.gql(ACTIVE)).data?.job.active).toBe(false);
      writeFileSync(p.configPath, `${JOB}active = yes\n`);
      expect((await svc.gql(`mutation { reloadConfig { updated } }`)).errors).toBeUndefined();
      const back = (await svc.gql(ACTIVE)).data?.job;
      expect(back.active).toBe(true);
      expect(typeof back.nextRunAt).toBe("string");
      await stop(svc);
    } finally {
      p.cleanup();
    }
  }, 60_000);
});
