/**
 * The fault suite's harness (issue 12): real `tickd run` processes of the
 * compiled binary on one job file and one embedded database, faults done to
 * them from outside (kill -9, SIGSTOP/SIGCONT, a held write lock, a full
 * disk), and the analysis that compares what EXECUTED with what was RECORDED.
 *
 * Ground truth of execution: every job calls `jobs.effects.touch`, which
 * appends one line `label scheduledFor pid at` to the effects file with one
 * O_APPEND write per line (lines never interleave; a crash leaves whole lines
 * only, and a partial last line is ignored). The record is the activity table,
 * read with bun:sqlite once the processes are stopped.
 *
 * The grid check: an occurrence is one slot of a job's grid (period P, one
 * phase for the job). Instances that disagree about the grid (issue 12.1: an
 * `every` grid starting at each process's own start) run one slot several
 * times at different scheduled instants; counting executions per slot, not
 * per exact instant, shows it.
 */
import { Database } from "bun:sqlite";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Subprocess } from "bun";
import { BINARY } from "../helpers/binary.ts";

// ---- the project: job file, effects module, database ----

export interface JobDef {
  readonly label: string;
  /** The schedule line, e.g. "every = 1 second" or "cron = * * * * * *". */
  readonly schedule: string;
  /** Period of the grid, ms (1000 for both examples above). */
  readonly periodMs: number;
  /** More job-file keys, e.g. { catchup: "once" }. */
  readonly keys?: Readonly<Record<string, string>>;
}

export interface FaultProject {
  readonly root: string;
  readonly configPath: string;
  readonly dbPath: string;
  readonly dbUrl: string;
  readonly effectsPath: string;
  readonly logsDir: string;
  readonly jobs: readonly JobDef[];
  cleanup(): void;
}

export interface ProjectOptions {
  readonly jobs: readonly JobDef[];
  /** Folder under the root made for the database (e.g. to mount a small tmpfs on); default the root itself. */
  readonly dbSubdir?: string;
  /** After its effect the callback waits a random 0..delayMaxMs (default 0: returns at once). */
  readonly delayMaxMs?: number;
  /** The store every instance opens, e.g. postgres://…; default the file scheduler.db in the root. */
  readonly dbUrl?: string;
}

const EFFECTS_TS = (effectsPath: string, delayMaxMs: number) => `
import { appendFileSync } from "node:fs";
const EFFECTS = ${JSON.stringify(effectsPath)};
const DELAY_MAX_MS = ${delayMaxMs};
/** The side effect of a run: one line, one write(2) with O_APPEND. */
export async function touch(_kwargs, ctx) {
  appendFileSync(EFFECTS, ctx.label + " " + ctx.scheduledFor.getTime() + " " + process.pid + " " + Date.now() + "\\n");
  if (DELAY_MAX_MS > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * DELAY_MAX_MS));
}
`;

export function jobFile(jobs: readonly JobDef[]): string {
  return jobs
    .map((j) => [`[${j.label}]`, "call = jobs.effects.touch", j.schedule, ...Object.entries(j.keys ?? {}).map(([k, v]) => `${k} = ${v}`)].join("\n"))
    .join("\n\n")
    .concat("\n");
}

export function faultProject(options: ProjectOptions): FaultProject {
  const root = mkdtempSync(path.join(os.tmpdir(), "tickd-faults-"));
  const configPath = path.join(root, "config", "scheduler.ini");
  const effectsPath = path.join(root, "effects.log");
  const logsDir = path.join(root, "logs");
  mkdirSync(path.dirname(configPath));
  mkdirSync(path.join(root, "jobs"));
  mkdirSync(logsDir);
  writeFileSync(configPath, jobFile(options.jobs));
  writeFileSync(path.join(root, "jobs", "effects.ts"), EFFECTS_TS(effectsPath, options.delayMaxMs ?? 0));
  writeFileSync(effectsPath, "");
  const dbDir = options.dbSubdir ? path.join(root, options.dbSubdir) : root;
  mkdirSync(dbDir, { recursive: true });
  const dbPath = path.join(dbDir, "scheduler.db");
  return {
    root,
    configPath,
    dbPath,
    dbUrl: options.dbUrl ?? `file:${dbPath}`,
    effectsPath,
    logsDir,
    jobs: options.jobs,
    // FAULTS_KEEP=1 keeps the folder (database, effects, logs) to look at after a failure.
    cleanup: () => (process.env.FAULTS_KEEP ? console.error(`[faults] kept ${root}`) : rmSync(root, { recursive: true, force: true })),
  };
}

