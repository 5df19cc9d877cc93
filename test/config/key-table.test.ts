/**
 * Issue 13, move 1: a job-file key is one row of the key table
 * (src/config/keys.ts). A key added only to the table — `priority`, which
 * exists nowhere in src/ — is parsed from a job file, validated from a
 * registration's options object, stored in and read back from the jobs table,
 * written by export-ini and shown by `tickd list` and the API's job model.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { jobFromEntry } from "../../src/api/models.ts";
import { listCommand } from "../../src/cli/list.ts";
import { addKeyForTests, type OptionKey } from "../../src/config/keys.ts";
import { keyLine, parseJobFile } from "../../src/config/load.ts";
import type { JobSpec } from "../../src/config/types.ts";
import { discoverJobs } from "../../src/discovery/index.ts";
import { rowToSpec } from "../../src/discovery/rows.ts";
import { registrationPairs, validatePairs } from "../../src/discovery/validate.ts";
import { exportIni } from "../../src/export/ini.ts";
import { getJob } from "../../src/store/jobs.ts";
import type { RegisterOptions } from "../../src/sdk/index.ts";
import { tempDir } from "../helpers/binary.ts";
import { T0, open } from "../store/fixtures.ts";

/** The row under test: a whole number from 0 to 9, default 0, kept in the options column. */
const PRIORITY: OptionKey<number> = {
  key: "priority",
  aliases: ["prio"],
  doc: "How urgent the job is, 0 to 9; default 0.",
  field: "priority",
  group: "option",
  column: "options",
  register: true,
  default: 0,
  parse: (text, written) =>
    /^\d$/.test(text.trim()) ? { ok: true, value: Number(text.trim()) } : { ok: false, code: "bad-priority", message: `${written}: ${JSON.stringify(text)} is not 0 to 9` },
  format: (value) => String(value),
  list: { name: "priority", words: (value) => (value === 0 ? undefined : `${value} of 9`) },
};

const FILE = "/srv/app/config/scheduler.ini";
const INI = "[urgent]\ncall = app.jobs.urgent\nevery = 10 minutes\npriority = 7\nnote = kept\n\n[calm]\ncall = app.jobs.calm\nevery = 1 hour\n";

const field = (job: JobSpec, name: string) => (job as unknown as Record<string, unknown>)[name];

let removeKey = () => {};
beforeAll(() => {
  removeKey = addKeyForTests(PRIORITY as OptionKey);
});
afterAll(() => removeKey());

