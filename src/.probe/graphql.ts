import * as g from "graphql"; console.log(typeof g.parse); Bun.gc(true); await Bun.sleep(300); console.log('graphql', (process.memoryUsage().rss/2**20).toFixed(1));
