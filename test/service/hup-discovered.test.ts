/**
 * An operator runs `tickd discover` on the command line while the service
 * runs, then reloads it (SIGHUP, `systemctl reload`): the active discovered
 * jobs are scheduled without a restart.
 */
import { expect, test } from "bun:test";
import path from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { BINARY, tempDir, tickd } from "../helpers/binary.ts";

test("jobs discovered by the CLI while the service runs are scheduled after SIGHUP", async () => {
  const t = tempDir("tickd-hup-discovered-");
  try {
    mkdirSync(path.join(t.dir, "config"));
    mkdirSync(path.join(t.dir, "app"));
    mkdirSync(path.join(t.dir, "apps", "billing"), { recursive: true });
    writeFileSync(path.join(t.dir, "app", "jobs.ts"), "export function ok() {}\n");
    writeFileSync(path.join(t.dir, "config", "scheduler.ini"), "[ok]\ncall = app.jobs.ok\nevery = 1 hour\n");
    writeFileSync(
      path.join(t.dir, "apps", "billing", "scheduler.ts"),
      `import { schedule } from "tickd";\nexport function invoices() {}\nschedule.register("billing", invoices, { every: "10 minutes", active: true });\n`,
    );
    const proc = Bun.spawn([BINARY, "run", "--listen", "127.0.0.1:0", "--log-format", "json"], { cwd: t.dir, stdout: "pipe", stderr: "pipe" });
    let log = "";
    void (async () => {
      for await (const chunk of proc.stderr) log += new TextDecoder().decode(chunk);
    })();
    for (let i = 0; i < 200 && !log.includes("scheduler.started"); i++) await Bun.sleep(25);
    const url = (JSON.parse(log.split("\n").find((l) => l.includes('"api.listening"'))!) as { url: string }).url;
    const labels = async () => {
      const res = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ jobs { edges { node { label active nextRunAt } } } }" }),
      });
      const body = (await res.json()) as { data: { jobs: { edges: { node: { label: string; active: boolean; nextRunAt: string | null } }[] } } };
      return body.data.jobs.edges.map((e) => e.node).filter((n) => n.nextRunAt !== null).map((n) => n.label);
    };
    expect(await labels()).toEqual(["ok"]);

    const discovered = await tickd(["discover", "--apps", "apps/billing"], { cwd: t.dir });
    expect(discovered.code).toBe(0);
    expect(await labels()).toEqual(["ok"]); // not yet: the service has not been told

    proc.kill("SIGHUP");
    for (let i = 0; i < 100 && !log.includes('"event":"reloaded"'); i++) await Bun.sleep(25);
    expect(log).toContain('"added":"billing.invoices"');
    expect((await labels()).sort()).toEqual(["billing.invoices", "ok"]);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  } finally {
    t.cleanup();
  }
});
