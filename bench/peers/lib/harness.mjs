/**
 * The measuring side of the bench protocol, shared by every JavaScript
 * contender (Node peers run it under `node`, tickd's peer under `bun`).
 * Plain .mjs on purpose: Node 20 runs it without a loader, Bun imports it too.
 *
 * A contender:
 *   const opts = parseArgs(process.argv.slice(2));
 *   const rec = new Recorder("croner", opts);
 *   rec.setupStart();  ...register opts.jobs jobs...  rec.setupEnd();
 *   inside each callback: rec.record(dueMs, rec.now())
 *   rec.expected = (w0, w1) => how many due instants the jobs have in [w0, w1)
 *   await rec.finish();   // waits out the window, prints the JSON line
 *
 * The protocol itself is described in bench/README.md.
 */
import { writeFileSync } from "node:fs";

/** Fires due up to this long before the window ends may still start after it. */
export const GRACE_MS = 2000;

/**
 * `--jobs N --interval S|A..B --duration S [--warmup S] [--samples FILE]`.
 * With a range, job i gets A + (i mod (B-A+1)) seconds: deterministic, so
 * every contender gets the same mix. The window opens `warmup` seconds
 * (default 0) after setup. With `--samples`, every start of the window is
 * also written to FILE (writeSamples), for statistics over many windows.
 */
