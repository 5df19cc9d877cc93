; Bun.gc(true); await Bun.sleep(300); console.log('none', (process.memoryUsage().rss/2**20).toFixed(1));
