/**
 * /metrics from the compiled binary, as Prometheus scrapes it: promtool
 * (Debian package `prometheus`) accepts the text, no series carries the
 * target labels `job`/`instance`, every job has its series from the first
 * scrape, retries stay out of the lateness histogram, and a failure streak
 * survives a restart. The example alerting rules (docs/alerts.yml) pass
 * `promtool check rules`, and `promtool test rules` fires them on series
 * shaped like tickd's.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir } from "../helpers/binary.ts";
import { startService, writeProject, type Project, type Service } from "../helpers/service.ts";

const ALERTS = path.resolve(import.meta.dir, "../../docs/alerts.yml");

const INI = `
[ok]
every = 1 second
call = app.jobs.ok

[broken]
every = 1 second
call = app.jobs.broken
retries = 1
retry_delay = 1 second

[weekly]
every = 1 week
call = app.jobs.ok
`;

const JOBS = `
export function ok() {}
export function broken() { throw new Error("broken on purpose"); }
`;

async function promtool(args: string[], stdin?: string): Promise<{ code: number; out: string }> {
  const proc = Bun.spawn(["promtool", ...args], { stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin), stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code: await proc.exited, out: out + err };
}

async function scrape(service: Service): Promise<string> {
  const res = await fetch(`${service.url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one series, by its exact name and labels. */
