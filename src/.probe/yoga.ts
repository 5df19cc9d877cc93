import * as g from "graphql-yoga"; console.log(typeof g.createYoga); Bun.gc(true); await Bun.sleep(300); console.log('yoga', (process.memoryUsage().rss/2**20).toFixed(1));
