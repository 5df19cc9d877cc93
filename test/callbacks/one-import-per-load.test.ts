import { expect, test } from "bun:test";
import path from "node:path";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolveJobCallbacks } from "../../src/callbacks/index.ts";
import { parseJobFile } from "../../src/config/index.ts";
import { tempDir } from "../helpers/binary.ts";

test("a module named by many jobs is evaluated once per load and once per reload, not once per job", async () => {
  const t = tempDir("tickd-one-import-");
  try {
    mkdirSync(path.join(t.dir, "app"));
    const evaluations = path.join(t.dir, "evaluations.log");
    writeFileSync(
      path.join(t.dir, "app", "jobs.ts"),
      `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(evaluations)}, "evaluated\\n");\nexport function a() {}\nexport function b() {}\n`,
    );
    const text = ["a1", "a2", "a3", "b1"].map((l) => `[${l}]\ncall = app.jobs.${l[0]}\nevery = 1 hour\n`).join("\n");
    const file = parseJobFile(text, path.join(t.dir, "config", "scheduler.ini"), "UTC");

    const first = await resolveJobCallbacks(file, t.dir);
    expect(first.callbacks.size).toBe(4);
    expect(readFileSync(evaluations, "utf8")).toBe("evaluated\n");

    const reload = await resolveJobCallbacks(file, t.dir, { fresh: true });
    expect(reload.callbacks.size).toBe(4);
    expect(readFileSync(evaluations, "utf8")).toBe("evaluated\nevaluated\n");
  } finally {
    t.cleanup();
  }
});
