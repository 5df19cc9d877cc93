/**
 * The exported systemd unit runs tickd unprivileged (DynamicUser=yes) with
 * its database in the state folder (StateDirectory=). There is no systemd
 * to start it here, so this does what systemd would: it reads the unit's
 * ExecStart, Environment and WorkingDirectory, makes the state folder for an
 * unprivileged user (nobody), and runs the command as that user with setpriv.
 * The job file's folder stays root's and read-only to it.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freePort, tempDir, tickd } from "../helpers/binary.ts";

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0 && spawnSync("which", ["setpriv"]).status === 0;
let dir: string;
let cleanup: () => void;

beforeEach(() => {
  ({ dir, cleanup } = tempDir("tickd-systemd-"));
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, "app/config"), { recursive: true });
  writeFileSync(path.join(dir, "app/config/scheduler.ini"), "[tick]\ncommand = echo tick\nevery = 1 second\n");
});
afterEach(() => cleanup());

/** `Key=value` lines of a unit, several values per key in order. */
function directives(unit: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of unit.split("\n")) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) map.set(m[1]!, [...(map.get(m[1]!) ?? []), m[2]!]);
  }
  return map;
}

describe.skipIf(!asRoot)("the systemd unit's service, run as systemd would run it", () => {
  test("runs as an unprivileged user, records runs in StateDirectory's database, and writes nothing beside the job file", async () => {
    const port = await freePort();
    const env = { TICKD_TIMEZONE: "", TICKD_APPS: "", TICKD_DB: "", TICKD_ROOT: "", TICKD_LISTEN: "" };
    const exported = await tickd(["export-systemd", "-n", "tickd_t", "--listen", `127.0.0.1:${port}`], { cwd: path.join(dir, "app"), env });
    expect(exported.code).toBe(0);
    const unit = directives(exported.stdout.split("\n# ==> ")[0]!);
    expect(unit.get("DynamicUser")).toEqual(["yes"]);
    expect(unit.get("StateDirectory")).toEqual(["tickd/tickd_t"]);

    // systemd: %S is /var/lib; the state folder is made and given to the service's user.
    const stateRoot = path.join(dir, "var-lib");
    const stateDir = path.join(stateRoot, unit.get("StateDirectory")![0]!);
    mkdirSync(stateDir, { recursive: true });
    chownSync(stateDir, NOBODY, NOBODY);
    const environment = Object.fromEntries(unit.get("Environment")!.map((e) => e.replaceAll("%S", stateRoot).split(/=(.*)/s).slice(0, 2) as [string, string]));
    expect(Object.keys(environment)).toEqual(["TICKD_DB"]);
    const exec = unit.get("ExecStart")![0]!.split(" ");
    const before = readdirSync(path.join(dir, "app/config"));

    const service = Bun.spawn(["setpriv", `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", "--", ...exec], {
      cwd: unit.get("WorkingDirectory")![0]!,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...environment },
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      let runs = 0;
      for (let i = 0; i < 100 && runs < 2; i++) {
        await Bun.sleep(100);
        const r = await fetch(`http://127.0.0.1:${port}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: '{ job(label: "tick") { activities(first: 5) { edges { node { status } } } } }' }),
        }).then((res) => res.json() as Promise<{ data?: { job?: { activities: { edges: { node: { status: string } }[] } } } }>, () => undefined);
        runs = r?.data?.job?.activities.edges.filter((e) => e.node.status.toLowerCase() === "success").length ?? 0;
      }
      if (runs < 2) {
        service.kill("SIGTERM");
        throw new Error(`no runs: ${await new Response(service.stderr).text()} ${await new Response(service.stdout).text()}`);
      }
    } finally {
      service.kill("SIGTERM");
    }
    const code = await service.exited;
    const stderr = await new Response(service.stderr).text();
    // The log (stderr) has no warning or error: nothing it needed to write was refused.
    expect(stderr.split("\n").filter((l) => /^\S+ (WARN|ERROR)/.test(l))).toEqual([]);
    expect(stderr).toContain("INFO  stopped code=0");
    expect(code).toBe(0);
    const db = path.join(stateDir, "scheduler.db");
    expect(existsSync(db)).toBe(true);
    expect(statSync(db).uid).toBe(NOBODY);
    expect(readdirSync(path.join(dir, "app/config"))).toEqual(before);
    expect(readFileSync(db).subarray(0, 15).toString()).toBe("SQLite format 3");
  }, 30_000);
});
