// node-schedule, run under node as its users run it.
// "Every N seconds" in node-schedule's idiom: scheduleJob with a six-field cron
// string from cronEvery(): "* * * * * *", "*/N * * * * *", "0 0 * * * *" hourly (its
// RecurrenceRule with a seconds Range is the same grid).
//
// Due times: node-schedule passes the fire date to the job function.
import schedule from "node-schedule";
import { parseArgs, Recorder, cronEvery, expectedOnCronGrids } from "./lib/harness.mjs";

const opts = parseArgs(process.argv.slice(2));
const rec = new Recorder("node-schedule", opts);

rec.setupStart();
for (let i = 0; i < opts.jobs; i++) {
  const n = opts.intervalFor(i);
  const expression = cronEvery(n);
  schedule.scheduleJob(expression, (fireDate) => {
    const start = rec.now();
    rec.record(fireDate.getTime(), start);
  });
}
rec.setupEnd();

rec.expected = (w0, w1) => expectedOnCronGrids(opts.jobs, opts.intervalFor, w0, w1);
await rec.finish();
await schedule.gracefulShutdown();
process.exit(0);