export function parseArgs(argv) {
  const flags = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (!key?.startsWith("--") || value === undefined) throw new Error(`bad argument ${key ?? ""}: expected --jobs N --interval S|A..B --duration S`);
    flags[key.slice(2)] = value;
  }
  const jobs = Number(flags.jobs);
  const duration = Number(flags.duration);
  const warmup = flags.warmup === undefined ? 0 : Number(flags.warmup);
  const intervalText = String(flags.interval ?? "");
  const range = /^(\d+)\.\.(\d+)$/.exec(intervalText);
  const min = range ? Number(range[1]) : Number(intervalText);
  const max = range ? Number(range[2]) : min;
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a positive integer, got ${flags.jobs}`);
  if (!(duration > 0)) throw new Error(`--duration must be a positive number of seconds, got ${flags.duration}`);
  if (!(warmup >= 0)) throw new Error(`--warmup must be zero or more seconds, got ${flags.warmup}`);
  if (!Number.isInteger(min) || min < 1 || max < min) throw new Error(`--interval must be S or A..B (whole seconds), got ${intervalText}`);
  const span = max - min + 1;
  return {
    jobs,
    duration,
    warmup,
    intervalText,
    samples: flags.samples,
    /** Interval of job i in whole seconds. */
    intervalFor: (i) => min + (i % span),
  };
}

/**
 * Wall-clock milliseconds with sub-millisecond resolution. performance.now()
 * is fine-grained but its origin is not the wall clock; Date.now() is the wall
 * clock but whole ms. Anchor the former on a Date.now() tick once at start.
 */
function makeClock() {
  const origin = performance.timeOrigin;
  const start = Date.now();
  let wall = start;
  let perf = performance.now();
  while (wall === start) {
    perf = performance.now();
    wall = Date.now();
  }
  const offset = wall - (origin + perf);
  return () => origin + performance.now() + offset;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  // Nearest rank: the smallest value with at least p% of samples at or below it.
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * The `--samples FILE` file: each start of the window as its due instant
 * (epoch ms) and its lateness (ms), in the order they started.
 */
export function writeSamples(file, dues, lates) {
  writeFileSync(file, `${JSON.stringify({ due: dues, late_ms: lates.map((l) => Math.round(l * 1000) / 1000) })}\n`);
}

/** An instant is late when one of its starts came more than this long after it. */
export const LATE_INSTANT_MS = 2;

/**
 * Due instants, and how many of them had a start more than LATE_INSTANT_MS
 * late: `dues[i]` and `lates[i]` are one start. Instants fail together (one
 * late wake delays every start due then), so this tells one bad wake in
 * twenty from a tail spread over all of them.
 */
export function lateInstants(dues, lates) {
  const worst = new Map();
  for (let i = 0; i < dues.length; i++) worst.set(dues[i], Math.max(worst.get(dues[i]) ?? -Infinity, lates[i]));
  let late = 0;
  for (const l of worst.values()) if (l > LATE_INSTANT_MS) late++;
  return { n: worst.size, late };
}

const round = (x, digits = 3) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

export class Recorder {
  constructor(peer, opts) {
    this.peer = peer;
    this.opts = opts;
    this.now = makeClock();
    this.windowStart = Infinity;
    this.windowEnd = Infinity;
    this.late = [];
    this.dues = [];
    /** Set by the contender: due instants of all its jobs in [w0, w1). */
    this.expected = () => 0;
  }

  setupStart() {
    this.setupBegan = this.now();
  }

  setupEnd() {
    // Every contender collects its setup garbage here, inside setup time, so
    // the window measures the steady state (tickd's peer calls Bun.gc(true);
    // under node this needs --expose-gc, which the runner passes).
    globalThis.gc?.();
    const now = this.now();
    this.setupMs = now - this.setupBegan;
    // After the warm-up (JIT tiers, first allocations), the same for every contender.
    this.windowStart = now + this.opts.warmup * 1000;
    this.windowEnd = this.windowStart + this.opts.duration * 1000;
    this.cpuStart = process.cpuUsage();
    if (this.opts.warmup > 0) setTimeout(() => (this.cpuStart = process.cpuUsage()), this.windowStart - now);
  }

  /** A callback started at `startMs` for the occurrence due at `dueMs`. */
  record(dueMs, startMs) {
    if (dueMs >= this.windowStart && dueMs < this.windowEnd) {
      this.late.push(startMs - dueMs);
      this.dues.push(dueMs);
    }
  }

  /** Wait out the window and the grace period, print the result line, return it. */
  async finish() {
    await sleepUntil(this.now, this.windowEnd);
    const cpu = process.cpuUsage(this.cpuStart);
    const rssMb = process.memoryUsage().rss / (1024 * 1024);
    await sleepUntil(this.now, this.windowEnd + GRACE_MS);
    const sorted = this.late.slice().sort((a, b) => a - b);
    const line = {
      peer: this.peer,
      jobs: this.opts.jobs,
      interval_s: this.opts.intervalText,
      duration_s: this.opts.duration,
      fired: sorted.length,
      expected: this.expected(this.windowStart, this.windowEnd),
      late_ms: {
        p50: round(percentile(sorted, 50)),
        p99: round(percentile(sorted, 99)),
        max: round(sorted.length ? sorted[sorted.length - 1] : null),
      },
      instants: lateInstants(this.dues, this.late),
      cpu_ms: round((cpu.user + cpu.system) / 1000, 1),
      setup_ms: round(this.setupMs, 1),
      rss_mb: round(rssMb, 1),
    };
    if (this.opts.samples) writeSamples(this.opts.samples, this.dues, this.late);
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return line;
  }
}

/** Count the instants first + k*period (k >= 0) inside [w0, w1). */
export function countGrid(first, periodMs, w0, w1) {
  if (first >= w1) return 0;
  const k0 = first >= w0 ? 0 : Math.ceil((w0 - first) / periodMs);
  const k1 = Math.ceil((w1 - first) / periodMs); // first k with instant >= w1
  return Math.max(0, k1 - k0);
}

/**
 * The six-field cron expression cron-style libraries use for "every n
 * seconds": the step goes in the seconds field below a minute, in the minutes
 * field for whole minutes, in the hours field for whole hours. Steps that do
 * not divide the field (7 s, 8 s, 9 s) restart at the top of the field; that
 * is what users of these libraries get, and what countCronGrid counts.
 */
export function cronEvery(n) {
  if (n === 1) return "* * * * * *";
  if (n < 60) return `*/${n} * * * * *`;
  if (n % 3600 === 0) return n === 3600 ? "0 0 * * * *" : `0 0 */${n / 3600} * * *`;
  if (n % 60 === 0) return n === 60 ? "0 * * * * *" : `0 */${n / 60} * * * *`;
  throw new Error(`cronEvery: ${n} s cannot be written as one cron step`);
}

/** Instants in [w0, w1) matched by cronEvery(n) (UTC fields; zone offsets are whole minutes here). */
export function countCronGrid(n, w0, w1) {
  const unit = n < 60 ? 1000 : n % 3600 === 0 ? 3_600_000 : 60_000;
  const step = n < 60 ? n : n % 3600 === 0 ? n / 3600 : n / 60;
  const modulo = n < 60 ? 60 : n % 3600 === 0 ? 24 : 60;
  let count = 0;
  for (let t = Math.ceil(w0 / unit) * unit; t < w1; t += unit) {
    if ((Math.floor(t / unit) % modulo) % step === 0) count++;
  }
  return count;
}

/**
 * Due instants in [w0, w1) of `jobs` jobs each on the cron grid of
 * `intervalFor(i)` seconds (the peers that express "every N seconds" as cron).
 */
export function expectedOnCronGrids(jobs, intervalFor, w0, w1) {
  const perInterval = new Map();
  let total = 0;
  for (let i = 0; i < jobs; i++) {
    const n = intervalFor(i);
    if (!perInterval.has(n)) perInterval.set(n, countCronGrid(n, w0, w1));
    total += perInterval.get(n);
  }
  return total;
}

/** Sleep until the clock reads `at` (timers may fire early by a ms; loop). */
async function sleepUntil(now, at) {
  for (;;) {
    const left = at - now();
    if (left <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, 1000)));
  }
}