/** `count` jobs named `${prefix}1..` on one schedule. */
export function jobsOf(prefix: string, count: number, schedule: string, periodMs: number, keys?: Record<string, string>): JobDef[] {
  return Array.from({ length: count }, (_, i) => ({ label: `${prefix}${i + 1}`, schedule, periodMs, ...(keys && { keys }) }));
}

// ---- processes ----

export interface Life {
  readonly pid: number;
  readonly proc: Subprocess;
  readonly logPath: string;
  readonly startedAt: number;
  /** Set once the process has exited. */
  exit: { code: number | null; signal: string | null } | null;
}

export interface InstanceOptions {
  /** --instance NAME; null: tickd's default (hostname:pid). */
  readonly name: string | null;
  /** Serve the API (on a free loopback port) for /healthz; default --no-api. */
  readonly api?: boolean;
  readonly grace?: string;
  readonly extraArgs?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

function exitOf(proc: Subprocess): { code: number | null; signal: string | null } {
  return { code: typeof proc.exitCode === "number" ? proc.exitCode : null, signal: proc.signalCode === null ? null : String(proc.signalCode) };
}

/** Every process the suite started, so afterEach/afterAll can end them even when a test failed. */
const spawned = new Set<Subprocess>();

/** SIGCONT + SIGKILL every spawned process still alive (and wait for it). */
export async function killAllSpawned(): Promise<void> {
  const alive = [...spawned].filter((p) => p.exitCode === null && p.signalCode === null);
  for (const p of alive) {
    try {
      p.kill("SIGCONT");
      p.kill("SIGKILL");
    } catch {}
  }
  await Promise.all(alive.map((p) => p.exited));
  spawned.clear();
}

/** Whole lines of a file (a line still being written is left out). */
export function wholeLines(file: string): string[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, "utf8");
  const end = text.lastIndexOf("\n");
  return end < 0 ? [] : text.slice(0, end).split("\n");
}

/** One `tickd run` across its lives (each start after a kill is a new life, with its own log file). */
export class Instance {
  readonly lives: Life[] = [];
  constructor(
    readonly project: FaultProject,
    readonly options: InstanceOptions,
    readonly id = options.name ?? "default",
  ) {}

  get current(): Life | undefined {
    return this.lives.at(-1);
  }

  get alive(): boolean {
    const life = this.current;
    return life !== undefined && life.exit === null;
  }

  /** The API base URL of the current life (null with --no-api or before it listens). */
  get url(): string | null {
    const line = this.logLines().find((l) => l.event === "api.listening");
    return line ? String(line.url) : null;
  }

