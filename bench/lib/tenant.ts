/**
 * Tenant workload: what one small instance costs in memory. The compiled
 * binary runs the example's job file (examples/config/scheduler.ini, 7 jobs,
 * callbacks in their modules' workers as by default) with the API on, and
 * again with --no-api; RSS is read from /proc/PID/status once the scheduler
 * has started and SETTLE_S more seconds have passed. Beside it, Bun itself
 * idling (a process that only holds a timer), the floor any Bun program pays.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT_DIR } from "./contenders.ts";
import { freePort } from "./start.ts";

export interface TenantResult {
  readonly binary: string;
  readonly config: string;
  readonly settle_s: number;
  /** RSS with the API on (the default `tickd run`). */
  readonly api_rss_mb: number | null;
  readonly no_api_rss_mb: number | null;
  /** `bun -e "setInterval(() => {}, 2 ** 30)"`. */
  readonly bun_idle_rss_mb: number | null;
  readonly note: string;
}

const SETTLE_S = 5;
const START_BUDGET_MS = 20_000;

function rssMb(pid: number): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
    return line ? Math.round((Number(line.split(/\s+/)[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

async function waitFor(check: () => boolean, budgetMs: number): Promise<boolean> {
  const until = performance.now() + budgetMs;
  while (performance.now() < until) {
    if (check()) return true;
    await Bun.sleep(50);
  }
  return false;
}

/** Start `cmd`, wait until `ready` (reading its log), then SETTLE_S s, read RSS, stop it. */
async function measure(cmd: string[], dir: string, ready: (log: string) => boolean): Promise<number | string> {
  const logFile = path.join(dir, `log-${Math.random().toString(36).slice(2)}`);
  const proc = Bun.spawn(cmd, { cwd: dir, stdout: Bun.file(logFile), stderr: Bun.file(`${logFile}.err`), stdin: "ignore" });
  try {
    const read = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "") + (existsSync(`${logFile}.err`) ? readFileSync(`${logFile}.err`, "utf8") : "");
    if (!(await waitFor(() => ready(read()), START_BUDGET_MS))) return `not ready within ${START_BUDGET_MS / 1000} s: ${read().trim().split("\n").slice(-2).join(" | ")}`;
    await Bun.sleep(SETTLE_S * 1000);
    return rssMb(proc.pid) ?? "no /proc entry";
  } finally {
    proc.kill("SIGTERM");
    await Promise.race([proc.exited, Bun.sleep(5000)]);
    proc.kill("SIGKILL");
  }
}

export async function benchTenant(log: (line: string) => void): Promise<TenantResult> {
  const binary = path.resolve(ROOT_DIR, process.env.TICKD_BIN ?? "dist/tickd");
  const config = path.join(ROOT_DIR, "examples/config/scheduler.ini");
  const notes: string[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-bench-tenant-"));
  const num = (v: number | string, what: string): number | null => {
    if (typeof v === "number") return v;
    notes.push(`${what}: ${v}`);
    return null;
  };
  try {
    const started = (text: string) => text.includes("scheduler.started");
    let api: number | null = null;
    let noApi: number | null = null;
    if (existsSync(binary)) {
      const port = await freePort();
      api = num(await measure([binary, "run", "--config", config, "--db", `file:${path.join(dir, "api.db")}`, "--listen", `127.0.0.1:${port}`], dir, started), "API on");
      noApi = num(await measure([binary, "run", "--config", config, "--db", `file:${path.join(dir, "no-api.db")}`, "--no-api"], dir, started), "--no-api");
    } else notes.push(`${path.relative(ROOT_DIR, binary)} does not exist (make build)`);
    const marker = path.join(dir, "bun-ready");
    const bunIdle = num(await measure([process.execPath, "-e", `require("fs").writeFileSync(${JSON.stringify(marker)}, ""); setInterval(() => {}, 2 ** 30)`], dir, () => existsSync(marker)), "bun idle");
    log(`tenant: API on ${api} MB, --no-api ${noApi} MB, bun idle ${bunIdle} MB`);
    return {
      binary: path.relative(ROOT_DIR, binary),
      config: path.relative(ROOT_DIR, config),
      settle_s: SETTLE_S,
      api_rss_mb: api,
      no_api_rss_mb: noApi,
      bun_idle_rss_mb: bunIdle,
      note: notes.join("; "),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
