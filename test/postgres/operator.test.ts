/**
 * Operator changes made through one instance reach the others on the same
 * PostgreSQL (LISTEN/NOTIFY, with a poll behind it): switched off through A's
 * API, the job is off on B within the bound and no instance starts it any
 * more; switched on through B's, it runs again.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { faultProject, Instance, killAllSpawned, type FaultProject } from "../faults/harness.ts";
import { pgQuery, startPostgres, type PgCluster } from "../helpers/postgres.ts";

/** A change reaches every instance within this (a notification takes milliseconds; the poll behind it 5 s). */
const BOUND_MS = 2_000;

let pg: PgCluster;
let project: FaultProject;
let a: Instance;
let b: Instance;

async function gql(instance: Instance, query: string): Promise<Record<string, any>> {
  const res = await fetch(`${instance.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** How long until `instance` says the job is `active` (throws past `withinMs`). */
async function until(instance: Instance, active: boolean, withinMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < withinMs * 3) {
    const data = await gql(instance, `{ job(label: "tick") { active } }`);
    if (data.job.active === active) return Date.now() - t0;
    await Bun.sleep(20);
  }
  throw new Error(`instance ${instance.id} never saw tick active=${active}`);
}

const startsSince = async (since: number) =>
  (await pgQuery<{ n: number }>(pg.url, `SELECT COUNT(*)::int AS n FROM activity WHERE label = 'tick' AND started_at > ${since}`))[0]!.n;

describe("operator changes on one instance reach the others", () => {
  beforeAll(async () => {
    pg = await startPostgres();
    project = faultProject({ jobs: [{ label: "tick", schedule: "every = 1 second", periodMs: 1000 }], dbUrl: pg.url });
    a = new Instance(project, { name: "a", api: true });
    b = new Instance(project, { name: "b", api: true });
    await a.start();
    await b.start();
    await Bun.sleep(1_500);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a, b].map((i) => i?.stop().catch(() => {})));
    await killAllSpawned();
    project?.cleanup();
    pg?.stop();
  }, 30_000);

  test("switched off through A, it is off on B within the bound, and nobody starts it", async () => {
    expect(await startsSince(0)).toBeGreaterThan(0);
    const off = await gql(a, `mutation { deactivateJob(label: "tick") { active } }`);
    expect(off.deactivateJob.active).toBe(false);
    const switchedAt = Date.now();
    const took = await until(b, false, BOUND_MS);
    expect(took).toBeLessThanOrEqual(BOUND_MS);
    await Bun.sleep(2_500);
    // Runs prepared before B heard of it may start within a second of the switch; none after.
    expect(await startsSince(switchedAt + BOUND_MS)).toBe(0);
  }, 30_000);

  test("switched on through B, it is on on A within the bound and runs again", async () => {
    await gql(b, `mutation { activateJob(label: "tick") { active } }`);
    const switchedAt = Date.now();
    expect(await until(a, true, BOUND_MS)).toBeLessThanOrEqual(BOUND_MS);
    await Bun.sleep(2_500);
    expect(await startsSince(switchedAt)).toBeGreaterThan(0);
    expect(a.logText()).toContain('"event":"jobs.synced"');
  }, 30_000);
});
