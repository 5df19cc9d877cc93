/**
 * The store's own tests (test/store/: claims, recording runs, lifecycle and heartbeats, the job rows,
 * activity queries) run again on PostgreSQL: each tempDb() is a fresh database
 * on one throwaway cluster. What differs between the dialects is then tested
 * by the same sentences.
 */
import { afterAll } from "bun:test";
import { databases } from "../store/fixtures.ts";
import { startPostgres } from "../helpers/postgres.ts";

const pg = await startPostgres();
let n = 0;
databases.fresh = () => pg.createDatabase(`store_${++n}`);

await import("../store/engine-store.test.ts");
await import("../store/activity.test.ts");
await import("../store/jobs.test.ts");
await import("../store/heartbeat.test.ts");

// After the suites' own afterAll hooks (registered above, as they were imported), which close their stores.
afterAll(() => pg.stop(), 30_000);
