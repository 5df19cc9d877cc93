/**
 * The runtimes tickd ships on, as a test starts them: Bun as the compiled
 * binary (dist/tickd, or TICKD_BIN), Deno 2 from source with tickd's
 * deno.json (the "tickd" import map, node_modules). runtimes.test.ts runs
 * one list of cases on each.
 */
import path from "node:path";
import { BINARY } from "../helpers/binary.ts";
import { startService, type Service } from "../helpers/service.ts";

export const ROOT = path.join(import.meta.dir, "../..");
const DENO = path.join(ROOT, "node_modules/.bin/deno");

export interface Runtime {
  readonly name: "bun" | "deno";
  /** What precedes tickd's own arguments. */
  readonly argv: readonly string[];
  readonly env: Record<string, string>;
  /** Compile and cache what the first start needs (Deno transpiles TypeScript once). */
  warm(): Promise<void>;
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const bun: Runtime = {
  name: "bun",
  argv: [BINARY],
  env: {},
  warm: async () => {},
};

const deno: Runtime = {
  name: "deno",
  argv: [DENO, "run", "-A", "--quiet", `--config=${path.join(ROOT, "deno.json")}`, path.join(ROOT, "src/main.ts")],
  // Deno's cache inside the worktree: its compiled TypeScript is per path.
  env: { DENO_DIR: process.env.DENO_DIR ?? path.join(ROOT, ".deno-cache"), NO_COLOR: "1" },
  async warm() {
    const out = await tickdOn(deno, ["--version"], ROOT);
    if (out.code !== 0) throw new Error(`deno could not start tickd:\n${out.stderr}`);
  },
};

export const RUNTIMES: readonly Runtime[] = [bun, deno];

/** One tickd command on `runtime`, in `cwd`, to its end. */
export async function tickdOn(runtime: Runtime, args: readonly string[], cwd: string): Promise<CliResult> {
  const proc = Bun.spawn([...runtime.argv, ...args], { cwd, env: { ...process.env, ...runtime.env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** `tickd run` on `runtime` in `dir`, its API on a free loopback port; resolves once the scheduler has started. */
export function startTickd(runtime: Runtime, dir: string): Promise<Service> {
  return startService(dir, ["--grace", "10 seconds"], { command: runtime.argv, env: runtime.env, startMs: 15_000 });
}
