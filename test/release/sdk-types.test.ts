/**
 * The tickd.d.ts a release ships: a job project that points tsconfig
 * `paths` at it type-checks its job files against the real SDK — what
 * src/sdk/index.ts exports, nothing else, with the types that catch mistakes.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sdkTypes } from "../../src/build/sdk-types.ts";
import { tempDir } from "../helpers/binary.ts";

const repo = path.resolve(import.meta.dir, "../..");
const TSC = path.join(repo, "node_modules/.bin/tsc");
let dir: string;
let cleanup: () => void;

// A job project with no node_modules: only the shipped file tells tsc what "tickd" is.
const TSCONFIG = {
  compilerOptions: {
    strict: true, noEmit: true, module: "esnext", moduleResolution: "bundler", target: "es2023",
    lib: ["es2023", "dom"], types: [], allowImportingTsExtensions: true,
    paths: { tickd: ["./tickd.d.ts"] },
  },
  include: ["jobs"],
};

function typecheck(files: Record<string, string>): { code: number | null; out: string } {
  const project = path.join(dir, `p${Math.random().toString(36).slice(2)}`);
  mkdirSync(path.join(project, "jobs"), { recursive: true });
  Bun.spawnSync(["cp", path.join(dir, "tickd.d.ts"), project]);
  writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(TSCONFIG));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(project, "jobs", name), text);
  const r = spawnSync(TSC, ["-p", project], { cwd: project, encoding: "utf8" });
  return { code: r.status, out: r.stdout + r.stderr };
}

beforeAll(() => {
  ({ dir, cleanup } = tempDir("tickd-dts-"));
  writeFileSync(path.join(dir, "tickd.d.ts"), sdkTypes(repo, "0.1.0"));
}, 30_000);
afterAll(() => cleanup?.());

test("a job file using STATUS, Result, Activity, JobContext and schedule.register typechecks against tickd.d.ts", () => {
  const r = typecheck({
    "scheduler.ts": `import { Activity, Result, STATUS, schedule, type Callback, type JobContext, type KwargValue, type ResultObject } from "tickd";

/** Backs up the database. */
export async function backup(kwargs: Record<string, KwargValue>, ctx: JobContext) {
  ctx.log("copies", kwargs.copies, "attempt", ctx.attempt, ctx.scheduledFor.toISOString());
  if (ctx.signal.aborted) return Result(STATUS.FAILURE, "aborted");
  Activity.log(ctx.jobId, Result(STATUS.success, { message: "shown to users", output: "for admins" }));
  const plain: ResultObject = { status: "failure", message: "disk 97% full" };
  return plain;
}

export const poll: Callback = () => "polled";
schedule.register("billing", backup, { every: "1 hour", timeout: "5 minutes", overlap: "queue", retries: 2 });
`,
  });
  expect(r.out).toBe("");
  expect(r.code).toBe(0);
}, 30_000);

test("mistakes are type errors: a misspelt status, an unknown option, a name the SDK does not export", () => {
  const r = typecheck({
    "bad.ts": `import { Result, STATUS, schedule, readResult } from "tickd";
export const a = Result(STATUS.SUCCES, "ok");
schedule.register("billing", () => "x", { every: "1 hour", overlap: "sometimes" });
`,
  });
  expect(r.code).not.toBe(0);
  expect(r.out).toContain(`jobs/bad.ts(1,36): error TS2459: Module '"tickd"' declares 'readResult' locally, but it is not exported.`);
  expect(r.out).toContain("jobs/bad.ts(2,32): error TS2551: Property 'SUCCES' does not exist on type 'StatusTable'. Did you mean 'SUCCESS'?");
  // (the order tsc lists a union's members in is its own)
  expect(r.out).toMatch(/jobs\/bad\.ts\(3,60\): error TS2322: Type '"sometimes"' is not assignable to type '"\w+" \| "\w+" \| "\w+" \| undefined'\./);
}, 30_000);