  /** Spawn a new life; resolves once it logged scheduler.started (throws with its log otherwise). */
  async start(timeoutMs = 15_000): Promise<Life> {
    if (this.alive) throw new Error(`instance ${this.id} is already running (pid ${this.current!.pid})`);
    const logPath = path.join(this.project.logsDir, `${this.id.replace(/[^\w.-]/g, "_")}.${this.lives.length + 1}.log`);
    const fd = openSync(logPath, "a");
    const args = [
      BINARY,
      "run",
      "--config",
      this.project.configPath,
      "--root",
      this.project.root,
      "--db",
      this.project.dbUrl,
      "--log-format",
      "json",
      "--grace",
      this.options.grace ?? "3 seconds",
      ...(this.options.name !== null ? ["--instance", this.options.name] : []),
      ...(this.options.api ? ["--listen", "127.0.0.1:0"] : ["--no-api"]),
      ...(this.options.extraArgs ?? []),
    ];
    let proc: Subprocess;
    try {
      proc = Bun.spawn(args, { cwd: this.project.root, stdin: "ignore", stdout: fd, stderr: fd, env: { ...process.env, TZ: "UTC", ...this.options.env } });
    } finally {
      closeSync(fd);
    }
    spawned.add(proc);
    const life: Life = { pid: proc.pid, proc, logPath, startedAt: Date.now(), exit: null };
    void proc.exited.then(() => {
      life.exit = exitOf(proc);
    });
    this.lives.push(life);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.logLines().some((l) => l.event === "scheduler.started")) return life;
      if (proc.exitCode !== null || proc.signalCode !== null) break;
      await Bun.sleep(10);
    }
    const text = readFileSync(logPath, "utf8");
    proc.kill("SIGKILL");
    await proc.exited;
    throw new Error(`tickd run (${this.id}) did not start within ${timeoutMs} ms (exit ${proc.exitCode ?? proc.signalCode}):\n${text.slice(-4000)}`);
  }

  /** kill -9 and wait until the process is gone. */
  async kill9(): Promise<void> {
    const life = this.current;
    if (!life || life.exit) return;
    life.proc.kill("SIGCONT");
    life.proc.kill("SIGKILL");
    await life.proc.exited;
    life.exit = exitOf(life.proc);
  }

  pause(): void {
    this.current?.proc.kill("SIGSTOP");
  }

  resume(): void {
    this.current?.proc.kill("SIGCONT");
  }

  /** SIGTERM; waits up to `timeoutMs`, then kill -9 (reported as signal SIGKILL). */
  async stop(timeoutMs = 20_000): Promise<{ code: number | null; signal: string | null; ms: number }> {
    const life = this.current;
    if (!life) throw new Error(`instance ${this.id} never started`);
    const t0 = Date.now();
    if (!life.exit) {
      life.proc.kill("SIGTERM");
      const exited = await Promise.race([life.proc.exited.then(() => true), Bun.sleep(timeoutMs).then(() => false)]);
      if (!exited) {
        life.proc.kill("SIGKILL");
        await life.proc.exited;
      }
      life.exit = exitOf(life.proc);
    }
    return { ...life.exit!, ms: Date.now() - t0 };
  }

  /** Whole lines of the current life's log. */
  logText(life = this.current): string {
    return life ? wholeLines(life.logPath).join("\n") : "";
  }

  /** Everything every life logged, each life headed by its pid. */
  allLogs(): string {
    return this.lives.map((l, i) => `--- ${this.id} life ${i + 1} pid ${l.pid} exit ${JSON.stringify(l.exit)}\n${readFileSync(l.logPath, "utf8")}`).join("\n");
  }

  /** JSON lines of the current life's log; other lines come back as { event: "<raw>", raw }. */
  logLines(life = this.current): Array<Record<string, unknown>> {
    return life ? parseLog(wholeLines(life.logPath)) : [];
  }
}

/** What the three-instance scenario did, and when. */
export interface ThreeInstanceRun {
  readonly instances: readonly Instance[];
  /** All three had started (the window of occurrences checked begins after this). */
  readonly allStarted: number;
  readonly killedAt: number;
  readonly pausedAt: number;
  /** When the clean stop began. */
  readonly stopAt: number;
  /** Each instance's exit on SIGTERM, by name. */
  readonly exits: Record<string, unknown>;
}

