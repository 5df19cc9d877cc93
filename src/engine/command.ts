/**
 * Command jobs: a shell command through /bin/sh in a process group of its
 * own, its output captured up to the cap. A run owns every process it
 * starts: each carries the run's mark (TICKD_RUN_TOKEN in its environment,
 * inherited by every descendant, including those that leave the group with
 * setsid or a double fork), and when the run ends — the top shell exits, or
 * the run is aborted by its timeout or by shutdown — the group and every
 * marked process get TERM, then KILL after a grace, and the pipes are closed.
 * Nothing a run started outlives it, holds its pipes open or keeps tickd alive.
 *
 * The mark is found by reading /proc/PID/environ (Linux; tickd reads its own
 * users' processes, root reads all). Without /proc only the process group
 * is ended. A process that clears its environment and leaves the group is
 * not found; a cgroup per run would find it, at the price of work before each
 * start and a delegated cgroup tree, which most hosts do not give a service.
 */
import { Buffer } from "node:buffer";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import process from "node:process";
import type { Readable } from "node:stream";
import { sleep as sleepOn, systemClock, type Clock } from "../clock.ts";
import { Result, STATUS, type JobContext } from "../sdk/index.ts";
import { formatBytes } from "../store/output-cap.ts";
import { KILL_GRACE_MS, OUTPUT_CAP_BYTES, PIPE_DRAIN_MS, PROCESS_POLL_MS, SHUTDOWN_KILL_GRACE_MS, SHUTDOWN_MESSAGE } from "./constants.ts";

/** The environment variable every process of a command run inherits. */
export const RUN_TOKEN_VAR = "TICKD_RUN_TOKEN";

// Unique across processes (pid, random) and within one (a counter), and
// cheap: a start pays for one string concatenation.
const TOKEN_PREFIX = `${process.pid.toString(36)}.${Math.random().toString(36).slice(2, 10)}.`;
let tokenCount = 0;

/** Every command run whose processes or pipes are not yet all ended. */
const live = new Set<Promise<void>>();

/**
 * Resolves once every command run started so far has ended all its processes
 * and closed its pipes. Runs aborted by a timeout or by shutdown are recorded
 * at once and ended after; awaiting this at shutdown means "stopped" is
 * logged only when nothing of any job is left.
 */
export async function commandsEnded(): Promise<void> {
  while (live.size > 0) await Promise.all([...live]);
}

/**
 * Each chunk a command writes, as it writes it, with the stream it came on;
 * `tickd run-job` shows it live. The recorded output is the capture, capped
 * as ever: a watcher sees everything, the record the first OUTPUT_CAP_BYTES.
 */
export type OutputWatcher = (stream: "stdout" | "stderr", chunk: Uint8Array) => void;

/**
 * A shell command through /bin/sh: stdout+stderr captured, non-zero exit is a
 * failure. `clock` is the run's (the engine's): the grace between TERM and
 * KILL is measured on it, so a test can move past it.
 */
export function runCommand(command: string, ctx: JobContext, cwd: string | undefined, clock: Clock, traceparent?: string, watch?: OutputWatcher): Promise<Result> {
  const token = TOKEN_PREFIX + (tokenCount++).toString(36);
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
      [RUN_TOKEN_VAR]: token,
      // The run's W3C trace context, when traces are exported (--otlp).
      ...(traceparent !== undefined && { TRACEPARENT: traceparent }),
    },
  });
  const run = new CommandRun(child, token, clock, watch);
  const signal = ctx.signal;
  const abort = () => void run.end(abortGrace(signal.reason));
  if (signal.aborted) abort();
  else signal.addEventListener("abort", abort, { once: true });
  const result = run.result();
  const ended = result.then(
    () => {},
    () => {},
  );
  live.add(ended);
  void ended.then(() => {
    live.delete(ended);
    signal.removeEventListener("abort", abort);
  });
  return result;
}

/** A run aborted at shutdown has had the service's grace already; a timed-out one gets the full KILL grace. */
function abortGrace(reason: unknown): number {
  return reason instanceof Error && reason.message === SHUTDOWN_MESSAGE ? SHUTDOWN_KILL_GRACE_MS : KILL_GRACE_MS;
}

