/**
 * Multi-tenant layout (SPEC 9, examples/tenants): one binary, one config,
 * database and port per tenant. Nothing of one tenant — jobs, discovered
 * jobs, runs, instance settings — shows up in the other's database.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, readFileSync } from "node:fs";
import path from "node:path";
import { createClient } from "@libsql/client";
import { BINARY, freePort, tempDir, tickd } from "../helpers/binary.ts";

const EXAMPLES = path.resolve(import.meta.dir, "../../examples/tenants");
const ENV = { TICKD_APPS: "", TICKD_LISTEN: "", TICKD_DB: "", TICKD_ROOT: "", TICKD_TIMEZONE: "UTC" };

let dir: string;
let cleanup: () => void;
const config = (tenant: string) => path.join(dir, tenant, "config", "scheduler.ini");
const dbFile = (tenant: string) => path.join(dir, tenant, "config", "scheduler.db");
const run = (...args: string[]) => tickd(args, { cwd: dir, env: ENV });

async function query(tenant: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = createClient({ url: `file:${dbFile(tenant)}` });
  try {
    return (await client.execute(sql)).rows.map((r) => ({ ...r }));
  } finally {
    client.close();
  }
}


beforeAll(() => {
  ({ dir, cleanup } = tempDir("tickd-tenants-"));
  cpSync(EXAMPLES, dir, { recursive: true });
});
afterAll(() => cleanup());

describe("two tenants on one machine", () => {
  test("the example tenants' job files pass check", async () => {
    expect(await run("check", "--config", config("acme"))).toMatchObject({ code: 0, stdout: "2 jobs OK\n" });
    expect(await run("check", "--config", config("globex"))).toMatchObject({ code: 0, stdout: "2 jobs OK\n" });
  });

  test("discovery in one tenant stores its jobs only in that tenant's database", async () => {
    const acme = await run("discover", "--config", config("acme"), "--apps", path.join(dir, "acme", "apps", "crm"));
    expect(acme.code).toBe(0);
    expect(acme.stdout).toStartWith("added     crm.sync_contacts (active)\n");
    const globex = await run("migrate", "--config", config("globex"));
    expect(globex.code).toBe(0);

    expect(await query("acme", "SELECT label, callback FROM jobs WHERE source = 'discovered'")).toEqual([{ label: "crm.sync_contacts", callback: "apps.crm.scheduler.sync_contacts" }]);
    expect(await query("globex", "SELECT label FROM jobs")).toEqual([]);
  });

  test("each tenant exports only its own jobs", async () => {
    const acme = await run("export-ini", "-p", "--config", config("acme"));
    const globex = await run("export-ini", "-p", "--config", config("globex"));
    const labels = (text: string) => [...text.matchAll(/^\[(.+)\]$/gm)].map((m) => m[1]);
    expect(labels(acme.stdout)).toEqual(["acme heartbeat", "acme nightly cleanup", "crm.sync_contacts"]);
    expect(labels(globex.stdout)).toEqual(["globex heartbeat", "globex invoices"]);
  });

  test("each tenant gets its own supervisord program, logs and port, and its own systemd instance via the template", async () => {
    const programs = await Promise.all(
      (["acme", "globex"] as const).map((t, i) =>
        tickd(["export-supervisord", path.join(dir, t, "cron", "scheduler.sh"), "-n", `tickd_${t}`, "--config", config(t), "--listen", `127.0.0.1:${7381 + i}`], {
          cwd: dir,
          env: { ...ENV, TICKD_TIMEZONE: "" },
        }),
      ),
    );
    const [acme, globex] = programs.map((p) => p.stdout);
    expect(acme).toContain("[program:tickd_acme]\n");
    expect(acme).toContain(`stdout_logfile=${path.join(dir, "acme", "logs", "tickd_acme.out.log")}\n`);
    expect(acme).toContain(`exec ${BINARY} run --config ${config("acme")} --listen 127.0.0.1:7381\n`);
    expect(globex).toContain("[program:tickd_globex]\n");
    expect(globex).toContain(`stdout_logfile=${path.join(dir, "globex", "logs", "tickd_globex.out.log")}\n`);
    expect(globex).toContain(`exec ${BINARY} run --config ${config("globex")} --listen 127.0.0.1:7382\n`);

    const systemd = await tickd(["export-systemd", "--config", config("acme")], { cwd: dir, env: { ...ENV, TICKD_TIMEZONE: "" } });
    expect(systemd.stdout).toContain(`ExecStart=${BINARY} run --config ${dir}/%i/config/scheduler.ini\n`);
    // The template reads each tenant's port from its tickd.env.
    expect(readFileSync(path.join(dir, "acme", "config", "tickd.env"), "utf8")).toContain("TICKD_LISTEN=127.0.0.1:7381\n");
    expect(readFileSync(path.join(dir, "globex", "config", "tickd.env"), "utf8")).toContain("TICKD_LISTEN=127.0.0.1:7382\n");
  });

  test("two running instances side by side: each runs and records only its own jobs", async () => {
    const ports = [await freePort(), await freePort()];
    const zones = ["America/New_York", "Europe/Berlin"];
    const procs = (["acme", "globex"] as const).map((t, i) =>
      Bun.spawn([BINARY, "run", "--config", config(t), "--listen", `127.0.0.1:${ports[i]}`, "--instance", `${t}-1`, "--timezone", zones[i]!], { cwd: dir, env: { ...process.env, ...ENV }, stdout: "pipe", stderr: "pipe" }),
    );
    try {
      // Both answer on their own port.
      for (const port of ports) {
        let ok = false;
        for (let i = 0; i < 100 && !ok; i++) {
          ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
          if (!ok) await Bun.sleep(100);
        }
        expect(ok).toBe(true);
      }
      // Each API reports its own tenant's settings.
      const settings = await Promise.all(
        ports.map(async (port) => {
          const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ query: "{ scheduler { configPath timezone instance } }" }),
          });
          return ((await res.json()) as { data: { scheduler: unknown } }).data.scheduler;
        }),
      );
      expect(settings).toEqual([
        { configPath: config("acme"), timezone: "America/New_York", instance: "acme-1" },
        { configPath: config("globex"), timezone: "Europe/Berlin", instance: "globex-1" },
      ]);
      // Heartbeats run every second; wait for two of each tenant.
      const heartbeats = async (t: string) => (await query(t, `SELECT COUNT(*) AS n FROM activity WHERE label = '${t} heartbeat' AND status = 'success'`))[0]!.n as number;
      for (let i = 0; i < 100 && ((await heartbeats("acme")) < 2 || (await heartbeats("globex")) < 2); i++) await Bun.sleep(100);
      expect(await heartbeats("acme")).toBeGreaterThanOrEqual(2);
      expect(await heartbeats("globex")).toBeGreaterThanOrEqual(2);
    } finally {
      for (const p of procs) p.kill("SIGTERM");
    }
    expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0]);

    const ofTenant = async (t: string) => ({
      jobs: (await query(t, "SELECT label FROM jobs ORDER BY label")).map((r) => r.label),
      runs: [...new Set((await query(t, "SELECT label FROM activity")).map((r) => r.label))].sort(),
      instances: [...new Set((await query(t, "SELECT instance FROM activity")).map((r) => r.instance))],
      messages: [...new Set((await query(t, "SELECT message FROM activity WHERE label LIKE '%heartbeat'")).map((r) => r.message))],
    });
    const acme = await ofTenant("acme");
    const globex = await ofTenant("globex");
    expect(acme.jobs).toEqual(["acme heartbeat", "acme nightly cleanup", "crm.sync_contacts"]);
    expect(globex.jobs).toEqual(["globex heartbeat", "globex invoices"]);
    expect(acme.runs).toEqual(["acme heartbeat"]);
    expect(globex.runs).toEqual(["globex heartbeat"]);
    expect(acme.instances).toEqual(["acme-1"]);
    expect(globex.instances).toEqual(["globex-1"]);
    expect(acme.messages).toEqual(["acme alive"]);
    expect(globex.messages).toEqual(["globex alive"]);
  }, 30_000);
});
