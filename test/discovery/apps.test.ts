/**
 * discoverApps: what a scheduler module's registrations become, and the
 * message for each way a registration can be wrong.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { discoverApps } from "../../src/discovery/index.ts";
import { tempDir } from "../helpers/binary.ts";

let dir: string;
let cleanup: () => void;

function write(rel: string, body: string): string {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `import { schedule } from "tickd";\n${body}\n`);
  return file;
}

const discover = (apps: string[], moduleName?: string) =>
  discoverApps({ apps: apps.map((a) => path.join(dir, a)), root: dir, zone: "UTC", ...(moduleName ? { moduleName } : {}) });

beforeEach(() => ({ dir, cleanup } = tempDir("tickd-apps-")));
afterEach(() => cleanup());

describe("discoverApps", () => {
  test("a registration becomes a discovered job: dotted callback, default label, typed kwargs, doc comment as description", async () => {
    const file = write(
      "shop/scheduler.ts",
      `/** Restock the shelves\n * every night. */\nexport function restock() {}\n` +
        `schedule.register("shop", restock, { every: "1 day", at: "04:00", kwargs: { limit: 10, dry_run: true, sku: "0042" }, timeout: "5 minutes" });`,
    );
    const { registrations, problems } = await discover(["shop"]);
    expect(problems).toEqual([]);
    expect(registrations).toHaveLength(1);
    const [r] = registrations;
    expect(r).toMatchObject({ app: "shop", callback: "shop.scheduler.restock", file, activeRequested: false });
    expect(r!.spec).toMatchObject({
      label: "shop.restock",
      active: false,
      description: "Restock the shelves every night.",
      timeoutMs: 300_000,
      kwargs: { limit: 10, dry_run: true, sku: "0042" },
      schedule: { kind: "every", interval: 1, unit: "day" },
      origin: { source: "discovered", file, line: 0, app: "shop" },
    });
  });

  test("a module in a folder (scheduler/index.ts) and an app nested under the root get their dotted paths", async () => {
    write("apps/crm/scheduler/index.ts", `export function sync() {}\nschedule.register("crm", sync, { cron: "*/5 * * * *", label: "crm sync" });`);
    const { registrations } = await discover(["apps/crm"]);
    expect(registrations.map((r) => [r.spec.label, r.callback])).toEqual([["crm sync", "apps.crm.scheduler.sync"]]);
  });

  test("an app folder without the module simply has no jobs", async () => {
    mkdirSync(path.join(dir, "empty"));
    expect(await discover(["empty"])).toMatchObject({ registrations: [], problems: [] });
  });

  test("each wrong registration gets one message naming the file and label", async () => {
    write(
      "shop/scheduler.ts",
      `export function a() {}\nexport function b() {}\nexport function c() {}\nexport function d() {}\n` +
        `schedule.register("shop", a, { every: "1 day", colour: "red" } as any);\n` +
        `schedule.register("shop", b, { every: "1 day", kwargs: { every: 5 } });\n` +
        `schedule.register("shop", c, { every: "1 day", at: "25:00" });\n` +
        `schedule.register("shop", d, { every: "1 day", cron: "* * * * *" });\n` +
        `schedule.register("shop", () => {}, { every: "1 day" });`,
    );
    const { registrations, problems } = await discover(["shop"]);
    expect(registrations).toEqual([]);
    expect(problems.map((p) => `${path.relative(dir, p.file)} [${p.label}] ${p.message}`)).toEqual([
      `shop/scheduler.ts [shop.a] unknown option "colour"; schedule.register accepts every, at, cron, timezone, description, active, timeout, overlap, retries, retry_delay, catchup, grace, jitter, ping, until, isolate, keep, keep_failures, notify, notify_on, alert_after, realert, warn_after, label, kwargs`,
      `shop/scheduler.ts [shop.b] the keyword argument "every" has the name of a job file setting; rename it`,
      'shop/scheduler.ts [shop.c] at: "25:00" is out of range; hours go from 00 to 23, minutes and seconds from 00 to 59',
      "shop/scheduler.ts [shop.d] cron: a job has either every or cron, not both; remove one of them",
      "shop/scheduler.ts [shop.?] the registered callback is an anonymous function; register a named, exported function so it can be called by its dotted path",
    ]);
  });

  test("an app folder outside --root cannot be resolved and is bad usage", async () => {
    const outside = tempDir("tickd-outside-");
    try {
      const { problems } = await discoverApps({ apps: [outside.dir], root: dir, zone: "UTC" });
      expect(problems.map((p) => p.kind)).toEqual(["unknown-app"]);
      expect(problems[0]!.message).toStartWith(`the app folder must lie under --root ${dir}`);
    } finally {
      outside.cleanup();
    }
  });
});
