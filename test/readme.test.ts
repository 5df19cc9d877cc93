/**
 * The README's job-file example is what newcomers copy first: it must pass
 * `tickd check` against the bundled example modules.
 */
import { expect, test } from "bun:test";
import path from "node:path";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tempDir, tickd } from "./helpers/binary.ts";

const ROOT = path.join(import.meta.dir, "..");

test("the README's job-file example passes tickd check", async () => {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const ini = /```ini\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(ini).toBeDefined();
  const t = tempDir("tickd-readme-");
  try {
    mkdirSync(path.join(t.dir, "config"));
    cpSync(path.join(ROOT, "examples", "example"), path.join(t.dir, "example"), { recursive: true });
    writeFileSync(path.join(t.dir, "config", "scheduler.ini"), ini!);
    const r = await tickd(["check", "--config", path.join(t.dir, "config", "scheduler.ini")]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("3 jobs OK");
    expect(r.code).toBe(0);
  } finally {
    t.cleanup();
  }
});