describe("a key added only to the key table", () => {
  test("is parsed from a job file: its value on the job, not a keyword argument; its default when absent", () => {
    const { jobs, diagnostics } = parseJobFile(INI, FILE, "UTC");
    expect(diagnostics).toEqual([]);
    const [urgent, calm] = jobs;
    expect(field(urgent!, "priority")).toBe(7);
    expect(urgent!.kwargs).toEqual({ note: "kept" });
    expect(keyLine(urgent!, "priority")).toBe(4);
    expect(field(calm!, "priority")).toBe(0);
  });

  test("a bad value is a diagnostic at its line with the row's message; an alias and the key together are a duplicate", () => {
    const bad = parseJobFile("[j]\ncall = a.b\nevery = 1 hour\nPriority = high\n", FILE, "UTC");
    expect(bad.jobs).toEqual([]);
    expect(bad.diagnostics).toMatchObject([{ line: 4, key: "Priority", code: "bad-priority", message: 'Priority: "high" is not 0 to 9' }]);
    const twice = parseJobFile("[j]\ncall = a.b\nevery = 1 hour\npriority = 1\nprio = 2\n", FILE, "UTC");
    expect(twice.diagnostics.map((d) => d.message)).toEqual(["prio: means the same as priority on line 4; keep one"]);
  });

  test("is validated from a registration's options object, with the job file's message", () => {
    const options = { every: "10 minutes", priority: 3 } as RegisterOptions;
    const ok = validatePairs("shop.restock", registrationPairs("shop.jobs.restock", options), { file: "/apps/shop/scheduler.ts", app: "shop" }, "UTC");
    expect(ok.problems).toEqual([]);
    expect(field(ok.spec!, "priority")).toBe(3);
    const wrong = { every: "10 minutes", priority: 12 } as RegisterOptions;
    const bad = validatePairs("shop.restock", registrationPairs("shop.jobs.restock", wrong), { file: "/apps/shop/scheduler.ts", app: "shop" }, "UTC");
    expect(bad.problems).toEqual(['priority: "12" is not 0 to 9']);
    expect(() => registrationPairs("shop.jobs.restock", { colour: "red" } as RegisterOptions)).toThrow(/accepts every, .*until, isolate, .*priority, label, kwargs$/);
  });

  test("is stored in its column of the jobs table by discovery and read back from the row", async () => {
    const { dir, cleanup } = tempDir("tickd-key-table-");
    const store = await open(`file:${path.join(dir, "scheduler.db")}`);
    try {
      mkdirSync(path.join(dir, "apps", "shop"), { recursive: true });
      writeFileSync(path.join(dir, "apps", "shop", "scheduler.ts"), `import { schedule } from "tickd";\nexport function restock() {}\nschedule.register("shop", restock, { label: "shop.restock", every: "10 minutes", priority: 5 });\n`);
      const found = await discoverJobs(store, { apps: [path.join(dir, "apps", "shop")], root: dir, zone: "UTC", now: T0 });
      expect(found).toMatchObject({ added: ["shop.restock"], problems: [] });
      const row = await getJob(store, "shop.restock");
      expect(row!.options).toMatchObject({ priority: 5 });
      const back = rowToSpec(row!, "UTC");
      expect(back.problems).toEqual([]);
      expect(field(back.spec!, "priority")).toBe(5);
    } finally {
      await store.close();
      cleanup();
    }
  });

  test("is written by export-ini when not the default, and the export reads back the same", () => {
    const { jobs } = parseJobFile(INI, FILE, "UTC");
    const { text } = exportIni({ jobFile: jobs, discovered: [] });
    expect(text).toContain("[urgent]\ncall = app.jobs.urgent\nevery = 10 minutes\npriority = 7\nnote = kept\n");
    expect(text).toContain("[calm]\ncall = app.jobs.calm\nevery = 1 hour\n");
    expect(text).not.toMatch(/\[calm\][^[]*priority/);
    const again = parseJobFile(text, FILE, "UTC");
    expect(again.jobs.map((j) => field(j, "priority"))).toEqual([7, 0]);
  });

  test("is shown by the API's job model and by tickd list (text and --json)", async () => {
    const { jobs } = parseJobFile(INI, FILE, "UTC");
    const entry = { label: jobs[0]!.label, source: "ini" as const, spec: jobs[0]!, active: true, activeBy: "file" as const, activeAt: null, missing: false, pause: null };
    const model = jobFromEntry(entry, undefined, "UTC") as unknown as Record<string, unknown>;
    expect(model.priority).toBe(7);

    const { dir, cleanup } = tempDir("tickd-key-table-");
    try {
      const config = path.join(dir, "scheduler.ini");
      writeFileSync(config, INI);
      const printed: string[] = [];
      const io = { out: (t: string) => void printed.push(t), err: (t: string) => void printed.push(t) };
      expect(await listCommand.run(["--config", config, "--root", dir, "--timezone", "UTC"], io)).toBe(0);
      expect(printed.join("\n")).toContain("urgent\n  active    yes\n  schedule  every 10 minutes\n  call      app.jobs.urgent\n  priority  7 of 9");
      expect(printed.join("\n")).not.toMatch(/calm[^]*priority/);
      printed.length = 0;
      expect(await listCommand.run(["--config", config, "--root", dir, "--timezone", "UTC", "--json"], io)).toBe(0);
      expect((JSON.parse(printed.join("")) as { priority: number }[]).map((j) => j.priority)).toEqual([7, 0]);
    } finally {
      cleanup();
    }
  });
});

test("without its row the key is an ordinary keyword argument again", () => {
  removeKey();
  try {
    const { jobs } = parseJobFile(INI, FILE, "UTC");
    expect(field(jobs[0]!, "priority")).toBeUndefined();
    expect(jobs[0]!.kwargs).toEqual({ priority: 7, note: "kept" });
  } finally {
    removeKey = addKeyForTests(PRIORITY as OptionKey);
  }
});
