/**
 * The runtimes tickd ships on, as a test starts them: Bun as the compiled
 * binary (dist/tickd, or TICKD_BIN), Deno 2 from source with tickd's
 * deno.json (the "tickd" import map, node_modules). runtimes.test.ts runs
 * one list of cases on each.
 */
import path from "node:path";
import { BINARY } from "../helpers/binary.ts";

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

export interface Running {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Everything logged so far (JSON lines). */
  log(): string;
  /** POST a GraphQL query as a loopback (admin) client. */
  gql(query: string): Promise<{ data?: Record<string, any>; errors?: unknown[] }>;
  signal(name: "SIGHUP" | "SIGTERM"): void;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number>;
  kill(): void;
}

/** `tickd run` on `runtime` in `dir`, its API on a free loopback port; resolves once the scheduler has started. */
export async function startTickd(runtime: Runtime, dir: string): Promise<Running> {
  const proc = Bun.spawn([...runtime.argv, "run", "--listen", "127.0.0.1:0", "--log-format", "json", "--grace", "10 seconds"], {
    cwd: dir,
    env: { ...process.env, ...runtime.env },
    stdout: "pipe",
    stderr: "pipe",
  });
  let log = "";
  for (const stream of [proc.stdout, proc.stderr]) {
    void (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) log += decoder.decode(chunk);
    })();
  }
  for (let i = 0; i < 600 && !log.includes('"scheduler.started"') && proc.exitCode === null; i++) await Bun.sleep(25);
  if (!log.includes('"scheduler.started"')) {
    proc.kill("SIGKILL");
    throw new Error(`tickd run on ${runtime.name} did not start:\n${log}`);
  }
  const listening = log.split("\n").find((l) => l.includes('"api.listening"'));
  const url = (JSON.parse(listening!) as { url: string }).url;
  return {
    url,
    log: () => log,
    async gql(query) {
      const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      return (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
    },
    signal: (name) => proc.kill(name),
    async stop() {
      proc.kill("SIGTERM");
      return proc.exited;
    },
    kill: () => proc.kill("SIGKILL"),
  };
}
