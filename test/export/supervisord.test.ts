/**
 * The exported supervisord program, run by a real supervisord when the machine
 * has one (Debian: apt-get install supervisor): it starts tickd on the tenant's
 * config and port, and stops it with TERM within stopwaitsecs.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, tempDir, tickd } from "../helpers/binary.ts";

const hasSupervisord = spawnSync("which", ["supervisord"]).status === 0;
let dir: string;
let cleanup: () => void;


async function healthy(port: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) return true;
    await Bun.sleep(100);
  }
  return false;
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir("tickd-sv-"));
  mkdirSync(path.join(dir, "config"));
  mkdirSync(path.join(dir, "cron"));
  writeFileSync(path.join(dir, "config", "scheduler.ini"), "[tick]\ncommand = true\nevery = 1 second\n");
});
afterEach(() => cleanup());

describe.skipIf(!hasSupervisord)("exported supervisord program under supervisord", () => {
  test("supervisord starts tickd from the script, and `supervisorctl stop` ends it cleanly", async () => {
    const port = await freePort();
    const env = { TICKD_TIMEZONE: "", TICKD_APPS: "", TICKD_DB: "", TICKD_ROOT: "", TICKD_LISTEN: "" };
    const exported = await tickd(["export-supervisord", "cron/scheduler.sh", "-w", "-n", "tickd_t", "--listen", `127.0.0.1:${port}`], { cwd: dir, env });
    expect(exported.code).toBe(0);
    const main = path.join(dir, "supervisord.conf");
    writeFileSync(
      main,
      [
        "[unix_http_server]",
        `file=${dir}/sv.sock`,
        "[supervisord]",
        `logfile=${dir}/supervisord.log`,
        `pidfile=${dir}/supervisord.pid`,
        `childlogdir=${dir}`,
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "[supervisorctl]",
        `serverurl=unix://${dir}/sv.sock`,
        "[include]",
        `files = ${dir}/cron/tickd_t.conf`,
        "",
      ].join("\n"),
    );
    const supervisord = Bun.spawn(["supervisord", "-n", "-c", main], { cwd: dir, stdout: "ignore", stderr: "ignore" });
    const ctl = (...args: string[]) => spawnSync("supervisorctl", ["-c", main, ...args], { encoding: "utf8" });
    try {
      expect(await healthy(port)).toBe(true);
      // RUNNING once the program has stayed up for startsecs (3 s).
      let status = "";
      for (let i = 0; i < 100 && !/RUNNING/.test(status); i++) {
        status = ctl("status", "tickd_t").stdout;
        if (!/RUNNING/.test(status)) await Bun.sleep(100);
      }
      expect(status).toMatch(/^tickd_t\s+RUNNING\s+pid \d+/);
      const stop = ctl("stop", "tickd_t");
      expect(stop.stdout.trim()).toBe("tickd_t: stopped");
      expect(ctl("status", "tickd_t").stdout).toMatch(/^tickd_t\s+STOPPED/);
      // Stopped by TERM, not killed after stopwaitsecs: supervisord logs a clean exit.
      const log = readFileSync(path.join(dir, "supervisord.log"), "utf8");
      expect(log).toMatch(/stopped: tickd_t \(exit status 0\)/);
      expect(log).not.toContain("SIGKILL");
    } finally {
      supervisord.kill("SIGTERM");
      await supervisord.exited;
    }
  }, 30_000);
});
