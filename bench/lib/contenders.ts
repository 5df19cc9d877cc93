/**
 * Who competes, how each is started, and how to tell a missing one from a
 * broken one. Node libraries run under `node` (as their users run them),
 * Python ones under Debian's python3 (where python3-schedule and
 * python3-apscheduler live), tickd's contender under bun, and once more under
 * Deno 2 from source (tickd-deno: the same peer file, tickd's deno.json).
 */
import path from "node:path";
import { existsSync } from "node:fs";
import { parseResultLine, type PeerResult } from "./protocol.ts";

export const BENCH_DIR = path.resolve(import.meta.dir, "..");
export const ROOT_DIR = path.resolve(BENCH_DIR, "..");
const PEERS = path.join(BENCH_DIR, "peers");
const BUN = process.execPath;
const DENO = path.join(ROOT_DIR, "node_modules/.bin/deno");
/** Debian's interpreter: the apt packages install into its dist-packages. */
const SYSTEM_PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

export interface Contender {
  readonly name: string;
  /** What users run it with, for the report. */
  readonly runtime: "bun" | "deno" | "node" | "python";
  readonly command: readonly string[];
  /** How to make it available if it is not (Python apt packages); null when nothing can be done. */
  readonly install?: { readonly check: readonly string[]; readonly apt: string };
}

export const CONTENDERS: readonly Contender[] = [
  { name: "tickd", runtime: "bun", command: [BUN, path.join(PEERS, "tickd.ts")] },
  // --expose-gc: the peer collects setup garbage before its window, as Bun.gc does under bun.
  { name: "tickd-deno", runtime: "deno", command: [DENO, "run", "-A", "--quiet", "--v8-flags=--expose-gc", `--config=${path.join(ROOT_DIR, "deno.json")}`, path.join(PEERS, "tickd.ts")] },
  { name: "croner", runtime: "node", command: ["node", "--expose-gc", path.join(PEERS, "croner.mjs")] },
  { name: "node-cron", runtime: "node", command: ["node", "--expose-gc", path.join(PEERS, "node-cron.mjs")] },
  { name: "toad-scheduler", runtime: "node", command: ["node", "--expose-gc", path.join(PEERS, "toad-scheduler.mjs")] },
  { name: "node-schedule", runtime: "node", command: ["node", "--expose-gc", path.join(PEERS, "node-schedule.mjs")] },
  {
    name: "schedule",
    runtime: "python",
    command: [SYSTEM_PYTHON, path.join(PEERS, "schedule_peer.py")],
    install: { check: [SYSTEM_PYTHON, "-c", "import schedule"], apt: "python3-schedule" },
  },
  {
    name: "apscheduler",
    runtime: "python",
    command: [SYSTEM_PYTHON, path.join(PEERS, "apscheduler_peer.py")],
    install: { check: [SYSTEM_PYTHON, "-c", "import apscheduler"], apt: "python3-apscheduler" },
  },
];

/**
 * Not a contender: the same wake technique with no scheduler behind it
 * (bench/peers/floor.ts), for bench/engine.ts. What it misses, the machine missed.
 */
export const FLOOR: Contender = { name: "floor", runtime: "bun", command: [BUN, path.join(PEERS, "floor.ts")] };

async function exec(cmd: readonly string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string; timedOut: boolean }> {
  const proc = Bun.spawn([...cmd], { cwd: ROOT_DIR, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, timeoutMs);
  try {
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr, timedOut };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Null when the contender can run, else why not. Python peers are installed
 * with apt when we are root (the brief's rule); otherwise reported missing.
 */
export async function ensureAvailable(c: Contender, log: (line: string) => void): Promise<string | null> {
  const first = c.command[c.command.length - 1]!;
  if (!existsSync(first)) return `${path.relative(ROOT_DIR, first)} does not exist`;
  const runtimeProbe = await exec([c.command[0]!, "--version"], 10_000).catch((e) => ({ code: 127, stdout: "", stderr: String(e), timedOut: false }));
  if (runtimeProbe.code !== 0) return `${c.command[0]} is not runnable: ${runtimeProbe.stderr.trim().slice(0, 200)}`;
  if (!c.install) return null;
  if ((await exec(c.install.check, 20_000)).code === 0) return null;
  if (process.getuid?.() !== 0) return `${c.install.apt} is not installed and the bench is not running as root to install it (apt-get install -y ${c.install.apt})`;
  log(`installing ${c.install.apt} with apt-get`);
  const apt = await exec(["apt-get", "install", "-y", c.install.apt], 300_000);
  if (apt.code !== 0) return `apt-get install -y ${c.install.apt} failed: ${apt.stderr.trim().split("\n").slice(-2).join(" ")}`;
  return (await exec(c.install.check, 20_000)).code === 0 ? null : `${c.install.apt} installed but still cannot be imported`;
}

export type RunOutcome = { readonly ok: true; readonly result: PeerResult; readonly wallMs: number } | { readonly ok: false; readonly error: string; readonly wallMs: number };

/** Run one contender on one workload; never throws. */
export async function runContender(
  c: Contender,
  args: { jobs: number; interval: string; duration: number; warmup?: number; samples?: string; history?: number },
  timeoutMs: number,
): Promise<RunOutcome> {
  const started = performance.now();
  const cmd = [...c.command, "--jobs", String(args.jobs), "--interval", args.interval, "--duration", String(args.duration)];
  if (args.warmup) cmd.push("--warmup", String(args.warmup));
  if (args.samples) cmd.push("--samples", args.samples);
  if (args.history) cmd.push("--history", String(args.history));
  const out = await exec(cmd, timeoutMs).catch((e) => ({ code: -1, stdout: "", stderr: String(e), timedOut: false }));
  const wallMs = performance.now() - started;
  if (out.timedOut) return { ok: false, error: `did not finish within ${Math.round(timeoutMs / 1000)} s (killed)`, wallMs };
  try {
    const result = parseResultLine(out.stdout);
    if (out.code !== 0) return { ok: false, error: `exited ${out.code} after printing a result: ${out.stderr.trim().slice(-300)}`, wallMs };
    return { ok: true, result, wallMs };
  } catch (e) {
    if (/heap out of memory|MemoryError/.test(out.stderr)) {
      return { ok: false, error: `ran out of memory (exit ${out.code}): the runtime's heap limit was reached before the result`, wallMs };
    }
    const detail = out.stderr.trim().split("\n").slice(-3).join(" | ");
    return { ok: false, error: `exit ${out.code}: ${(e as Error).message}${detail ? `; stderr: ${detail}` : ""}`, wallMs };
  }
}

export { exec };
