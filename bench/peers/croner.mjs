// croner, run under node as its users run it.
// "Every N seconds" in croner's own idiom: pattern "* * * * * *" (every second)
// with the `interval: N` option for N > 1 (croner's documented way to say
// "every N seconds"; "*/N" in the seconds field would reset at each minute).
//
// Due times: croner does not pass the scheduled instant to the callback
// (currentRun() is the trigger time), so it is derived the way croner derives
// it: the first run is the next whole second after registration, and each
// later run is due at floor(previous trigger, 1 s) + N s.
import { Cron } from "croner";
import { parseArgs, Recorder, countGrid } from "./lib/harness.mjs";

const opts = parseArgs(process.argv.slice(2));
const rec = new Recorder("croner", opts);
const firsts = new Array(opts.jobs);
const jobs = [];

rec.setupStart();
for (let i = 0; i < opts.jobs; i++) {
  const n = opts.intervalFor(i);
  const registeredAt = rec.now();
  firsts[i] = Math.floor(registeredAt / 1000) * 1000 + 1000;
  const fn = (self) => {
    const start = rec.now();
    const previous = self.previousRun();
    const due = previous === null ? firsts[i] : Math.floor(previous.getTime() / 1000) * 1000 + n * 1000;
    rec.record(due, start);
  };
  jobs.push(n > 1 ? new Cron("* * * * * *", { interval: n }, fn) : new Cron("* * * * * *", fn));
}
rec.setupEnd();

rec.expected = (w0, w1) => {
  let total = 0;
  for (let i = 0; i < opts.jobs; i++) total += countGrid(firsts[i], opts.intervalFor(i) * 1000, w0, w1);
  return total;
};
await rec.finish();
for (const job of jobs) job.stop();
process.exit(0);
