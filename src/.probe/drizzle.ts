import * as g from "drizzle-orm/libsql"; console.log(typeof g.drizzle); Bun.gc(true); await Bun.sleep(300); console.log('drizzle', (process.memoryUsage().rss/2**20).toFixed(1));