/**
 * The fault scenario of several instances on one store (the issue "Many
 * servers, one PostgreSQL", on the file or on PostgreSQL): three `tickd run`
 * on one job file; one is killed with -9 and started again, another is
 * stopped (SIGSTOP) for `stopMs` and continued; `then` adds faults of its own
 * (PostgreSQL restarted) before all three are stopped with SIGTERM.
 */
export async function threeInstances(project: FaultProject, options: { readonly stopMs: number; readonly then?: () => Promise<void> }): Promise<ThreeInstanceRun> {
  const instances = ["i1", "i2", "i3"].map((name) => new Instance(project, { name }));
  const [one, two] = instances as [Instance, Instance, Instance];
  for (const i of instances) {
    await i.start();
    await Bun.sleep(150 + Math.floor(Math.random() * 300)); // distinct start instants
  }
  const allStarted = Date.now();
  await Bun.sleep(5_000);
  await one.kill9();
  const killedAt = Date.now();
  await Bun.sleep(3_000);
  await one.start();
  await Bun.sleep(3_000);
  two.pause();
  const pausedAt = Date.now();
  await Bun.sleep(options.stopMs);
  two.resume();
  await Bun.sleep(5_000);
  await options.then?.();
  const stopAt = Date.now();
  const stops = await Promise.all(instances.map((i) => i.stop()));
  const exits: Record<string, unknown> = {};
  stops.forEach((s, n) => (exits[`i${n + 1}`] = s));
  return { instances, allStarted, killedAt, pausedAt, stopAt, exits };
}

export function parseLog(lines: readonly string[]): Array<Record<string, unknown>> {
  return lines
    .filter((l) => l.trim() !== "")
    .map((l) => {
      try {
        const v = JSON.parse(l) as unknown;
        if (v && typeof v === "object") return v as Record<string, unknown>;
      } catch {}
      return { event: "<raw>", raw: l };
    });
}

/** Lines of a log that are not tickd's JSON lines or that carry a stack trace (a crash, an unhandled error). */
export function crashSigns(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const line of parseLog(lines)) {
    if (line.event === "<raw>") {
      out.push(String(line.raw));
      continue;
    }
    for (const v of Object.values(line)) {
      if (typeof v === "string" && /\n\s+at \S/.test(v)) {
        out.push(JSON.stringify(line).slice(0, 400));
        break;
      }
    }
  }
  return out;
}

// ---- reading what executed and what was recorded ----

export interface Effect {
  readonly label: string;
  readonly scheduledFor: number;
  readonly pid: number;
  /** Wall clock of the effect, ms. */
  readonly at: number;
}

export function readEffects(file: string): Effect[] {
  return wholeLines(file)
    .filter((l) => l !== "")
    .map((l) => {
      const [label, scheduledFor, pid, at] = l.split(" ");
      return { label: label!, scheduledFor: Number(scheduledFor), pid: Number(pid), at: Number(at) };
    });
}

export interface ActivityRow {
  readonly run_id: string;
  readonly label: string;
  readonly scheduled_for: number;
  readonly started_at: number;
  readonly ended_at: number | null;
  readonly status: string;
  readonly message: string;
  readonly attempt: number;
  readonly trigger: string;
  readonly instance: string;
}

/**
 * The activity table, read-only. Call it with every tickd process stopped
 * (or killed): a reader does not change the file, but a checkpoint on close
 * would, so the connection is read-only.
 */
export function readActivity(dbPath: string): ActivityRow[] {
  if (!existsSync(dbPath)) return [];
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .query("SELECT run_id, label, scheduled_for, started_at, ended_at, status, message, attempt, trigger, instance FROM activity ORDER BY label, scheduled_for, attempt")
      .all() as ActivityRow[];
  } finally {
    db.close();
  }
}

