/**
 * The floor: what this machine allows any JavaScript scheduler, measured the
 * same way as the contenders. No scheduler at all: the due instants are known
 * in advance, and the process wakes for each with tickd's own technique (a
 * timer EARLY_WAKE_MS before, a sleep in the kernel until WATCH_SPIN_MS
 * before, then reading the clock), then calls the callbacks due in one loop.
 * No store, no records, no schedule arithmetic.
 *
 * Where tickd is late and the floor is not, the cost is tickd's; where both
 * are late at the same rate, it is the machine's (a virtual CPU the host did
 * not run, a wake the kernel delivered late). bench/engine.ts runs the two
 * alternately.
 *
 * Usage: bun bench/peers/floor.ts --jobs 1000 --interval 1 --duration 20 [--warmup 3] [--samples FILE]
 */
import { EARLY_WAKE_MS, WATCH_SPIN_MS } from "../../src/engine/constants.ts";
import { countGrid, parseArgs, Recorder } from "./lib/harness.mjs";

const opts = parseArgs(process.argv.slice(2));
const rec = new Recorder("floor", opts);

rec.setupStart();
const registeredAt = rec.now();
// Callbacks by interval (s): at second m after registration, the jobs whose
// interval divides m are due. Every job holds the same callback, as every job
// of tickd's peer resolves to the same no-op: one call site, one target.
const callback = (due: number) => rec.record(due, rec.now());
const byInterval = new Map<number, ((due: number) => void)[]>();
for (let i = 0; i < opts.jobs; i++) {
  const s = opts.intervalFor(i);
  if (!byInterval.has(s)) byInterval.set(s, []);
  byInterval.get(s)!.push(callback);
}
rec.expected = (w0, w1) => {
  let n = 0;
  for (const [s, jobs] of byInterval) n += jobs.length * countGrid(registeredAt + s * 1000, s * 1000, w0, w1);
  return n;
};
rec.setupEnd();

const cell = new Int32Array(new SharedArrayBuffer(4));
let second = 1;
const nextDue = (): number => {
  for (;; second++) for (const s of byInterval.keys()) if (second % s === 0) return registeredAt + second * 1000;
};

function arm(): void {
  const due = nextDue();
  if (due >= rec.windowEnd) return;
  setTimeout(() => fire(due), Math.max(0, due - rec.now() - EARLY_WAKE_MS));
}

function fire(due: number): void {
  const sleep = due - rec.now() - WATCH_SPIN_MS;
  if (sleep > 0) Atomics.wait(cell, 0, 0, sleep);
  while (rec.now() < due);
  for (const [s, jobs] of byInterval) if (second % s === 0) for (const job of jobs) job(due);
  second++;
  arm();
}

arm();
await rec.finish();
