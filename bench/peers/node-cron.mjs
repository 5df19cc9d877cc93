// node-cron, run under node as its users run it.
// "Every N seconds" in node-cron's idiom: a six-field expression from cronEvery():
// "* * * * * *" for N = 1, "*/N * * * * *" below a minute, "0 0 * * * *" hourly (node-cron has no interval option,
// so N = 7, 8, 9 restart at each minute: the expected count follows that grid).
//
// Due times: node-cron passes the scheduled slot to the task as `ctx.date`.
import cron from "node-cron";
import { parseArgs, Recorder, cronEvery, expectedOnCronGrids } from "./lib/harness.mjs";

const opts = parseArgs(process.argv.slice(2));
const rec = new Recorder("node-cron", opts);
const tasks = [];

rec.setupStart();
for (let i = 0; i < opts.jobs; i++) {
  const n = opts.intervalFor(i);
  const expression = cronEvery(n);
  tasks.push(
    cron.schedule(expression, (ctx) => {
      const start = rec.now();
      rec.record(ctx.date.getTime(), start);
    }),
  );
}
rec.setupEnd();

rec.expected = (w0, w1) => expectedOnCronGrids(opts.jobs, opts.intervalFor, w0, w1);
await rec.finish();
for (const task of tasks) task.stop();
process.exit(0);