/** Claims rows (label, scheduled_for, instance), or [] when the table does not exist (any more). */
export function readClaims(dbPath: string): Array<{ label: string; scheduled_for: number; instance: string }> {
  if (!existsSync(dbPath)) return [];
  const db = new Database(dbPath, { readonly: true });
  try {
    const has = db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'claims'").get();
    if (!has) return [];
    return db.query("SELECT label, scheduled_for, instance FROM claims ORDER BY label, scheduled_for").all() as Array<{ label: string; scheduled_for: number; instance: string }>;
  } finally {
    db.close();
  }
}

export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * The checkpoint sequence number of a WAL file (header bytes 12–15): it grows
 * each time a checkpoint completes and the log starts over. null when the file
 * is missing or shorter than its header (truncated by a TRUNCATE checkpoint).
 */
export function walCheckpointSeq(walPath: string): number | null {
  let fd: number;
  try {
    fd = openSync(walPath, "r");
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(32);
    return readSync(fd, head, 0, 32, 0) < 32 ? null : head.readUInt32BE(12);
  } finally {
    closeSync(fd);
  }
}

// ---- analysis ----

/** A run that started this little after an occurrence's instant still counts as running when it came due. */
export const OVERLAP_TOLERANCE_MS = 100;

/** Statuses that say the occurrence did NOT execute (skipped by overlap, missed while down or stalled). */
export const NOT_RUN = new Set(["skipped", "missed"]);

export interface Occurrence {
  readonly label: string;
  readonly scheduledFor: number;
}

export interface Analysis {
  readonly executions: number;
  /** Distinct (label, scheduledFor) executed. */
  readonly occurrencesExecuted: number;
  readonly rows: number;
  /** Same (label, scheduledFor) executed more than once: one entry per occurrence with its count and pids. */
  readonly executedTwice: Array<Occurrence & { count: number; pids: number[] }>;
  /** Executions beyond one per grid slot (several instances on different grids run one slot several times). */
  readonly slotDuplicates: number;
  /** Jobs whose executions sit on more than one phase of their grid, with the phases seen. */
  readonly gridsDisagree: Array<{ label: string; phases: number[] }>;
  /** Executed, and no activity row at all for it. */
  readonly executedUnrecorded: Array<Occurrence & { pid: number; at: number }>;
  /** Executed, and its only rows say it did not run (skipped/missed): a false status. */
  readonly executedRecordedNotRun: Array<Occurrence & { statuses: string[] }>;
  /** More than one row for one (label, scheduledFor, attempt). */
  readonly duplicateRows: Array<Occurrence & { attempt: number; count: number; instances: string[]; statuses: string[] }>;
  /** Rows still `running` (after a clean end there must be none). */
  readonly leftRunning: ActivityRow[];
  /** Grid slots inside the window with no row at all. */
  readonly missing: Occurrence[];
  /**
   * `skipped … previous run was still running` rows that no run explains: no
   * run of the job had started by the skipped occurrence's instant (give or
   * take OVERLAP_TOLERANCE_MS) and was still going when the skip was decided.
   * E.g. claims held back by a failing store and granted together: the first
   * starts late, and the rest are "skipped" behind it.
   */
  readonly falseOverlapSkips: ActivityRow[];
  /** Rows of runs that executed (not skipped/missed/abandoned) started later than `lateBoundMs` after their time. */
  readonly lateStarts: Array<ActivityRow & { lateMs: number }>;
  /**
   * Rows recorded abandoned whose occurrence never executed: an instance died
   * between writing the row (a few tens of ms ahead of the instant) and the
   * start, so nobody can know it did not start. Only occurrences due at a kill belong here.
   */
  readonly abandonedNotRun: ActivityRow[];
  /** Rows of runs another instance took over (trigger `takeover`). */
  readonly takenOver: number;
  /** Row count by status. */
  readonly statuses: Record<string, number>;
}

export interface AnalysisInput {
  readonly jobs: readonly JobDef[];
  readonly effects: readonly Effect[];
  readonly rows: readonly ActivityRow[];
  /** Grid slots scheduled inside [from, to] must each have a row. */
  readonly window?: { readonly from: number; readonly to: number };
  /** A start later than this counts in lateStarts (default: never). */
  readonly lateBoundMs?: number;
}

