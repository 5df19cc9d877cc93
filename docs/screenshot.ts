/**
 * docs/dashboard.png and docs/dashboard-panel.png: the dashboard of a real
 * `tickd run` (the compiled binary) with some history, in headless Chromium.
 *
 *   node_modules/.bin/bun run src/build.ts && node_modules/.bin/bun run docs/screenshot.ts
 *
 * The history is 30 days of runs of a few jobs, seeded into the store before
 * the start (so the first prune writes their daily roll-ups, as a running
 * instance has), then real runs: a failing check, a job paused for a
 * migration, a slow import going on, a manual job run by hand, alerts to a
 * webhook nobody listens on (the failing-channel banner).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";
import { chromium } from "playwright-core";

const BINARY = process.env.TICKD_BIN ?? path.resolve("dist/tickd");
const OUT = path.resolve(import.meta.dir);
const DAY = 86_400_000;

const JOBS_TS = `
import { Result, STATUS } from "tickd";
/** Sends the morning report to the sales team. */
export function morningReport() { return Result(STATUS.success, { message: "sent to 14 recipients" }); }
/** Pulls new invoices from the billing provider. */
export async function syncInvoices() {
  await new Promise((r) => setTimeout(r, 40 + Math.random() * 120));
  return Result(STATUS.success, { message: \`\${Math.floor(Math.random() * 9)} invoices synced\` });
}
/** Checks free disk space on the database volume. */
export function diskCheck() { return Result(STATUS.failure, { message: "disk 97% full on /var/lib/postgresql" }); }
/** Imports the partner feeds; takes a while. */
export async function importFeeds(_kwargs, ctx) {
  await new Promise((r) => { const t = setTimeout(r, 120_000); ctx.signal.addEventListener("abort", () => { clearTimeout(t); r(undefined); }); });
  return Result(STATUS.success, { message: "3 feeds imported" });
}
/** Backs up the database to object storage. */
export function backup() { return Result(STATUS.success, { message: "12.4 GB uploaded" }); }
/** Rebuilds the search index after a schema change. */
export function reindex() { return Result(STATUS.success, { message: "48,210 documents indexed" }); }
`;

const INI = `
[send the morning report]
call = app.jobs.morningReport
cron = 0 7 * * 1-5
timezone = Europe/Berlin

[sync invoices]
call = app.jobs.syncInvoices
every = 5 seconds

[disk check]
call = app.jobs.diskCheck
every = 6 hours

[import partner feeds]
call = app.jobs.importFeeds
every = 1 hour
warn_after = 2 seconds

[nightly backup]
call = app.jobs.backup
every = day
at = 03:00

[rebuild search index]
call = app.jobs.reindex
every = manual
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

const dir = mkdtempSync(path.join(os.tmpdir(), "tickd-screenshot-"));
mkdirSync(path.join(dir, "config"));
mkdirSync(path.join(dir, "app"));
writeFileSync(path.join(dir, "app", "jobs.ts"), JOBS_TS);
const config = path.join(dir, "config", "scheduler.ini");
writeFileSync(config, INI);
let proc: ReturnType<typeof Bun.spawn> | undefined;
try {
  if (Bun.spawnSync([BINARY, "migrate", "--config", config]).exitCode !== 0) throw new Error(`${BINARY} migrate failed`);
  // 30 days of history: every 30 minutes for the sync, daily for the report and the backup.
  const db = createClient({ url: `file:${path.join(dir, "config", "scheduler.db")}` });
  const now = Date.now();
  const rows: (string | number)[][] = [];
  let n = 0;
  const add = (label: string, at: number, ms: number, status: string, message: string) => rows.push([`seed-${n++}`, label, at, at, at + ms, status, message, "web-1:4121"]);
  for (let at = now - 30 * DAY; at < now - 60_000; at += 30 * 60_000) {
    const hour = new Date(at).getUTCHours();
    // Slower in the evening peak, one bad afternoon a week ago.
    const ms = 60 + Math.round(Math.random() * 90) + (hour >= 17 && hour <= 20 ? 140 : 0);
    const bad = at > now - 8 * DAY && at < now - 7.8 * DAY;
    add("sync invoices", at, bad ? 10_000 : ms, bad ? "timeout" : "success", bad ? "timed out after 10 seconds" : `${Math.floor(Math.random() * 9)} invoices synced`);
  }
  for (let d = 30; d >= 1; d--) {
    const day = Math.floor(now / DAY - d) * DAY;
    add("send the morning report", day + 6 * 3_600_000, 800 + Math.round(Math.random() * 600), "success", "sent to 14 recipients");
    add("nightly backup", day + 3 * 3_600_000, 40 * 60_000 + Math.round(Math.random() * 15 * 60_000), d === 12 ? "failure" : "success", d === 12 ? "upload failed: 503 from storage" : "12.4 GB uploaded");
    add("disk check", day + 12 * 3_600_000, 300, "success", "disk 71% full");
  }
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await db.execute({
      sql: `INSERT INTO activity (run_id, label, scheduled_for, started_at, ended_at, status, message, instance) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
      args: chunk.flat(),
    });
  }
  db.close();

  const port = await freePort();
  const hook = `https://hooks.example.invalid/services/T000/B000/XXXX`;
  proc = Bun.spawn([BINARY, "run", "--config", config, "--listen", `127.0.0.1:${port}`, "--keep", "90 days", "--notify", hook, "--log-format", "json"], { cwd: dir, stdout: "ignore", stderr: "pipe" });
  let log = "";
  void (async () => {
    for await (const chunk of proc!.stderr as ReadableStream<Uint8Array>) log += new TextDecoder().decode(chunk);
  })();
  for (let i = 0; i < 400 && !log.includes('"retention.pruned"'); i++) await Bun.sleep(50);
  const url = `http://127.0.0.1:${port}`;
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: unknown; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const tomorrow = new Date(Math.floor(now / DAY + 1) * DAY + 6 * 3_600_000).toISOString();
  await gql(`mutation ($until: DateTime) { pauseJob(label: "nightly backup", note: "storage migration", until: $until) { label } }`, { until: tomorrow });
  await gql(`mutation { runJobNow(label: "disk check") { status } }`);
  await gql(`mutation { runJobNow(label: "disk check") { status } }`);
  await gql(`mutation { runJobNow(label: "rebuild search index") { status } }`);
  await gql(`mutation { runJobNow(label: "import partner feeds", wait: false) { status } }`);
  // Let the sync run a few times, the import become slow and the alert's delivery fail.
  await Bun.sleep(12_000);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
    await page.goto(`${url}/`);
    await page.locator("#conn-text", { hasText: "Live" }).waitFor({ timeout: 15_000 });
    await page.locator('tr[data-label="import partner feeds"].slow').waitFor({ timeout: 15_000 });
    await page.locator("#channels").waitFor({ state: "visible", timeout: 20_000 });
    await Bun.sleep(500);
    await page.screenshot({ path: path.join(OUT, "dashboard.png") });
    // A paused job's panel: who paused it, why and until when, the controls, and its history.
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.locator('tr[data-label="nightly backup"]').getByRole("button", { name: "nightly backup", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "nightly backup" });
    await dialog.locator(".pause-box").waitFor();
    await dialog.locator("table.runs tbody tr").first().waitFor();
    await Bun.sleep(500);
    await page.screenshot({ path: path.join(OUT, "dashboard-panel.png") });
    console.log(`wrote ${path.join(OUT, "dashboard.png")} and dashboard-panel.png`);
  } finally {
    await browser.close();
  }
} finally {
  proc?.kill("SIGTERM");
  await proc?.exited;
  rmSync(dir, { recursive: true, force: true });
}
