import * as g from "@pothos/core"; console.log(typeof g.default); Bun.gc(true); await Bun.sleep(300); console.log('pothos', (process.memoryUsage().rss/2**20).toFixed(1));