const key = (label: string, scheduledFor: number) => `${label}\u0000${scheduledFor}`;
const mod = (a: number, p: number) => ((a % p) + p) % p;

/** The phase of a job's grid: the most frequent `scheduledFor mod P` among its executions and rows. */
function phaseOf(instants: readonly number[], periodMs: number): number | null {
  const counts = new Map<number, number>();
  for (const t of instants) counts.set(mod(t, periodMs), (counts.get(mod(t, periodMs)) ?? 0) + 1);
  let best: number | null = null;
  let bestCount = 0;
  for (const [phase, n] of counts) if (n > bestCount) [best, bestCount] = [phase, n];
  return best;
}

export function analyse(input: AnalysisInput): Analysis {
  const { jobs, effects, rows } = input;
  const byOccurrence = new Map<string, Effect[]>();
  for (const e of effects) {
    const list = byOccurrence.get(key(e.label, e.scheduledFor)) ?? [];
    list.push(e);
    byOccurrence.set(key(e.label, e.scheduledFor), list);
  }
  const rowsByOccurrence = new Map<string, ActivityRow[]>();
  const rowsByAttempt = new Map<string, ActivityRow[]>();
  const statuses: Record<string, number> = {};
  for (const r of rows) {
    const k = key(r.label, r.scheduled_for);
    rowsByOccurrence.set(k, [...(rowsByOccurrence.get(k) ?? []), r]);
    const ka = `${k}\u0000${r.attempt}`;
    rowsByAttempt.set(ka, [...(rowsByAttempt.get(ka) ?? []), r]);
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }

  const executedTwice: Analysis["executedTwice"] = [];
  const executedUnrecorded: Analysis["executedUnrecorded"] = [];
  const executedRecordedNotRun: Analysis["executedRecordedNotRun"] = [];
  for (const list of byOccurrence.values()) {
    const { label, scheduledFor } = list[0]!;
    if (list.length > 1) executedTwice.push({ label, scheduledFor, count: list.length, pids: list.map((e) => e.pid) });
    const recorded = rowsByOccurrence.get(key(label, scheduledFor)) ?? [];
    if (recorded.length === 0) executedUnrecorded.push({ label, scheduledFor, pid: list[0]!.pid, at: list[0]!.at });
    else if (recorded.every((r) => NOT_RUN.has(r.status))) executedRecordedNotRun.push({ label, scheduledFor, statuses: recorded.map((r) => r.status) });
  }

  const duplicateRows: Analysis["duplicateRows"] = [];
  for (const list of rowsByAttempt.values()) {
    if (list.length > 1) {
      const r = list[0]!;
      duplicateRows.push({ label: r.label, scheduledFor: r.scheduled_for, attempt: r.attempt, count: list.length, instances: list.map((x) => x.instance), statuses: list.map((x) => x.status) });
    }
  }

  let slotDuplicates = 0;
  const gridsDisagree: Analysis["gridsDisagree"] = [];
  const missing: Occurrence[] = [];
  for (const job of jobs) {
    const mine = effects.filter((e) => e.label === job.label);
    const myRows = rows.filter((r) => r.label === job.label && r.trigger !== "manual");
    const phase = phaseOf([...mine.map((e) => e.scheduledFor), ...myRows.map((r) => r.scheduled_for)], job.periodMs);
    if (phase === null) {
      if (input.window) missing.push({ label: job.label, scheduledFor: input.window.from });
      continue;
    }
    const phases = [...new Set(mine.map((e) => mod(e.scheduledFor, job.periodMs)))].sort((a, b) => a - b);
    if (phases.length > 1) gridsDisagree.push({ label: job.label, phases });
    const perSlot = new Map<number, number>();
    for (const e of mine) {
      const slot = Math.floor((e.scheduledFor - phase + job.periodMs / 2) / job.periodMs);
      perSlot.set(slot, (perSlot.get(slot) ?? 0) + 1);
    }
    for (const n of perSlot.values()) slotDuplicates += Math.max(0, n - 1);
    if (input.window) {
      const recorded = new Set(myRows.map((r) => r.scheduled_for));
      const first = Math.ceil((input.window.from - phase) / job.periodMs) * job.periodMs + phase;
      for (let t = first; t <= input.window.to; t += job.periodMs) if (!recorded.has(t)) missing.push({ label: job.label, scheduledFor: t });
    }
  }

  const ran = rows.filter((r) => !NOT_RUN.has(r.status));
  const falseOverlapSkips = rows.filter(
    (r) =>
      r.status === "skipped" &&
      r.message.includes("previous run was still running") &&
      !ran.some(
        (x) => x.label === r.label && x.started_at <= r.scheduled_for + OVERLAP_TOLERANCE_MS && x.started_at <= r.started_at && (x.ended_at === null || x.ended_at >= r.started_at),
      ),
  );
  const lateStarts: Analysis["lateStarts"] = [];
  if (input.lateBoundMs !== undefined) {
    for (const r of ran) {
      if (r.status === "abandoned") continue;
      const lateMs = r.started_at - r.scheduled_for;
      if (lateMs > input.lateBoundMs) lateStarts.push({ ...r, lateMs });
    }
  }

  const abandonedNotRun = rows.filter((r) => r.status === "abandoned" && !byOccurrence.has(key(r.label, r.scheduled_for)));
  return {
    abandonedNotRun,
    takenOver: rows.filter((r) => r.trigger === "takeover").length,
    executions: effects.length,
    occurrencesExecuted: byOccurrence.size,
    rows: rows.length,
    executedTwice,
    slotDuplicates,
    gridsDisagree,
    executedUnrecorded,
    executedRecordedNotRun,
    duplicateRows,
    leftRunning: rows.filter((r) => r.status === "running"),
    missing,
    falseOverlapSkips,
    lateStarts,
    statuses,
  };
}

