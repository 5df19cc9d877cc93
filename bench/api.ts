/**
 * API benchmark on a real tickd (engine + store + API) in a child process:
 *
 *  1. latency of the `jobs` query returning 1,000 jobs (with schedule, next
 *     run and last run), sequential requests: p50 / p99 / max;
 *  2. 1,000 concurrent SSE subscribers to `activity`, each of which must
 *     receive every finished run: delivered count and delivery delay
 *     (run end -> event received) p50 / p99 / max.
 *
 *   node_modules/.bin/bun run bench/api.ts [--jobs 1000] [--requests 200] [--subscribers 1000] [--runs 20] [--json]
 *
 * Measured 2026-11-28, 2 shared vCPUs, Bun 1.4.5, client and server on one machine:
 *   jobs query, 1000 jobs (199 KB), 200 sequential requests: p50 30 ms, p99 50 ms, max 54 ms
 *   SSE: 1000 subscribers connected in 0.55 s; 20 runs -> 20000/20000 events, every
 *   subscriber got every run; run end -> received p50 64 ms, p99 125 ms, max 131 ms
 */
import { JobCatalog } from "../src/jobs/index.ts";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const argv = process.argv.slice(2);
const num = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};

if (argv[0] === "--serve") await serve(argv[1]!, num("jobs", 1000));
else if (!process.env.BUN_CONFIG_MAX_HTTP_REQUESTS) {
  // Bun's fetch runs at most 256 requests at once by default; 1,000 open SSE
  // streams need more, or the rest wait forever. Re-run with a higher cap.
  const self = Bun.spawn([process.execPath, import.meta.path, ...argv], {
    env: { ...process.env, BUN_CONFIG_MAX_HTTP_REQUESTS: "4096" },
    stdout: "inherit",
    stderr: "inherit",
  });
  process.exit(await self.exited);
} else await main();

/** Child: a tickd with `jobs` weekly jobs plus "pulse", each with one recorded run. */
async function serve(dir: string, jobCount: number): Promise<void> {
  const { loadJobFile } = await import("../src/config/load.ts");
  const { resolveJobCallbacks } = await import("../src/callbacks/index.ts");
  const { createEngine } = await import("../src/engine/engine.ts");
  const { compileSchedule } = await import("../src/schedule/index.ts");
  const { openStore } = await import("../src/store/index.ts");
  const { createApiDeps, startApi } = await import("../src/api/index.ts");
  mkdirSync(path.join(dir, "config"), { recursive: true });
  mkdirSync(path.join(dir, "jobs"), { recursive: true });
  writeFileSync(path.join(dir, "jobs", "tasks.ts"), `export function work() { return undefined; }\n`);
  const sections = [`[pulse]\nevery = 1 week\ncall = jobs.tasks.work\n`];
  for (let i = 0; i < jobCount; i++) sections.push(`[job ${String(i).padStart(4, "0")}]\nevery = ${1 + (i % 12)} hours\ncall = jobs.tasks.work\ndescription = benchmark job ${i}\nbatch = ${i}\n`);
  const configPath = path.join(dir, "config", "scheduler.ini");
  writeFileSync(configPath, sections.join("\n"));
  const instance = `bench:${process.pid}`;
  const store = await openStore(`file:${path.join(dir, "scheduler.db")}`, { instance });
  const file = await loadJobFile(configPath, "UTC");
  const resolved = await resolveJobCallbacks(file, dir);
  const engine = createEngine({ store, instance, timezone: "UTC", compile: compileSchedule, configPath, resolve: (s) => resolved.callbacks.get(s.label) });
  const catalog = new JobCatalog({ store, zone: "UTC", configPath });
  await engine.start(await catalog.useFile(resolved.jobs, resolved.diagnostics));
  catalog.attach(engine);
  // One recorded run per job, so every `lastRun` has something to show.
  const now = Date.now();
  resolved.jobs.forEach((spec, i) => {
    const run = { runId: `seed:${i}`, label: spec.label, scheduledFor: now - 60_000, startedAt: now - 60_000, endedAt: now - 59_000, status: "success" as const, message: "ok", output: "", error: "", attempt: 1, trigger: "schedule" as const, instance };
    void store.begin({ ...run, status: "running", endedAt: undefined });
    store.finished(run);
  });
  await store.flush();
  const api = await startApi({ listen: "127.0.0.1:0", deps: createApiDeps({ scheduler: engine, store, catalog, version: "bench" }), logger: { info() {}, error: (m, f) => console.error(m, f) }, logRequests: false });
  process.stdout.write(`${api.url}\n`);
  process.on("SIGTERM", async () => {
    await api.stop();
    await engine.stop({ graceMs: 0 });
    await store.close();
    process.exit(0);
  });
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: r(quantile(s, 0.5)), p99: r(quantile(s, 0.99)), max: r(s.at(-1) ?? NaN) };
}

