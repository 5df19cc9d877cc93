/**
 * A real tickd behind the API: the job file and callbacks written to a temp
 * folder, loaded by the real loader, resolved by the real resolver, run by the
 * real engine over a real libSQL file, served by startApi on a free loopback
 * port. Tests talk to it over HTTP, SSE and WebSocket.
 *
 * In process (startTestApi) the engine, store and API share one fake clock
 * (issue 13): nothing runs on schedule until a test advances it, so the
 * one-second `ticker` runs when a test says, not in the background of every
 * test. The compiled binary (startBinaryApi) runs on real time.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { resolveJobCallbacks } from "../../src/callbacks/index.ts";
import { loadJobFile } from "../../src/config/load.ts";
import { createEngine, type Engine } from "../../src/engine/engine.ts";
import { createApiDeps, parseTokens, startApi, type ApiServer, type TokenSet } from "../../src/api/index.ts";
import { VERSION } from "../../src/version.ts";
import { JobCatalog } from "../../src/jobs/index.ts";
import { openStore, type Store } from "../../src/store/index.ts";
import { compileSchedule } from "../../src/schedule/index.ts";
import { tempDir } from "../helpers/binary.ts";
import { startService, type Service } from "../helpers/service.ts";
import { FakeClock, turns } from "../helpers/fake-clock.ts";
import type { RunRecord } from "../../src/engine/types.ts";

/** Where startTestApi's clock starts: 2026-03-02T10:00:00Z, a Monday (in the past, so a worker's held start opens at once). */
export const API_T0 = Date.UTC(2026, 2, 2, 10);

export const TOKENS = {
  viewer: "viewer-token-0123456789abcdef",
  operator: "operator-token-0123456789abcdef",
  admin: "admin-token-0123456789abcdef",
} as const;

/** A token file with the admin token stored hashed, as an operator would. */
export const TOKEN_FILE = [
  "# tickd API tokens",
  `${TOKENS.viewer} viewer`,
  `${TOKENS.operator} operator`,
  `sha256:${new Bun.CryptoHasher("sha256").update(TOKENS.admin).digest("hex")} admin  # ops team`,
].join("\n");

export const JOB_FILE = `
[ticker]
every = 1 second
call = jobs.tasks.tick

[nightly report]
every = 1 week
call = jobs.tasks.report
description = Sends the nightly report
recipients = ops@example.com
limit = 10

[failing]
every = 1 week
call = jobs.tasks.fail
active = no

[shell]
every = 1 week
command = echo secret-command
`;

const TASKS = `
import { Result, STATUS } from "tickd";
export function tick() { return Result(STATUS.success, { message: "tick", output: "tick output" }); }
export function report(kwargs) { return Result(STATUS.success, { message: "sent to " + kwargs.recipients, output: "admin-only output" }); }
export function fail() { throw new Error("boom in fail"); }
`;

const BILLING = `
import { Result, STATUS, schedule } from "tickd";
export function invoices() { return Result(STATUS.success, { message: "invoiced" }); }
schedule.register("billing", invoices, { label: "billing invoices", every: "1 hour", description: "Send invoices" });
`;

export interface Api {
  readonly url: string;
  readonly instance: string;
  /** The clock of the engine, the store and the API. */
  readonly clock: FakeClock;
  readonly engine: Engine;
  readonly store: Store;
  readonly dir: string;
  readonly logs: string[];
  /** POST a GraphQL operation as the given token (or none); returns status and parsed body. */
  gql(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; body: GqlBody }>;
  /** Advance the clock by `ms` and resolve once `label` has finished a run started by it (callbacks run in real worker threads). */
  runsFinish(label: string, ms: number): Promise<RunRecord>;
  close(): Promise<void>;
}

export interface GqlBody {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown }; path?: unknown[] }[];
}

export interface ApiOptions {
  readonly tokens?: boolean;
  readonly jobFile?: string;
}

/** The temp project every API test runs on: job file, job modules, one discoverable app. */
function writeProject(options: ApiOptions): { dir: string; configPath: string; cleanup: () => void } {
  const temp = tempDir("tickd-api-");
  const dir = temp.dir;
  mkdirSync(path.join(dir, "config"));
  mkdirSync(path.join(dir, "jobs"));
  mkdirSync(path.join(dir, "apps", "billing"), { recursive: true });
  const configPath = path.join(dir, "config", "scheduler.ini");
  writeFileSync(configPath, options.jobFile ?? JOB_FILE);
  writeFileSync(path.join(dir, "jobs", "tasks.ts"), TASKS);
  writeFileSync(path.join(dir, "apps", "billing", "scheduler.ts"), BILLING);
  if (options.tokens) writeFileSync(path.join(dir, "config", "tokens"), TOKEN_FILE);
  return { dir, configPath, cleanup: temp.cleanup };
}

/** What a test sees of the API, whether served in-process or by the compiled binary. */
export interface ApiClient {
  readonly url: string;
  readonly dir: string;
  /** Log lines (the binary's stderr, or the in-process logger's lines). */
  readonly logs: string[];
  /** The instance name the service records on runs. */
  readonly instance: string;
  gql: Api["gql"];
  close(): Promise<void>;
}

async function postGql(url: string, query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ status: number; body: GqlBody }> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/graphql-response+json, application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as GqlBody };
  } catch {
    throw new Error(`not JSON (${res.status}): ${text.slice(0, 300)}`);
  }
}

/**
 * The API as users meet it: the compiled binary (`tickd run`) on a free
 * loopback port, over the same temp project as startTestApi.
 */