const iso = (t: number) => new Date(t).toISOString().slice(11, 23);

/** A few lines that name the cause: counts first, then the first examples of each failure. */
export function summarise(a: Analysis, context: Readonly<Record<string, unknown>> = {}): string {
  const lines: string[] = [];
  const ctx = Object.entries(context).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`);
  if (ctx.length) lines.push(ctx.join(" "));
  lines.push(
    `executions=${a.executions} occurrencesExecuted=${a.occurrencesExecuted} rows=${a.rows} statuses=${JSON.stringify(a.statuses)}`,
    `executedTwice=${a.executedTwice.length} slotDuplicates=${a.slotDuplicates} gridsDisagree=${a.gridsDisagree.length} executedUnrecorded=${a.executedUnrecorded.length}` +
      ` executedRecordedNotRun=${a.executedRecordedNotRun.length} duplicateRows=${a.duplicateRows.length} leftRunning=${a.leftRunning.length}` +
      ` missing=${a.missing.length} falseOverlapSkips=${a.falseOverlapSkips.length} lateStarts=${a.lateStarts.length}` +
      ` takenOver=${a.takenOver} abandonedNotRun=${a.abandonedNotRun.length}`,
  );
  const show = <T>(name: string, list: readonly T[], fmt: (x: T) => string) => {
    if (list.length) lines.push(`  ${name}: ${list.slice(0, 6).map(fmt).join("; ")}${list.length > 6 ? ` … (+${list.length - 6})` : ""}`);
  };
  show("executed twice", a.executedTwice, (x) => `${x.label}@${iso(x.scheduledFor)} x${x.count} pids ${x.pids.join(",")}`);
  show("grids disagree", a.gridsDisagree, (x) => `${x.label} phases ${x.phases.slice(0, 5).join(",")}ms`);
  show("executed, no row", a.executedUnrecorded, (x) => `${x.label}@${iso(x.scheduledFor)} pid ${x.pid} effect at ${iso(x.at)}`);
  show("executed, recorded as not run", a.executedRecordedNotRun, (x) => `${x.label}@${iso(x.scheduledFor)} ${x.statuses.join(",")}`);
  show("duplicate rows", a.duplicateRows, (x) => `${x.label}@${iso(x.scheduledFor)}#${x.attempt} x${x.count} ${x.instances.join(",")} ${x.statuses.join(",")}`);
  show("left running", a.leftRunning, (x) => `${x.label}@${iso(x.scheduled_for)} ${x.instance}`);
  show("missing (no row)", a.missing, (x) => `${x.label}@${iso(x.scheduledFor)}`);
  show("false overlap skips", a.falseOverlapSkips, (x) => `${x.label}@${iso(x.scheduled_for)} ${x.instance}`);
  show("late starts", a.lateStarts, (x) => `${x.label}@${iso(x.scheduled_for)} +${x.lateMs}ms ${x.status} ${x.instance}`);
  show("abandoned, never ran", a.abandonedNotRun, (x) => `${x.label}@${iso(x.scheduled_for)} ${x.instance}`);
  return lines.join("\n");
}