async function main(): Promise<void> {
  const jobCount = num("jobs", 1000);
  const requests = num("requests", 200);
  const subscribers = num("subscribers", 1000);
  const runs = num("runs", 20);
  const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-bench-api-"));
  const child = Bun.spawn([process.execPath, import.meta.path, "--serve", dir, "--jobs", String(jobCount)], { stdout: "pipe", stderr: "inherit" });
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let first = "";
    while (!first.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("server exited before printing its URL");
      first += value;
    }
    const url = first.trim();
    const gql = async (query: string) => {
      const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
      const text = await res.text();
      if (!res.ok || text.includes('"errors"')) throw new Error(text.slice(0, 300));
      return text;
    };

    // 1. The jobs query.
    const JOBS = `{ jobs(first: 1000) { totalCount edges { node { label active schedule { text } nextRunAt running lastRun { status endedAt } } } } }`;
    let bytes = 0;
    for (let i = 0; i < 10; i++) bytes = (await gql(JOBS)).length;
    const latencies: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t = performance.now();
      await gql(JOBS);
      latencies.push(performance.now() - t);
    }
    const jobsQuery = { jobs: Math.min(jobCount + 1, 1000), responseBytes: bytes, ms: summary(latencies) };

    // 2. SSE fan-out.
    const SUB = JSON.stringify({ query: `subscription { activity(filter: { label: "pulse" }) { runId label status endedAt } }` });
    const received: number[][] = Array.from({ length: subscribers }, () => []);
    const delays: number[] = [];
    const aborts: AbortController[] = [];
    const connectStart = performance.now();
    await Promise.all(
      Array.from({ length: subscribers }, async (_, i) => {
        const abort = new AbortController();
        aborts.push(abort);
        const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", accept: "text/event-stream" }, body: SUB, signal: abort.signal });
        if (!res.ok || !res.body) throw new Error(`subscriber ${i}: HTTP ${res.status}`);
        const stream = res.body.pipeThrough(new TextDecoderStream()).getReader();
        (async () => {
          let buffer = "";
          try {
            for (;;) {
              const { value, done } = await stream.read();
              if (done) return;
              buffer += value;
              let cut: number;
              while ((cut = buffer.indexOf("\n\n")) >= 0) {
                const block = buffer.slice(0, cut);
                buffer = buffer.slice(cut + 2);
                const data = block.split("\n").find((l) => l.startsWith("data:"));
                if (!data || !block.includes("event: next")) continue;
                const run = JSON.parse(data.slice(5)).data.activity;
                received[i]!.push(1);
                delays.push(Date.now() - Date.parse(run.endedAt));
              }
            }
          } catch {
            // aborted at the end
          }
        })();
      }),
    );
    const connectMs = performance.now() - connectStart;
    await Bun.sleep(500);
    for (let r = 0; r < runs; r++) {
      await gql(`mutation { runJobNow(label: "pulse") { runId } }`);
      await Bun.sleep(100);
    }
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && received.some((r) => r.length < runs)) await Bun.sleep(50);
    const delivered = received.reduce((n, r) => n + r.length, 0);
    const complete = received.filter((r) => r.length === runs).length;
    for (const a of aborts) a.abort();
    const sse = { subscribers, runs, connectMs: Math.round(connectMs), delivered, expected: subscribers * runs, subscribersWithEveryRun: complete, delayMs: summary(delays) };

    const result = { machine: `${os.cpus().length} cpu ${os.cpus()[0]?.model ?? ""}`.trim(), bun: Bun.version, jobsQuery, sse };
    if (argv.includes("--json")) console.log(JSON.stringify(result));
    else {
      console.log(`jobs query, ${jobsQuery.jobs} jobs, ${jobsQuery.responseBytes} bytes, ${requests} sequential requests: p50 ${jobsQuery.ms.p50} ms, p99 ${jobsQuery.ms.p99} ms, max ${jobsQuery.ms.max} ms`);
      console.log(`SSE: ${subscribers} subscribers connected in ${sse.connectMs} ms; ${runs} runs -> ${delivered}/${sse.expected} events, ${complete}/${subscribers} subscribers got every run; delay run end -> received p50 ${sse.delayMs.p50} ms, p99 ${sse.delayMs.p99} ms, max ${sse.delayMs.max} ms`);
    }
  } finally {
    child.kill("SIGTERM");
    await child.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
