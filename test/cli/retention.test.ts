/**
 * Issue 16, "Retention in bounds", against the compiled binary: a store with
 * weeks of history (written as tickd writes it), then `tickd run`, whose
 * first prune runs at start. Each job keeps what its `keep` says, failures
 * stay for `keep_failures`, and the days whose runs are gone are left as
 * roll-ups with the right counts and percentiles, on the API and /metrics.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import path from "node:path";
import { createClient } from "@libsql/client";
import { BINARY } from "../helpers/binary.ts";
import { startService, writeProject, type Project, type Service } from "../helpers/service.ts";

const DAY = 86_400_000;
const NOW = Date.now();
const TODAY = Math.floor(NOW / DAY) * DAY;
/** Noon (UTC) k days ago. */
const noon = (k: number) => TODAY - k * DAY + 12 * 3_600_000;

const INI = `
[by count]
command = true
every = 1 day
keep = 5 runs

[by age]
command = true
every = 1 day
keep = 10 days
keep_failures = 1 year

[by default]
command = true
every = 1 day
`;

interface Seed {
  label: string;
  at: number;
  status: string;
  ms: number;
}

let project: Project;
let service: Service;
let dbUrl: string;
const seeds: Seed[] = [];

beforeAll(async () => {
  project = writeProject(INI);
  dbUrl = `file:${path.join(project.dir, "config", "scheduler.db")}`;
  const migrate = Bun.spawnSync([BINARY, "migrate", "--config", project.configPath]);
  expect(migrate.exitCode).toBe(0);
  // by count: three days ago 21 runs (durations 10..200 ms: 18 successes, 2 failures, and a skip), 3 a day on the two days since.
  for (let i = 1; i <= 20; i++) seeds.push({ label: "by count", at: noon(3) + i * 60_000, status: i <= 18 ? "success" : "failure", ms: i * 10 });
  seeds.push({ label: "by count", at: noon(3) + 30 * 60_000, status: "skipped", ms: 0 });
  for (const k of [2, 1]) for (let i = 0; i < 3; i++) seeds.push({ label: "by count", at: noon(k) + i * 60_000, status: "success", ms: 5 });
  // by age: a success a day 1..5 and 15..20 days ago; failures 200 and 400 days ago.
  for (const k of [1, 2, 3, 4, 5, 15, 16, 17, 18, 19, 20]) seeds.push({ label: "by age", at: noon(k), status: "success", ms: 100 });
  seeds.push({ label: "by age", at: noon(200), status: "failure", ms: 100 }, { label: "by age", at: noon(400), status: "error", ms: 100 });
  // by default: --keep 30 days (the default).
  for (const k of [29, 31]) seeds.push({ label: "by default", at: noon(k), status: "success", ms: 1 });
  const db = createClient({ url: dbUrl });
  await db.batch(
    seeds.map((s, i) => ({
      sql: "INSERT INTO activity (run_id, label, scheduled_for, started_at, ended_at, status, instance) VALUES (?, ?, ?, ?, ?, ?, 'seed')",
      args: [`seed-${i}`, s.label, s.at, s.at, s.at + s.ms, s.status],
    })),
    "write",
  );
  db.close();
  service = await startService(project.dir, ["--config", project.configPath]);
  for (let i = 0; i < 200 && !service.log().includes('"retention.pruned"'); i++) await Bun.sleep(25);
});

afterAll(async () => {
  await service?.stop();
  project?.cleanup();
});

async function left(label: string): Promise<{ at: number; status: string }[]> {
  const db = createClient({ url: dbUrl });
  const rs = await db.execute({ sql: "SELECT started_at, status FROM activity WHERE label = ? ORDER BY started_at", args: [label] });
  db.close();
  return rs.rows.map((r) => ({ at: Number(r.started_at), status: String(r.status) }));
}

describe("retention in the compiled binary", () => {
  test("keep = 5 runs leaves the newest five runs of the job", async () => {
    const kept = await left("by count");
    const newest = seeds.filter((s) => s.label === "by count").sort((a, b) => b.at - a.at).slice(0, 5).map((s) => s.at).sort((a, b) => a - b);
    expect(kept.map((r) => r.at)).toEqual(newest);
  });

  test("keep = 10 days deletes older runs, and keep_failures = 1 year keeps a failure of 200 days ago but not an error of 400", async () => {
    const kept = await left("by age");
    expect(kept.map((r) => (TODAY + DAY / 2 - r.at) / DAY)).toEqual([200, 5, 4, 3, 2, 1]);
    expect(kept[0]).toMatchObject({ at: noon(200), status: "failure" });
  });

  test("a job without keep follows --keep (30 days)", async () => {
    expect((await left("by default")).map((r) => r.at)).toEqual([noon(29)]);
  });

  test("the day whose runs are gone is a roll-up with its counts and nearest-rank percentiles, on the API", async () => {
    const { data, errors } = await service.gql(
      `{ job(label: "by count") { keep rollups(since: "${new Date(noon(10)).toISOString()}") { day runs successRate p50Ms p95Ms maxMs statuses { status count } } } }`,
    );
    expect(errors).toBeUndefined();
    expect(data!.job.keep).toBe("5 runs");
    const days = data!.job.rollups as { day: string; runs: number; successRate: number; p50Ms: number; p95Ms: number; maxMs: number; statuses: { status: string; count: number }[] }[];
    expect(days.map((d) => d.day)).toEqual([3, 2, 1].map((k) => new Date(TODAY - k * DAY).toISOString()));
    const three = days[0]!;
    expect({ runs: three.runs, p50: three.p50Ms, p95: three.p95Ms, max: three.maxMs, rate: three.successRate }).toEqual({ runs: 21, p50: 100, p95: 190, max: 200, rate: 0.9 });
    expect(three.statuses.filter((s) => s.count > 0)).toEqual([
      { status: "SUCCESS", count: 18 },
      { status: "FAILURE", count: 2 },
      { status: "SKIPPED", count: 1 },
    ]);
    // The day two days back lost one of its three runs to keep = 5 runs; its roll-up still counts all three.
    expect(days[1]).toMatchObject({ runs: 3, p50Ms: 5 });
  });

  test("the store's size is on scheduler { store } and /metrics", async () => {
    const { data } = await service.gql("{ scheduler { store { bytes runs rollups } } }");
    const store = data!.scheduler.store as { bytes: number; runs: number; rollups: number };
    expect(store.runs).toBe(5 + 6 + 1);
    expect(store.rollups).toBeGreaterThanOrEqual(3 + 11 + 2);
    expect(store.bytes).toBeGreaterThan(4096);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toContain(`tickd_store_rows{table="activity"} 12`);
    expect(metrics).toMatch(/^tickd_store_bytes \d{4,}$/m);
  });
});
