/**
 * An operator runs `tickd discover` on the command line while the service
 * runs, then reloads it (SIGHUP, `systemctl reload`): the active discovered
 * jobs are scheduled without a restart.
 */
import { expect, test } from "bun:test";
import { tickd } from "../helpers/binary.ts";
import { logged, startService, writeProject } from "../helpers/service.ts";

test("jobs discovered by the CLI while the service runs are scheduled after SIGHUP", async () => {
  const p = writeProject("[ok]\ncall = app.jobs.ok\nevery = 1 hour\n", {
    "app/jobs.ts": "export function ok() {}\n",
    "apps/billing/scheduler.ts": `import { schedule } from "tickd";\nexport function invoices() {}\nschedule.register("billing", invoices, { every: "10 minutes", active: true });\n`,
  });
  try {
    const svc = await startService(p.dir);
    const scheduled = async () => {
      const body = await svc.gql("{ jobs { edges { node { label nextRunAt } } } }");
      const nodes = (body.data!.jobs.edges as { node: { label: string; nextRunAt: string | null } }[]).map((e) => e.node);
      return nodes.filter((n) => n.nextRunAt !== null).map((n) => n.label).sort();
    };
    expect(await scheduled()).toEqual(["ok"]);

    const discovered = await tickd(["discover", "--apps", "apps/billing"], { cwd: p.dir });
    expect(discovered.code).toBe(0);
    expect(await scheduled()).toEqual(["ok"]); // not yet: the service has not been told

    svc.signal("SIGHUP");
    await logged(svc, '"event":"reloaded"');
    expect(svc.log()).toContain('"added":"billing.invoices"');
    expect(await scheduled()).toEqual(["billing.invoices", "ok"]);
    expect(await svc.stop()).toBe(0);
  } finally {
    p.cleanup();
  }
});