/** One command run: its top shell, its marked processes and its pipes. */
class CommandRun {
  readonly #child: ChildProcess;
  readonly #token: string;
  readonly #pgid: number | undefined;
  readonly #capture = new Capture();
  /** Started by the first of: the top shell's exit, an abort. */
  #ending: Promise<number> | null = null;
  /** When the ending stops waiting for TERM and sends KILL; an abort can bring it forward. */
  #killAt = Infinity;
  /** Marked processes found (pids), besides the top shell. */
  readonly #found = new Set<number>();
  readonly #clock: Clock;

  constructor(child: ChildProcess, token: string, clock: Clock, watch?: OutputWatcher) {
    this.#clock = clock;
    this.#child = child;
    this.#token = token;
    this.#pgid = child.pid;
    child.stdout!.on("data", (chunk: Buffer) => {
      this.#capture.add(chunk);
      watch?.("stdout", chunk);
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      this.#capture.add(chunk);
      watch?.("stderr", chunk);
    });
  }

  /**
   * The run ends when its top shell exits (its status is the run's); then
   * what it left behind is ended and the pipes are drained briefly and closed.
   */
  result(): Promise<Result> {
    const child = this.#child;
    return new Promise((resolve, reject) => {
      child.once("error", (error) => {
        // Not started (no shell, bad cwd): nothing to end but the pipes.
        this.#closePipes();
        reject(error);
      });
      child.once("exit", (code, signal) => {
        void (async () => {
          const leftovers = await this.end(KILL_GRACE_MS);
          await this.#drainPipes();
          let output = this.#capture.text();
          if (leftovers > 0) {
            const note = `[tickd: ended ${leftovers} leftover process${leftovers === 1 ? "" : "es"} of this run]`;
            output = output === "" ? note : `${output.replace(/\n$/, "")}\n${note}`;
          }
          if (code === 0) resolve(Result(STATUS.success, { output }));
          else if (signal) resolve(Result(STATUS.failure, { message: `command killed by ${signal}`, output }));
          else resolve(Result(STATUS.failure, { message: `command exited with code ${code}`, output }));
        })().catch(reject);
      });
    });
  }

  /**
   * End every process of the run: TERM to the group and to each marked
   * process, KILL to what is left after `graceMs`. Resolves with the number of
   * marked processes found besides the top shell. Called again while ending,
   * it only brings the KILL forward.
   */
  end(graceMs: number): Promise<number> {
    this.#killAt = Math.min(this.#killAt, this.#clock.now() + graceMs);
    this.#ending ??= this.#end();
    return this.#ending;
  }

