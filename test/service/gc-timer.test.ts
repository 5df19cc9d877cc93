/**
 * `tickd run` starts with Bun's GC timer at its slow interval
 * (src/runtime/gc-timer.ts): it re-executes itself once, same pid and argv,
 * with BUN_GC_TIMER_INTERVAL set. Nothing here is timed; it checks the
 * process the service runs in.
 */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { BINARY } from "../helpers/binary.ts";
import { startService, writeProject } from "../helpers/service.ts";

test.skipIf(process.platform !== "linux")("tickd run re-executes itself once, in the same process, with Bun's GC timer at 30 s", async () => {
  const project = writeProject("[tick]\ncommand = true\nevery = 1 hour\n");
  const service = await startService(project.dir, ["--no-api", "--config", project.configPath, "--db", `file:${project.dir}/tickd.db`]);
  try {
    const started = service.log().split("\n").find((l) => l.includes('"scheduler.started"'))!;
    // The instance is hostname:pid of the process that started the scheduler: the one spawned, after its exec.
    const pid = Number((JSON.parse(started) as { instance: string }).instance.split(":").pop());
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    expect(environ).toContain("BUN_GC_TIMER_INTERVAL=30000");
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(0, -1);
    expect(argv.slice(0, 2)).toEqual([BINARY, "run"]);
  } finally {
    expect(await service.stop()).toBe(0);
    project.cleanup();
  }
});
