/**
 * Command jobs: a shell command through /bin/sh in a process group of its
 * own, its output captured up to the cap, ended (TERM, then KILL) when the
 * run is aborted.
 */
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import process from "node:process";
import { Result, STATUS, type JobContext } from "../sdk/index.ts";
import { KILL_GRACE_MS, OUTPUT_CAP_BYTES } from "./constants.ts";

/** A shell command through /bin/sh: stdout+stderr captured, non-zero exit is a failure. */
export function runCommand(command: string, ctx: JobContext, cwd: string | undefined): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", command], {
      // Its own process group, so a timeout kills the whole pipeline, not just sh.
      detached: true,
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        TICKD_LABEL: ctx.label,
        TICKD_SCHEDULED_FOR: ctx.scheduledFor.toISOString(),
        TICKD_ATTEMPT: String(ctx.attempt),
      },
    });
    const capture = new Capture();
    child.stdout!.on("data", (chunk: Buffer) => capture.add(chunk));
    child.stderr!.on("data", (chunk: Buffer) => capture.add(chunk));
    const kill = () => {
      signalGroup(child.pid, "SIGTERM");
      const hard = setTimeout(() => signalGroup(child.pid, "SIGKILL"), KILL_GRACE_MS);
      hard.unref?.();
      child.once("close", () => clearTimeout(hard));
    };
    if (ctx.signal.aborted) kill();
    else ctx.signal.addEventListener("abort", kill, { once: true });
    child.once("error", (error) => {
      ctx.signal.removeEventListener("abort", kill);
      reject(error);
    });
    child.once("close", (code, signal) => {
      ctx.signal.removeEventListener("abort", kill);
      const output = capture.text();
      if (code === 0) resolve(Result(STATUS.success, { output }));
      else if (signal) resolve(Result(STATUS.failure, { message: `command killed by ${signal}`, output }));
      else resolve(Result(STATUS.failure, { message: `command exited with code ${code}`, output }));
    });
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Collects output chunks up to the cap, counting what it dropped. */
class Capture {
  #chunks: Buffer[] = [];
  #kept = 0;
  #dropped = 0;
  add(chunk: Buffer): void {
    const room = OUTPUT_CAP_BYTES - this.#kept;
    if (room <= 0) {
      this.#dropped += chunk.length;
      return;
    }
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.#chunks.push(part);
    this.#kept += part.length;
    this.#dropped += chunk.length - part.length;
  }
  text(): string {
    const text = Buffer.concat(this.#chunks).toString("utf8");
    return this.#dropped > 0 ? `${text}\n[output truncated: ${this.#dropped} more bytes]` : text;
  }
}

