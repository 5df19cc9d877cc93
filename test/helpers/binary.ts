/**
 * Run the compiled binary as a subprocess, as a user would. `make test` builds
 * dist/tickd first; TICKD_BIN points elsewhere (e.g. a copy in an empty folder).
 */
import path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { createServer, type AddressInfo } from "node:net";

export const BINARY = path.resolve(process.env.TICKD_BIN ?? path.join(import.meta.dir, "../../dist/tickd"));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function tickd(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const proc = Bun.spawn([BINARY, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = "tickd-test-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A loopback port free right now (for a test that must name the port, e.g. to restart on it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}
