/**
 * The two fixtures most binary tests need: a temp project (job file in
 * config/, job modules beside it) and `tickd run` started on it, its API on a
 * free loopback port, its JSON log collected.
 */
import path from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { BINARY, tempDir } from "./binary.ts";

export interface Project {
  readonly dir: string;
  readonly configPath: string;
  readonly cleanup: () => void;
}

/** `files` are paths under the project root (e.g. "app/jobs.ts") and their text. */
export function writeProject(ini: string, files: Record<string, string> = {}): Project {
  const t = tempDir("tickd-project-");
  const configPath = path.join(t.dir, "config", "scheduler.ini");
  mkdirSync(path.dirname(configPath));
  writeFileSync(configPath, ini);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(t.dir, file)), { recursive: true });
    writeFileSync(path.join(t.dir, file), text);
  }
  return { dir: t.dir, configPath, cleanup: t.cleanup };
}

export interface Service {
  /** http://127.0.0.1:PORT, or null with --no-api. */
  readonly url: string | null;
  /** Everything logged so far (JSON lines). */
  log(): string;
  /** POST a GraphQL query as a loopback (admin) client. */
  gql(query: string): Promise<{ data?: Record<string, any>; errors?: unknown[] }>;
  signal(name: "SIGHUP" | "SIGTERM"): void;
  /** SIGTERM and the exit code. */
  stop(): Promise<number>;
  /** SIGKILL: the process ends at once, nothing is flushed. */
  kill9(): void;
}

export interface StartOptions {
  /** How tickd is started (default: the compiled binary); `run` and the flags follow. */
  readonly command?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** How long start-up may take, ms (default 10 s). */
  readonly startMs?: number;
}

/** Start `tickd run` in `dir` and resolve once the scheduler has started. */
export async function startService(dir: string, args: readonly string[] = [], options: StartOptions = {}): Promise<Service> {
  const api = args.includes("--no-api") ? [] : ["--listen", "127.0.0.1:0"];
  const proc = Bun.spawn([...(options.command ?? [BINARY]), "run", ...api, "--log-format", "json", ...args], {
    cwd: dir,
    ...(options.env && { env: { ...process.env, ...options.env } }),
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
  for (let i = 0; i < (options.startMs ?? 10_000) / 25 && !log.includes('"scheduler.started"'); i++) {
    if (proc.exitCode !== null) break;
    await Bun.sleep(25);
  }
  if (!log.includes('"scheduler.started"')) {
    proc.kill("SIGKILL");
    throw new Error(`tickd run did not start:\n${log}`);
  }
  const listening = log.split("\n").find((l) => l.includes('"api.listening"'));
  const url = listening ? (JSON.parse(listening) as { url: string }).url : null;
  return {
    url,
    log: () => log,
    async gql(query) {
      if (!url) throw new Error("started with --no-api");
      const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      return (await res.json()) as { data?: Record<string, any>; errors?: unknown[] };
    },
    signal: (name) => proc.kill(name),
    async stop() {
      proc.kill("SIGTERM");
      return proc.exited;
    },
    kill9: () => proc.kill("SIGKILL"),
  };
}

/** Wait until the log holds `text` (or give up after `ms`). */
export async function logged(service: Service, text: string, ms = 5000): Promise<void> {
  for (let waited = 0; waited < ms && !service.log().includes(text); waited += 25) await Bun.sleep(25);
}