function value(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  if (line === undefined) throw new Error(`no series ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

let project: Project;
let service: Service;
let first: string;
beforeAll(async () => {
  project = writeProject(INI, { "app/jobs.ts": JOBS });
  service = await startService(project.dir, ["--db", `file:${path.join(project.dir, "tickd.db")}`]);
  first = await scrape(service);
}, 20_000);
afterAll(async () => {
  await service?.stop();
  project?.cleanup();
});

describe("/metrics", () => {
  test("every job has its series from the first scrape, at zero, before any run", () => {
    expect(value(first, 'tickd_runs_total{label="weekly",status="success",trigger="schedule"}')).toBe(0);
    expect(value(first, 'tickd_runs_total{label="weekly",status="failure",trigger="schedule"}')).toBe(0);
    expect(value(first, 'tickd_job_consecutive_failures{label="weekly"}')).toBe(0);
    expect(value(first, 'tickd_job_last_success_timestamp_seconds{label="weekly"}')).toBe(0);
    expect(value(first, 'tickd_job_duration_seconds_count{label="weekly"}')).toBe(0);
    expect(value(first, 'tickd_occurrences_missed_total{label="weekly"}')).toBe(0);
    const next = value(first, 'tickd_job_next_run_timestamp_seconds{label="weekly"}');
    expect(next).toBeGreaterThan(Date.now() / 1000 + 6 * 86_400);
  });

  test("promtool accepts the text, and no series carries Prometheus's target labels job or instance", async () => {
    // Wait for failures and retries to be counted too.
    let text = first;
    for (let i = 0; i < 80 && !/^tickd_runs_total\{label="broken",status="error",trigger="retry"\} [1-9]/m.test(text); i++) {
      await Bun.sleep(100);
      text = await scrape(service);
    }
    const check = await promtool(["check", "metrics"], text);
    expect(check).toEqual({ code: 0, out: "" });
    expect(text).not.toMatch(/[{,](job|instance)="/);
    expect(text).toMatch(/^tickd_info\{version="[^"]+",name="[^"]+"\} 1$/m);
  }, 20_000);

  test("per job: last success, last run, failure streak and durations, by status and trigger", async () => {
    // `broken` has one retry: each occurrence ends with its retry's error, and the streak counts occurrences, not attempts.
    const retried = 'tickd_runs_total{label="broken",status="error",trigger="retry"}';
    let text = await scrape(service);
    for (let i = 0; i < 80 && value(text, retried) < 2; i++) {
      await Bun.sleep(100);
      text = await scrape(service);
    }
    const now = Date.now() / 1000;
    expect(value(text, 'tickd_runs_total{label="ok",status="success",trigger="schedule"}')).toBeGreaterThanOrEqual(1);
    expect(value(text, 'tickd_job_last_success_timestamp_seconds{label="ok"}')).toBeGreaterThan(now - 10);
    expect(value(text, 'tickd_job_consecutive_failures{label="ok"}')).toBe(0);
    expect(value(text, retried)).toBeGreaterThanOrEqual(2);
    expect(value(text, 'tickd_job_consecutive_failures{label="broken"}')).toBe(value(text, retried));
    expect(value(text, 'tickd_runs_total{label="broken",status="error",trigger="schedule"}')).toBeGreaterThan(value(text, retried) - 1);
    expect(value(text, 'tickd_job_last_success_timestamp_seconds{label="broken"}')).toBe(0);
    expect(value(text, 'tickd_job_last_run_timestamp_seconds{label="broken"}')).toBeGreaterThan(now - 10);
    expect(value(text, 'tickd_job_duration_seconds_count{label="ok"}')).toBeGreaterThanOrEqual(1);
  }, 15_000);

  test("retries wait their delay, and stay out of the lateness histogram", async () => {
    // A few scheduled runs of both jobs, with retries of `broken` among them.
    const retried = 'tickd_runs_total{label="broken",status="error",trigger="retry"}';
    let text = await scrape(service);
    for (let i = 0; i < 150 && (value(text, "tickd_run_lateness_seconds_count") < 4 || value(text, retried) < 3); i++) {
      await Bun.sleep(100);
      text = await scrape(service);
    }
    // The histogram has one observation per scheduled start: the scheduled runs
    // that ended (none was skipped or missed: those never started), and at most
    // one going on for each of the two jobs. Counted, the retries would add one
    // each, more than that slack.
    const count = value(text, "tickd_run_lateness_seconds_count");
    const retries = value(text, retried);
    expect(count).toBeGreaterThanOrEqual(4);
    expect(retries).toBeGreaterThanOrEqual(3);
    const started = text
      .split("\n")
      .filter((l) => l.startsWith("tickd_runs_total{") && l.includes('trigger="schedule"') && !/status="(skipped|missed|paused)"/.test(l))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
    expect(count - started).toBeGreaterThanOrEqual(0);
    expect(count - started).toBeLessThanOrEqual(2);
    // Each retry waited its delay (1 s) after its failed attempt: the job's runs say so.
    const runs = await service.gql(`{ job(label: "broken") { runs(first: 20) { edges { node { attempt scheduledFor startedAt } } } } }`);
    const attempts = (runs.data?.job?.runs?.edges ?? []).map((e: any) => e.node);
    const seconds = attempts.filter((r: any) => r.attempt === 2).map((r: any) => (Date.parse(r.startedAt) - Date.parse(r.scheduledFor)) / 1000);
    expect(seconds.length).toBeGreaterThanOrEqual(1);
    for (const s of seconds) expect(s).toBeGreaterThanOrEqual(1);
  }, 25_000);

  test("a restart on the same store keeps each job's last success and failure streak", async () => {
    const before = await scrape(service);
    expect(await service.stop()).toBe(0);
    const streak = value(before, 'tickd_job_consecutive_failures{label="broken"}');
    const lastOk = value(before, 'tickd_job_last_success_timestamp_seconds{label="ok"}');
    service = await startService(project.dir, ["--db", `file:${path.join(project.dir, "tickd.db")}`]);
    const after = await scrape(service);
    // At least what was recorded before the stop (a run may have ended between the scrape and the stop).
    expect(value(after, 'tickd_job_consecutive_failures{label="broken"}')).toBeGreaterThanOrEqual(streak);
    expect(value(after, 'tickd_job_last_success_timestamp_seconds{label="ok"}')).toBeGreaterThanOrEqual(lastOk);
    expect(value(after, 'tickd_runs_total{label="broken",status="error",trigger="schedule"}')).toBe(0);
  });
});

describe("docs/alerts.yml", () => {
  test("promtool check rules accepts it", async () => {
    const check = await promtool(["check", "rules", ALERTS]);
    expect(check.code).toBe(0);
    expect(check.out).toContain("SUCCESS: 3 rules found");
  });

  test("its rules fire on series shaped like tickd's: a failing job, a job without a success for twice its interval, an instance down", async () => {
    const t = tempDir("tickd-alert-rules-");
    try {
      // One minute per sample: `ok` succeeds every minute; `stale` last succeeded at 0 with a 1-minute interval;
      // `failing` has failed since minute 2; the `down` target stops answering.
      const tests = `rule_files:
  - ${ALERTS}
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'tickd_job_consecutive_failures{job="tickd",instance="a:9090",label="failing"}'
        values: '0 0 1 2 3 4 5 6 7 8 9 10'
      - series: 'tickd_job_consecutive_failures{job="tickd",instance="a:9090",label="ok"}'
        values: '0x11'
      - series: 'tickd_job_last_success_timestamp_seconds{job="tickd",instance="a:9090",label="ok"}'
        values: '0+60x11'
      - series: 'tickd_job_last_run_timestamp_seconds{job="tickd",instance="a:9090",label="ok"}'
        values: '0+60x11'
      - series: 'tickd_job_next_run_timestamp_seconds{job="tickd",instance="a:9090",label="ok"}'
        values: '60+60x11'
      - series: 'tickd_job_last_success_timestamp_seconds{job="tickd",instance="a:9090",label="stale"}'
        values: '0x11'
      - series: 'tickd_job_last_run_timestamp_seconds{job="tickd",instance="a:9090",label="stale"}'
        values: '0+60x11'
      - series: 'tickd_job_next_run_timestamp_seconds{job="tickd",instance="a:9090",label="stale"}'
        values: '60+60x11'
      - series: 'up{job="tickd",instance="a:9090"}'
        values: '1x11'
      - series: 'up{job="tickd",instance="b:9090"}'
        values: '1 1 0 0 0 0 0 0 0 0 0 0'
    alert_rule_test:
      - eval_time: 10m
        alertname: TickdJobFailing
        exp_alerts:
          - exp_labels: { severity: warning, job: tickd, instance: "a:9090", label: failing }
            exp_annotations:
              summary: 'tickd job "failing" is failing'
              description: 'Its last 9 occurrences on a:9090 went wrong (failure, error, timeout, abandoned or missed); see its history in the dashboard or with tickd history --label "failing".'
      - eval_time: 10m
        alertname: TickdJobNoRecentSuccess
        exp_alerts:
          - exp_labels: { severity: warning, job: tickd, instance: "a:9090", label: stale }
            exp_annotations:
              summary: 'tickd job "stale" has not succeeded for twice its interval'
              description: 'Its last success on a:9090 was 10m 0s ago.'
      - eval_time: 10m
        alertname: TickdDown
        exp_alerts:
          - exp_labels: { severity: critical, job: tickd, instance: "b:9090" }
            exp_annotations:
              summary: 'tickd on b:9090 is down'
              description: 'Prometheus has not reached /metrics on b:9090 for 5 minutes: no job of this instance runs or is recorded.'
`;
      const file = path.join(t.dir, "alerts.test.yml");
      writeFileSync(file, tests);
      const run = await promtool(["test", "rules", file]);
      expect(run.out).toContain("SUCCESS");
      expect(run.code).toBe(0);
    } finally {
      t.cleanup();
    }
  });
});
