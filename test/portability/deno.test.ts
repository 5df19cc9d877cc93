/**
 * The user asked for Deno/Bun compatibility: everything outside src/runtime/
 * must run on either. The probe exercises the loader, the calculator and the
 * store; both runtimes must print the same answer.
 */
import { describe, expect, test } from "bun:test";
import path from "node:path";
import { readdirSync, readFileSync, statSync } from "node:fs";

const ROOT = path.join(import.meta.dir, "../..");
const PROBE = path.join(import.meta.dir, "probe.ts");

async function run(cmd: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(cmd, { cwd: ROOT, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return full.endsWith(".ts") ? [full] : [];
  });
}

describe("portability", () => {
  test("the loader, the calculator and the store give the same answers on Deno 2 as on Bun", async () => {
    const bun = await run([path.join(ROOT, "node_modules/.bin/bun"), PROBE]);
    expect(bun.stderr).toBe("");
    expect(bun.code).toBe(0);
    const deno = await run([path.join(ROOT, "node_modules/.bin/deno"), "run", "-A", "--quiet", PROBE]);
    expect(deno.code).toBe(0);
    const answer = JSON.parse(bun.stdout);
    expect(answer.runs["sunday cleanup"]).toEqual(["2026-03-08T22:30:00.000Z", "2026-03-15T22:30:00.000Z", "2026-03-22T22:30:00.000Z"]);
    expect(answer.diagnostics).toEqual(["20 bad-unit"]);
    expect(JSON.parse(deno.stdout)).toEqual(answer);
  }, 120_000);

  test("no file outside src/runtime/ (and the build steps) calls Bun-only or Deno-only APIs", () => {
    const buildSteps = new Set(["src/build.ts", "src/release.ts", "src/dashboard/build-assets.ts"]);
    const offenders = sourceFiles(path.join(ROOT, "src"))
      .map((file) => path.relative(ROOT, file))
      .filter((file) => !file.startsWith("src/runtime/") && !file.startsWith("src/build/") && !buildSteps.has(file))
      .filter((file) => {
        const code = readFileSync(path.join(ROOT, file), "utf8")
          .split("\n")
          .filter((line) => !/^\s*(\*|\/\/)/.test(line))
          .join("\n");
        // Bun.x, Bun?.x (feature tests too), Deno.x, and bun: imports.
        return /\b(Bun|Deno)\??\.[a-z]|from\s+["']bun(:|["'])/.test(code);
      });
    expect(offenders).toEqual([]);
  });
});