  async #end(): Promise<number> {
    // The scan first, so the group's marked members are counted before TERM ends them;
    // then the group at once (kill(-pgid) reaches all its members together, so the
    // shell cannot outlive its child and run on), then the marked that left it.
    const pids = await findMarked(this.#token);
    signalGroup(this.#pgid, "SIGTERM");
    const marked = this.#signal(pids, "SIGTERM");
    if (marked > 0 || !procReadable) {
      // Wait for TERM to work, up to the grace (on the run's clock). The polls
      // between looks are real time: they wait for processes, which run on the machine's.
      while (this.#clock.now() < this.#killAt && this.#anyAlive()) await sleep(Math.min(PROCESS_POLL_MS, this.#killAt - this.#clock.now()));
    }
    // Whatever is still there, or was started since (a scan verifies the
    // mark, so a pid reused by a stranger is never signalled), gets KILL.
    for (let round = 0; round < KILL_ROUNDS; round++) {
      signalGroup(this.#pgid, "SIGKILL");
      if ((await this.#signalMarked("SIGKILL")) === 0) break;
      await sleep(PROCESS_POLL_MS);
    }
    this.#found.delete(this.#child.pid ?? -1);
    return this.#found.size;
  }

  /** Signal every process carrying the run's mark; returns how many there were. */
  async #signalMarked(signal: NodeJS.Signals): Promise<number> {
    return this.#signal(await findMarked(this.#token), signal);
  }

  #signal(pids: readonly number[], signal: NodeJS.Signals): number {
    for (const pid of pids) {
      this.#found.add(pid);
      try {
        process.kill(pid, signal);
      } catch {
        // Gone since the scan.
      }
    }
    return pids.length;
  }

  #anyAlive(): boolean {
    if (!procReadable) return groupAlive(this.#pgid);
    for (const pid of this.#found) if (processAlive(pid)) return true;
    return false;
  }

  /** Every writer is gone: give the pipes a moment to deliver what is buffered, then close them. */
  async #drainPipes(): Promise<void> {
    const child = this.#child;
    await Promise.race([Promise.all([ended(child.stdout), ended(child.stderr)]), sleep(PIPE_DRAIN_MS)]);
    this.#closePipes();
  }

  #closePipes(): void {
    this.#child.stdout?.destroy();
    this.#child.stderr?.destroy();
  }
}

/** Rounds of "scan, KILL" before giving up on a run that keeps forking. */
const KILL_ROUNDS = 5;

function ended(stream: Readable | null): Promise<void> {
  if (!stream || stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", resolve);
  });
}

/** Real time (see #end): the machine's processes and pipes do not run on a fake clock. */
const sleep = (ms: number): Promise<void> => sleepOn(systemClock, ms);

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function groupAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Alive and not a zombie (an orphan's zombie may never be reaped where pid 1 does not reap). */
function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    const state = stat.charAt(stat.lastIndexOf(")") + 2);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

// ---- finding marked processes ----

/** False once /proc turned out not to be there (not Linux): then only the group is ended. */
let procReadable = true;

interface Scan {
  readonly tokens: Set<string>;
  readonly found: Promise<Map<string, number[]>>;
  start(): void;
}
/** The scan waiting to start; runs asking while one is under way share the next. */
let nextScan: Scan | null = null;
let scanning = false;

/** Pids of the live processes whose environment carries `token`. */
async function findMarked(token: string): Promise<number[]> {
  if (!procReadable) return [];
  const scan = (nextScan ??= newScan());
  scan.tokens.add(token);
  if (!scanning) startNextScan();
  return (await scan.found).get(token) ?? [];
}

function newScan(): Scan {
  const tokens = new Set<string>();
  let start = () => {};
  const found = new Promise<Map<string, number[]>>((resolve) => {
    start = () => resolve(scanProc(tokens));
  });
  return { tokens, found, start };
}

function startNextScan(): void {
  const scan = nextScan;
  if (!scan) return;
  nextScan = null;
  scanning = true;
  scan.start();
  void scan.found.then(() => {
    scanning = false;
    startNextScan();
  });
}

const MARK = Buffer.from(`${RUN_TOKEN_VAR}=`);

/** One pass over /proc: which of `tokens` each process carries. Zombies have no environment and are not found. */
async function scanProc(tokens: ReadonlySet<string>): Promise<Map<string, number[]>> {
  const found = new Map<string, number[]>();
  let names: string[];
  try {
    names = await readdir("/proc");
  } catch {
    procReadable = false;
    return found;
  }
  const self = process.pid;
  await Promise.all(
    names.map(async (name) => {
      const code = name.charCodeAt(0);
      if (code < 48 || code > 57) return;
      const pid = Number(name);
      if (pid === self) return;
      let environ: Buffer;
      try {
        environ = await readFile(`/proc/${name}/environ`);
      } catch {
        return; // Gone, or not ours to read.
      }
      const token = markIn(environ);
      if (token !== undefined && tokens.has(token)) {
        const pids = found.get(token);
        if (pids) pids.push(pid);
        else found.set(token, [pid]);
      }
    }),
  );
  return found;
}

/** The value of TICKD_RUN_TOKEN in a NUL-separated environment block. */
function markIn(environ: Buffer): string | undefined {
  let at = environ.indexOf(MARK);
  while (at > 0 && environ[at - 1] !== 0) at = environ.indexOf(MARK, at + 1);
  if (at < 0) return undefined;
  const start = at + MARK.length;
  const end = environ.indexOf(0, start);
  return environ.toString("latin1", start, end < 0 ? environ.length : end);
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
    // The same mark as every other cut output (store/output-cap.ts), with the real total.
    return this.#dropped > 0 ? `${text}\n… [output truncated: ${formatBytes(this.#kept + this.#dropped)} total, showing first ${formatBytes(this.#kept)}]` : text;
  }
}
