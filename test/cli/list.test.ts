import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir, tickd } from "../helpers/binary.ts";

const { dir, cleanup } = tempDir("tickd-list-");
afterAll(cleanup);

const INI = `[nightly backup]
call = app.jobs.backup
every = day
at = 02:30
timeout = 5 minutes
retries = 2
retry_delay = 30 seconds
copies = 7

[café.stats v2 ☕]
callback = app.jobs.stats
frequency = 10 minutes
active = off
description = Counts coffees.

[health ping]
url = https://example.com/health
method = head
cron = */5 * * * *
timezone = America/New_York

[broken]
call = app.jobs.backup
every = 10 minuets
`;

const root = path.join(dir, "project");
mkdirSync(path.join(root, "config"), { recursive: true });
mkdirSync(path.join(root, "app"), { recursive: true });
writeFileSync(path.join(root, "config/scheduler.ini"), INI);
// Importing this module would throw: list must read its doc comments without running it.
writeFileSync(path.join(root, "app/jobs.ts"), 'throw new Error("list imported a job module");\n/** Backs up the database. */\nexport function backup() {}\n/** Not shown: the file has a description. */\nexport function stats() {}\n');

describe("tickd list", () => {
  test("lists every job with its schedule in words, target and description, without importing job modules", async () => {
    const r = await tickd(["list", "--timezone", "Europe/Berlin"], { cwd: root });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("nightly backup\n  active    yes\n  schedule  ");
    expect(r.stdout).toContain("  call      app.jobs.backup\n  timeout   5 minutes\n  retries   2, first after 30 seconds\n  about     Backs up the database.\n");
    expect(r.stdout).toContain("café.stats v2 ☕\n  active    no\n");
    expect(r.stdout).toContain("  about     Counts coffees.\n");
    expect(r.stdout).toContain("health ping\n  active    yes\n");
    expect(r.stdout).toContain("  url       HEAD https://example.com/health\n");
    expect(r.stdout).toContain('broken\n  left out  config/scheduler.ini:24 every: "10 minuets" is not a unit;');
  });

  test("--json prints one object per job, and the left-out job with its error", async () => {
    const r = await tickd(["list", "--json", "--timezone", "Europe/Berlin"], { cwd: root });
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows.map((row) => row.label)).toEqual(["nightly backup", "café.stats v2 ☕", "health ping", "broken"]);
    // The fields and values of the API's Job (src/cli/json.ts).
    expect(rows[0]).toMatchObject({
      active: true,
      activeBy: "file",
      source: "ini",
      file: "config/scheduler.ini",
      kind: "call",
      callback: "app.jobs.backup",
      command: null,
      schedule: { kind: "every", text: "every day at 02:30 (Europe/Berlin)", every: "day", interval: 1, unit: "day", at: "02:30", cron: null, timezone: "Europe/Berlin" },
      timezone: null,
      description: "Backs up the database.",
      kwargs: [{ key: "copies", value: 7 }],
      timeoutMs: 300_000,
      retries: 2,
      retryDelayMs: 30_000,
      line: 1,
    });
    expect(rows[1]).toMatchObject({ active: false, callback: "app.jobs.stats", description: "Counts coffees." });
    expect(rows[2]).toMatchObject({ kind: "url", url: "https://example.com/health", method: "HEAD", timezone: "America/New_York", schedule: { kind: "cron", cron: "*/5 * * * *", timezone: "America/New_York" } });
    expect(rows[3]).toEqual({
      label: "broken",
      line: 24,
      error: 'config/scheduler.ini:24 every: "10 minuets" is not a unit; expected one of second(s), minute(s), hour(s), day(s), week(s), monday … sunday',
    });
  });

  test("-P reads another job file", async () => {
    const other = path.join(dir, "tenant.ini");
    writeFileSync(other, "[tenant job]\ncommand = date\nevery = 2 hours\n");
    const r = await tickd(["list", "-P", other, "--json"], { cwd: root });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { label: string; command: string }[]).map((j) => [j.label, j.command])).toEqual([["tenant job", "date"]]);
  });

  test("a missing file exits 2; an unknown flag exits 2 with the usage", async () => {
    const missing = await tickd(["list", "-P", "nope.ini"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.ini: job file not found");
    const unknown = await tickd(["list", "--all"], { cwd: root });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toStartWith("tickd list: unknown flag --all\n\nUsage: tickd list [-P PATH] [--json]");
  });
});