// ---- /healthz ----

export interface HealthSample {
  /** When the request was sent (wall ms). */
  readonly at: number;
  /** How long the answer took; the timeout when none came. */
  readonly ms: number;
  /** HTTP status, or null when no answer came within the timeout (or the connection failed). */
  readonly status: number | null;
  readonly body: Record<string, unknown> | null;
  readonly error?: string;
}

export async function health(url: string, timeoutMs: number): Promise<HealthSample> {
  const at = Date.now();
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let body: Record<string, unknown> | null = null;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {}
    return { at, ms: Date.now() - at, status: res.status, body };
  } catch (error) {
    return { at, ms: Date.now() - at, status: null, body: null, error: String(error) };
  }
}

/** Poll /healthz every `everyMs` in the background until stop(). */
export function pollHealth(url: string, everyMs: number, timeoutMs: number): { samples: HealthSample[]; stop: () => Promise<void> } {
  const samples: HealthSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = Date.now();
      samples.push(await health(url, timeoutMs));
      await Bun.sleep(Math.max(0, everyMs - (Date.now() - t0)));
    }
  })();
  return {
    samples,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

// ---- the sqlite3 CLI holding the write lock ----

/**
 * `sqlite3 DB` with `BEGIN EXCLUSIVE` typed on its stdin, which stays open:
 * the lock is held until release() sends COMMIT. Resolves once the lock is taken.
 */
export async function holdWriteLock(dbPath: string): Promise<{ release: () => Promise<number>; proc: Subprocess }> {
  if (!Bun.which("sqlite3")) throw new Error("the sqlite3 command is missing: install the Debian package sqlite3 (.ci/system-deps does as root)");
  const proc = Bun.spawn(["sqlite3", dbPath], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  spawned.add(proc);
  proc.stdin.write(".timeout 20000\nBEGIN EXCLUSIVE;\nSELECT 'locked';\n");
  proc.stdin.flush();
  const reader = proc.stdout.getReader();
  let out = "";
  const deadline = Date.now() + 20_000;
  while (!out.includes("locked") && Date.now() < deadline) {
    const { value, done } = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => ({ value: undefined, done: true }))]);
    if (done) break;
    out += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  if (!out.includes("locked")) {
    proc.kill("SIGKILL");
    throw new Error(`sqlite3 could not take the write lock on ${dbPath}: ${out} ${await new Response(proc.stderr).text()}`);
  }
  return {
    proc,
    release: async () => {
      proc.stdin.write("COMMIT;\n.quit\n");
      proc.stdin.end();
      return proc.exited;
    },
  };
}
