import * as g from "croner"; console.log(typeof g.Cron); Bun.gc(true); await Bun.sleep(300); console.log('croner', (process.memoryUsage().rss/2**20).toFixed(1));
