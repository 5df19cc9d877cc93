/** Where the numbers came from: printed beside every result. */
import os from "node:os";
import path from "node:path";
import { readFileSync } from "node:fs";
import { exec } from "./contenders.ts";

export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memory_gb: number;
  readonly os: string;
  readonly kernel: string;
  /** 1-minute load average when the run started: a busy machine inflates lateness for everyone. */
  readonly load_at_start: number;
  readonly bun: string;
  readonly node: string;
  /** Deno 2 (npm devDependency), which runs the tickd-deno contender; optional in results written before it. */
  readonly deno?: string;
  readonly python: string;
  readonly libraries: Record<string, string>;
  readonly date: string;
}

function osName(): string {
  try {
    const text = readFileSync("/etc/os-release", "utf8");
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? os.type();
  } catch {
    return `${os.type()} ${os.release()}`;
  }
}

async function version(cmd: string[]): Promise<string> {
  const out = await exec(cmd, 10_000).catch(() => null);
  if (!out || out.code !== 0) return "missing";
  return (out.stdout + out.stderr).trim().split("\n")[0]!.replace(/^Python /, "");
}

function npmVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), "utf8")).version;
  } catch {
    return "missing";
  }
}

export async function machineInfo(): Promise<MachineInfo> {
  const py = "/usr/bin/python3";
  const pyLib = async (mod: string) =>
    version([py, "-c", `import importlib.metadata as m; print(m.version("${mod}"))`]);
  return {
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    cores: os.cpus().length,
    memory_gb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: osName(),
    kernel: os.release(),
    load_at_start: Math.round(os.loadavg()[0]! * 100) / 100,
    bun: Bun.version,
    node: await version(["node", "--version"]),
    deno: (await version([path.join(import.meta.dir, "../../node_modules/.bin/deno"), "--version"])).split("\n")[0]!.replace(/^deno /, "").split(" ")[0]!,
    python: await version([py, "--version"]),
    libraries: {
      croner: npmVersion("croner"),
      "node-cron": npmVersion("node-cron"),
      "toad-scheduler": npmVersion("toad-scheduler"),
      "node-schedule": npmVersion("node-schedule"),
      schedule: await pyLib("schedule"),
      apscheduler: await pyLib("APScheduler"),
    },
    date: new Date().toISOString(),
  };
}
