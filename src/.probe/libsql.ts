import * as g from "@libsql/client"; console.log(typeof g.createClient); Bun.gc(true); await Bun.sleep(300); console.log('libsql', (process.memoryUsage().rss/2**20).toFixed(1));
