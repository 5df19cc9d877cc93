/**
 * Bun's idle GC timer, set before the runtime reads it.
 *
 * Besides JSC's own allocation-paced collections, Bun runs a collection
 * every second while the heap size changes, and keeps doing so until it has
 * seen 30 ticks without a change; only then does it fall back to one every
 * 30 s. A scheduler that has just registered its jobs is exactly that: a
 * heap that stopped changing. So for its first 30 s an idle `tickd run` paid
 * a collection a second (with 10,000 jobs about 1–3 ms each, with 100,000
 * about 1–9 ms: most of the idle CPU of the first seconds), for nothing:
 * the engine collects itself where it matters, in the gap before a large
 * instant (engine/instant.ts).
 *
 * Bun reads the timer's interval (BUN_GC_TIMER_INTERVAL) once, as the VM
 * starts, from the environment; nothing in the process can change it later.
 * So a long-running command re-executes itself once, the same executable
 * with the same argv (read from /proc/self/cmdline) and the same pid
 * (execve), with the interval set to Bun's own slow one. Workers inherit it,
 * so idle callback workers are quiet too. Bun's idle full collection and
 * its page-out of the embedded module graph still run, on that 30 s tick.
 *
 * Linux only (it needs /proc and libc's execve, reached through bun:ffi);
 * anywhere else, or when the environment already says anything about the
 * GC timer (an operator's own choice), or if anything fails, it does
 * nothing and the process goes on with Bun's default.
 */
import { readFileSync } from "node:fs";
import { openLibc } from "./libc.ts";

/** The variable Bun reads, and what tickd sets it to: Bun's own slow interval. */
export const GC_TIMER_VARIABLE = "BUN_GC_TIMER_INTERVAL";
export const GC_TIMER_MS = 30_000;

/**
 * Re-execute this process with the GC timer at GC_TIMER_MS, unless it is set
 * already. Returns only when it did not (not Bun, not Linux, already set, or
 * the exec failed); on success the new image starts from the beginning.
 */
export async function slowGcTimer(): Promise<void> {
  if (typeof Bun === "undefined" || process.platform !== "linux") return;
  const env = process.env;
  if (env[GC_TIMER_VARIABLE] !== undefined || env.BUN_GC_TIMER_DISABLE !== undefined) return;
  try {
    const argv = readFileSync("/proc/self/cmdline").toString("utf8").split("\0").slice(0, -1);
    if (argv.length === 0) return;
    const { dlopen, FFIType, ptr } = await import("bun:ffi");
    const libc = openLibc(dlopen, { execve: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 } } as const);
    if (!libc) return;
    const entries = [...Object.entries({ ...env, [GC_TIMER_VARIABLE]: String(GC_TIMER_MS) })].map(([k, v]) => `${k}=${v ?? ""}`);
    // The strings stay referenced until execve returns (it only does on failure).
    const cstrings = (list: readonly string[]) => list.map((s) => Buffer.from(`${s}\0`, "utf8"));
    const argvBuffers = cstrings(argv);
    const envBuffers = cstrings(entries);
    const table = (buffers: readonly Buffer[]) => {
      const out = new BigUint64Array(buffers.length + 1);
      buffers.forEach((b, i) => (out[i] = BigInt(ptr(b))));
      return out;
    };
    const file = Buffer.from(`${process.execPath}\0`, "utf8");
    libc.symbols.execve(ptr(file), ptr(table(argvBuffers)), ptr(table(envBuffers)));
    // Still here: execve failed (errno unread); carry on with Bun's default timer.
    libc.close();
  } catch {
    // No bun:ffi (or no libc to open): Bun's default timer.
  }
}
