// croner, run under node as its users run it.
// "Every N seconds" in croner's own idiom: below a minute, pattern
// "* * * * * *" (every second) with the `interval: N` option for N > 1
// (croner's documented way to say "every N seconds"; a "*/N" step in the
// seconds field would restart at each minute). Whole minutes or hours are
// cron steps (cronEvery(): "0 0 * * * *" for hourly), as croner users write them.
//
// Due times: croner does not pass the scheduled instant to the callback
// (currentRun() is the trigger time), so it is derived the way croner derives
// it. Interval jobs: the first run is the next whole second after
// registration, each later run is due at floor(previous trigger, 1 s) + N s.
// Pattern jobs: the latest instant of the pattern's grid at or before the start.
import { Cron } from "croner";
import { parseArgs, Recorder, countGrid, countCronGrid, cronEvery } from "./lib/harness.mjs";

const opts = parseArgs(process.argv.slice(2));
const rec = new Recorder("croner", opts);
const firsts = new Array(opts.jobs);
const jobs = [];

rec.setupStart();
for (let i = 0; i < opts.jobs; i++) {
  const n = opts.intervalFor(i);
  if (n < 60) {
    const registeredAt = rec.now();
    firsts[i] = Math.floor(registeredAt / 1000) * 1000 + 1000;
    const fn = (self) => {
      const start = rec.now();
      const previous = self.previousRun();
      const due = previous === null ? firsts[i] : Math.floor(previous.getTime() / 1000) * 1000 + n * 1000;
      rec.record(due, start);
    };
    jobs.push(n > 1 ? new Cron("* * * * * *", { interval: n }, fn) : new Cron("* * * * * *", fn));
  } else {
    const unit = n % 3600 === 0 ? 3_600_000 : 60_000;
    jobs.push(
      new Cron(cronEvery(n), () => {
        const start = rec.now();
        rec.record(Math.floor(start / unit) * unit, start);
      }),
    );
  }
}
rec.setupEnd();

rec.expected = (w0, w1) => {
  let total = 0;
  for (let i = 0; i < opts.jobs; i++) {
    const n = opts.intervalFor(i);
    total += n < 60 ? countGrid(firsts[i], n * 1000, w0, w1) : countCronGrid(n, w0, w1);
  }
  return total;
};
await rec.finish();
for (const job of jobs) job.stop();
process.exit(0);
