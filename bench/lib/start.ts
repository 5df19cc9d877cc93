/**
 * Start workload: the compiled binary from exec to serving /healthz with a
 * 1,000-job file (the time a restart costs). Polls /healthz every 5 ms. If the
 * binary never serves it (API not built yet), measures `tickd next --count 1`
 * instead — load, validate and compute every job's next run — and says so.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { exec, ROOT_DIR } from "./contenders.ts";
import { summarize } from "./protocol.ts";

export interface StartResult {
  readonly binary: string;
  readonly jobs: number;
  /** "healthz": exec -> first 200 from /healthz; "next": exec -> `tickd next --count 1` exited 0. */
  readonly measured: "healthz" | "next" | "none";
  readonly samples_ms: number[];
  readonly median_ms: number | null;
  readonly note: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** A project with a job file of `jobs` hourly no-op jobs; returns the config path. */
export function writeProject(dir: string, jobs: number): string {
  mkdirSync(path.join(dir, "config"), { recursive: true });
  writeFileSync(path.join(dir, "jobs.ts"), "/** Does nothing: the benchmark measures the scheduler. */\nexport function noop() {}\n");
  const sections = Array.from({ length: jobs }, (_, i) => `[job ${i}]\ncall = jobs.noop\nevery = 1 hour\n`);
  const config = path.join(dir, "config", "scheduler.ini");
  writeFileSync(config, sections.join("\n"));
  return config;
}

async function timeHealthz(binary: string, config: string, dir: string): Promise<number | string> {
  const port = await freePort();
  const t0 = performance.now();
  const proc = Bun.spawn([binary, "run", "--config", config, "--listen", `127.0.0.1:${port}`, "--db", `file:${path.join(dir, "tickd.db")}`], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  let exited = false;
  void proc.exited.then(() => (exited = true));
  try {
    while (performance.now() - t0 < 15_000 && !exited) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(500) });
        if (res.status === 200) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      await Bun.sleep(5);
    }
    const stderr = exited ? (await new Response(proc.stderr).text()).trim().split("\n").slice(-2).join(" | ") : "";
    return exited ? `exited ${proc.exitCode} before serving /healthz: ${stderr}` : "no 200 from /healthz within 15 s";
  } finally {
    if (!exited) {
      proc.kill("SIGTERM");
      const killer = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await proc.exited;
      clearTimeout(killer);
    }
  }
}

async function timeNext(binary: string, config: string): Promise<number | string> {
  const t0 = performance.now();
  const out = await exec([binary, "next", "--config", config, "--count", "1"], 30_000);
  const ms = performance.now() - t0;
  return out.code === 0 ? ms : `tickd next exited ${out.code}: ${out.stderr.trim().split("\n")[0] ?? ""}`;
}

export async function benchStart(jobs: number, repeats: number, log: (line: string) => void): Promise<StartResult> {
  const binary = path.resolve(ROOT_DIR, process.env.TICKD_BIN ?? "dist/tickd");
  if (!existsSync(binary)) return { binary, jobs, measured: "none", samples_ms: [], median_ms: null, note: `${binary} does not exist: run make build` };
  const samples: number[] = [];
  let measured: StartResult["measured"] = "healthz";
  let note = "exec to the first 200 from /healthz (polled every 5 ms), fresh database each time";
  for (let i = 0; i < repeats; i++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-bench-start-"));
    try {
      const config = writeProject(dir, jobs);
      if (measured === "healthz") {
        const r = await timeHealthz(binary, config, dir);
        if (typeof r === "number") {
          samples.push(r);
          continue;
        }
        log(`start: /healthz not served (${r}); measuring \`tickd next --count 1\` instead`);
        measured = "next";
        note = `the binary did not serve /healthz (${r}); measured exec until \`tickd next --count 1\` returned`;
      }
      const r = await timeNext(binary, config);
      if (typeof r === "number") samples.push(r);
      else {
        measured = "none";
        note = r;
        break;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { binary: path.relative(ROOT_DIR, binary), jobs, measured, samples_ms: samples.map((s) => Math.round(s * 10) / 10), median_ms: summarize(samples).median, note };
}
