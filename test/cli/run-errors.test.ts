/**
 * Operator mistakes when starting the service get one clear line and an exit
 * code, never a stack trace, and nothing is written before the check.
 */
import { afterEach, describe, expect, test } from "bun:test";
import path from "node:path";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { tickd } from "../helpers/binary.ts";
import { writeProject } from "../helpers/service.ts";

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

/** A project with one valid job, removed after the test. */
function project() {
  const p = writeProject("[ok]\ncall = app.jobs.ok\nevery = 1 hour\n", { "app/jobs.ts": "export function ok() {}\n" });
  cleanup = p.cleanup;
  return p;
}

describe("tickd run refuses to start", () => {
  test("on a port that is in use, saying so and what to do, exit 1", async () => {
    const p = project();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await tickd(["run", "--listen", `127.0.0.1:${port}`], { cwd: p.dir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`tickd run: cannot listen on 127.0.0.1:${port}: the port is in use (another tickd?); stop it or choose another with --listen HOST:PORT`);
      expect(r.stderr).not.toContain("    at ");
    } finally {
      blocker.close();
    }
  });

  test("with a malformed --listen before it creates the database, exit 2", async () => {
    const p = project();
    const r = await tickd(["run", "--listen", "127.0.0.1:99999"], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--listen "127.0.0.1:99999": expected HOST:PORT');
    expect(existsSync(path.join(p.dir, "config", "scheduler.db"))).toBe(false);
  });

  test("on a non-loopback address without --tokens, naming the reason, exit 2", async () => {
    const p = project();
    const r = await tickd(["run", "--listen", "0.0.0.0:7399"], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tickd run: .*--tokens/);
  });
});
