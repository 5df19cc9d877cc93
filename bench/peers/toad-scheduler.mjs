// toad-scheduler, run under node as its users run it.
// "Every N seconds" in toad-scheduler's idiom: a SimpleIntervalJob({ seconds: N })
// (one setInterval per job).
//
// Due times: toad-scheduler does not say when a run was due, so they come from
// the job's grid: the instant the job was added + k * N seconds for the k-th run.
// setInterval re-arms from when it fired, so any drift shows up as lateness.
import { ToadScheduler, SimpleIntervalJob, Task } from "toad-scheduler";
import { parseArgs, Recorder, countGrid } from "./lib/harness.mjs";

const opts = parseArgs(process.argv.slice(2));
const rec = new Recorder("toad-scheduler", opts);
const scheduler = new ToadScheduler();
const added = new Array(opts.jobs);

rec.setupStart();
for (let i = 0; i < opts.jobs; i++) {
  const periodMs = opts.intervalFor(i) * 1000;
  let runs = 0;
  const task = new Task(`job-${i}`, () => {
    const start = rec.now();
    runs += 1;
    rec.record(added[i] + runs * periodMs, start);
  });
  added[i] = rec.now();
  scheduler.addSimpleIntervalJob(new SimpleIntervalJob({ seconds: periodMs / 1000 }, task, { id: `job-${i}` }));
}
rec.setupEnd();

rec.expected = (w0, w1) => {
  let total = 0;
  for (let i = 0; i < opts.jobs; i++) {
    const periodMs = opts.intervalFor(i) * 1000;
    total += countGrid(added[i] + periodMs, periodMs, w0, w1);
  }
  return total;
};
await rec.finish();
scheduler.stop();
process.exit(0);