export async function startBinaryApi(options: ApiOptions = {}): Promise<ApiClient> {
  const project = writeProject(options);
  const args = [
    "--config", project.configPath,
    "--timezone", "UTC",
    "--apps", path.join(project.dir, "apps", "billing"),
    "--grace", "1 second",
    ...(options.tokens ? ["--tokens", path.join(project.dir, "config", "tokens")] : []),
  ];
  let service: Service;
  try {
    service = await startService(project.dir, args);
  } catch (error) {
    project.cleanup();
    throw error;
  }
  const lines = () => service.log().split("\n").filter((l) => l !== "");
  const started = lines().find((l) => l.includes('"scheduler.started"'))!;
  const url = service.url!;
  return {
    url,
    dir: project.dir,
    get logs() {
      return lines();
    },
    instance: (JSON.parse(started) as { instance: string }).instance,
    gql: (query, variables, token) => postGql(url, query, variables, token),
    async close() {
      const code = await service.stop();
      project.cleanup();
      if (code !== 0) throw new Error(`tickd run exited ${code} at SIGTERM:\n${service.log()}`);
    },
  };
}

export async function startTestApi(options: ApiOptions = {}): Promise<Api> {
  const project = writeProject(options);
  const temp = { cleanup: project.cleanup };
  const dir = project.dir;
  const configPath = project.configPath;

  const instance = `${os.hostname()}:${process.pid}`;
  let store: Store | undefined;
  const clock = new FakeClock({
    start: API_T0,
    settle: async () => {
      await turns(2);
      await store?.flush();
      await turns(2);
    },
  });
  store = await openStore(`file:${path.join(dir, "scheduler.db")}`, { instance, clock });
  const zone = "UTC";
  const load = async () => {
    const file = await loadJobFile(configPath, zone);
    const resolved = await resolveJobCallbacks(file, dir);
    return { ...resolved, diagnostics: [...file.diagnostics, ...resolved.diagnostics] };
  };
  let current = await load();
  if (current.diagnostics.length > 0) throw new Error(current.diagnostics.map((d) => d.message).join("\n"));
  const callbacks = new Map(current.callbacks);
  const catalog = new JobCatalog({ store, zone, configPath, discovery: { apps: [path.join(dir, "apps", "billing")], root: dir } });
  const engine = createEngine({
    clock,
    store,
    instance,
    timezone: zone,
    compile: compileSchedule,
    configPath,
    resolve: (spec) => callbacks.get(spec.label),
    reloadSource: async () => {
      current = await load();
      for (const [k, v] of current.callbacks) callbacks.set(k, v);
      return { jobs: await catalog.useFile(current.jobs, current.diagnostics), diagnostics: current.diagnostics };
    },
  });
  await engine.start(await catalog.useFile(current.jobs, current.diagnostics));
  catalog.attach(engine);

  const deps = createApiDeps({ scheduler: engine, store, catalog, version: VERSION });
  const logs: string[] = [];
  const tokens: TokenSet | null = options.tokens ? parseTokens(TOKEN_FILE, path.join(dir, "tokens")) : null;
  const server: ApiServer = await startApi({
    listen: "127.0.0.1:0",
    deps,
    tokens,
    clock,
    logger: {
      info: (m, f) => logs.push(f ? `${m} ${JSON.stringify(f)}` : m),
      error: (m, f) => logs.push(`ERROR ${m}${f ? ` ${JSON.stringify(f)}` : ""}`),
    },
    dashboard: (req) => (new URL(req.url).pathname === "/" ? new Response("<!doctype html><title>tickd</title>", { headers: { "content-type": "text/html" } }) : undefined),
  });

  const opened = store;
  return {
    url: server.url,
    instance,
    clock,
    engine,
    store: opened,
    dir,
    logs,
    gql: (query, variables, token) => postGql(server.url, query, variables, token),
    async runsFinish(label, ms) {
      const finished = new Promise<RunRecord>((resolve) => {
        const off = engine.subscribe((e) => {
          if (e.type === "run.finished" && e.run.label === label) {
            off();
            resolve(e.run);
          }
        });
      });
      await clock.advance(ms);
      const run = await within(5_000, finished, `a run of ${label}`);
      await opened.flush();
      return run;
    },
    async close() {
      await server.stop();
      await engine.stop({ graceMs: 0 });
      await opened.close();
      temp.cleanup();
    },
  };
}

/** Codes of the errors in a response, for compact assertions. */
export function codes(body: GqlBody): string[] {
  return (body.errors ?? []).map((e) => String(e.extensions?.code));
}

/** A GraphQL-over-SSE subscription read with fetch and a line parser, as a browser would. */
export interface SseStream {
  /** HTTP status of the response. */
  readonly status: number;
  /** The next `next` event's payload; rejects after `ms`. */
  next(ms?: number): Promise<GqlBody>;
  close(): void;
}

export async function sse(url: string, init: RequestInit): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { ...init, signal: abort.signal });
  const queue: GqlBody[] = [];
  const waiters: ((v: GqlBody) => void)[] = [];
  if (res.ok && res.body) {
    (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const lines = block.split("\n");
            const event = lines.find((l) => l.startsWith("event:"))?.slice(6).trim() ?? "message";
            const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
            if ((event === "next" || event === "message") && data) {
              const payload = JSON.parse(data) as GqlBody;
              const w = waiters.shift();
              if (w) w(payload);
              else queue.push(payload);
            }
          }
        }
      } catch {
        // aborted
      }
    })();
  }
  return {
    status: res.status,
    next(ms = 3000) {
      const ready = queue.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no SSE event within ${ms} ms`)), ms);
        waiters.push((v) => {
          clearTimeout(timer);
          resolve(v);
        });
      });
    },
    close: () => abort.abort(),
  };
}

/** Resolve within `ms` or fail with a message. */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
