import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readDocComment, resolveCallback, resolveJobCallbacks } from "../../src/callbacks/index.ts";
import { formatDiagnostic, parseJobFile } from "../../src/config/index.ts";
import { TickdError } from "../../src/errors.ts";
import { Result, STATUS } from "../../src/sdk/index.ts";

const root = mkdtempSync(path.join(os.tmpdir(), "tickd-callbacks-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

const ctx = { label: "t", jobId: "t", scheduledFor: new Date(0), attempt: 1, signal: new AbortController().signal, log: () => {} };

async function failure(dotted: string): Promise<{ code: string; message: string }> {
  try {
    await resolveCallback(dotted, root);
  } catch (error) {
    expect(error).toBeInstanceOf(TickdError);
    return { code: (error as TickdError).code, message: (error as TickdError).message.replaceAll(root, "<root>") };
  }
  throw new Error(`expected ${dotted} to fail`);
}

describe("resolveCallback", () => {
  write("app/scheduler.ts", 'import { Result, STATUS } from "tickd";\nexport function work(kwargs: Record<string, unknown>) { return Result(STATUS.success, { message: `ts ${kwargs.n}` }); }\nexport const notAFunction = 42;\n');
  write("jsapp/jobs.js", "export function work() { return 'js'; }\n");
  write("mjsapp/jobs.mjs", "export function work() { return 'mjs'; }\n");
  write("pkg/tasks/index.ts", "export async function work() { return 'index'; }\n");
  write("deep/er/still/mod.ts", "export function work() { return 'deep'; }\n");
  write("broken/syntax.ts", "export function work( {\n");
  write("broken/throws.ts", 'throw new Error("database not configured");\nexport function work() {}\n');

  test("a.b.fn imports a/b.ts and returns its export fn, which can use the SDK served as tickd", async () => {
    const fn = await resolveCallback("app.scheduler.work", root);
    const result = await fn({ n: 3 }, ctx);
    expect(Result.is(result)).toBe(true);
    expect(result).toMatchObject({ status: STATUS.success, message: "ts 3" });
  });

  test.each([
    ["jsapp.jobs.work", "js"],
    ["mjsapp.jobs.work", "mjs"],
    ["pkg.tasks.work", "index"],
    ["deep.er.still.mod.work", "deep"],
  ])("%p resolves (.js, .mjs, index.ts, nested folders)", async (dotted, expected) => {
    expect(await (await resolveCallback(dotted, root))({}, ctx)).toBe(expected as never);
  });

  test("a module that does not exist: callback-not-found, listing every file tried", async () => {
    expect(await failure("nowhere.scheduler.work")).toMatchInlineSnapshot(`
      {
        "code": "callback-not-found",
        "message": "callback nowhere.scheduler.work: no module found under <root> (tried nowhere/scheduler.ts, nowhere/scheduler.js, nowhere/scheduler.mjs, nowhere/scheduler/index.ts, nowhere/scheduler/index.js, nowhere/scheduler/index.mjs); create the module or fix the dotted path (--root sets where paths resolve)",
      }
    `);
  });

  test("a missing export: callback-not-found, naming the functions there are", async () => {
    expect(await failure("app.scheduler.nonexistent_job")).toMatchInlineSnapshot(`
      {
        "code": "callback-not-found",
        "message": "callback app.scheduler.nonexistent_job: app/scheduler.ts has no export named nonexistent_job; its exported functions are work",
      }
    `);
  });

  test("an export that is not a function: callback-not-function", async () => {
    expect(await failure("app.scheduler.notAFunction")).toMatchInlineSnapshot(`
      {
        "code": "callback-not-function",
        "message": "callback app.scheduler.notAFunction: notAFunction in app/scheduler.ts is a number, not a function; export a function (kwargs, ctx) => Result",
      }
    `);
  });

  test("a module with a syntax error: callback-import-failed with the import error", async () => {
    const f = await failure("broken.syntax.work");
    expect(f.code).toBe("callback-import-failed");
    expect(f.message).toStartWith("callback broken.syntax.work: importing <root>/broken/syntax.ts failed: ");
  });

  test("a module that throws while loading: callback-import-failed with its message", async () => {
    expect(await failure("broken.throws.work")).toMatchInlineSnapshot(`
      {
        "code": "callback-import-failed",
        "message": "callback broken.throws.work: importing <root>/broken/throws.ts failed: database not configured; fix the module so it loads",
      }
    `);
  });

  test("fresh: true re-imports a module after it changed", async () => {
    write("reload/jobs.ts", "export function work() { return 'v1'; }\n");
    expect(await (await resolveCallback("reload.jobs.work", root))({}, ctx)).toBe("v1" as never);
    write("reload/jobs.ts", "export function work() { return 'v2'; }\n");
    expect(await (await resolveCallback("reload.jobs.work", root))({}, ctx)).toBe("v1" as never);
    expect(await (await resolveCallback("reload.jobs.work", root, { fresh: true }))({}, ctx)).toBe("v2" as never);
  });
});

describe("readDocComment", () => {
  const file = write(
    "docs/jobs.ts",
    `/** Module comment, not a job's. */
import { Result } from "tickd";

/**
 * Sends the nightly report.
 *
 * Recipients come from the kwargs.
 * @param kwargs ignored here
 */
export function report() {}

// Prunes old sessions
// from the database.
export async function prune() {}

/** One line. */
export const arrow = () => {};

export function bare() {}

/** Far away. */

export function separated() {}
`,
  );

  test.each([
    ["report", "Sends the nightly report.\n\nRecipients come from the kwargs."],
    ["prune", "Prunes old sessions from the database."],
    ["arrow", "One line."],
    ["bare", ""],
    ["separated", ""],
    ["missing", ""],
  ])("the doc comment of %p", async (name, expected) => {
    expect(await readDocComment(file, name)).toBe(expected);
  });

  test("an unreadable file has no doc comment", async () => {
    expect(await readDocComment(path.join(root, "no/such.ts"), "x")).toBe("");
  });
});

describe("resolveJobCallbacks", () => {
  write("site/scheduler.ts", "/** Cleans the cache. */\nexport function clean() {}\nexport function described() {}\n");

  test("jobs whose callback fails are left out with a diagnostic at their call line; descriptions default to doc comments", async () => {
    const jobFile = parseJobFile(
      `[clean]
every = 1 day
call = site.scheduler.clean

[described]
description = Given in the file.
callback = site.scheduler.described
every = 1 day

[missing]
every = 1 day
call = site.scheduler.gone

[shell]
command = date
every = 1 day
`,
      path.join(root, "config/scheduler.ini"),
      "UTC",
    );
    const resolved = await resolveJobCallbacks(jobFile, root);
    expect(resolved.jobs.map((j) => [j.label, j.description])).toEqual([
      ["clean", "Cleans the cache."],
      ["described", "Given in the file."],
      ["shell", ""],
    ]);
    expect([...resolved.callbacks.keys()]).toEqual(["clean", "described"]);
    expect(resolved.diagnostics.map((d) => formatDiagnostic({ ...d, file: path.relative(root, d.file) }).replaceAll(root, "<root>"))).toMatchInlineSnapshot(`
      [
        "config/scheduler.ini:12 [missing] call: site.scheduler.gone: site/scheduler.ts has no export named gone; its exported functions are clean, described",
      ]
    `);
    expect(resolved.diagnostics[0]).toMatchObject({ line: 12, label: "missing", key: "call", code: "callback-not-found" });
  });
});
