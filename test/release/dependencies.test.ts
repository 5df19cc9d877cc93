/**
 * Every runtime dependency in package.json is imported by the code the
 * binary is built from: a package listed but unused is weight in every
 * install and a name to audit for nothing (ini and two Pothos plugins were).
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const repo = path.resolve(import.meta.dir, "../..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|js|mjs)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Another dependency requires exactly this version: listed to keep a family in lockstep (OpenTelemetry's packages). */
function pinnedFor(name: string, deps: Record<string, string>): boolean {
  return Object.keys(deps).some((other) => {
    if (other === name) return false;
    const installed = JSON.parse(readFileSync(path.join(repo, "node_modules", other, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    return installed.dependencies?.[name] === deps[name];
  });
}

test("each package.json dependency is imported from src/ or schema/ (or pins the exact version another one requires)", () => {
  const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  const text = [...sources(path.join(repo, "src")), ...sources(path.join(repo, "schema"))].map((f) => readFileSync(f, "utf8")).join("\n");
  const imported = (name: string) => new RegExp(`(from |import\\(|require\\()\\s*["']${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}(/[^"']*)?["']`).test(text);
  const unused = Object.keys(pkg.dependencies).filter((name) => !imported(name) && !pinnedFor(name, pkg.dependencies));
  expect(unused).toEqual([]);
});

test("package-lock.json lists the same dependencies as package.json (edited together)", () => {
  const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const lock = JSON.parse(readFileSync(path.join(repo, "package-lock.json"), "utf8")) as { packages: Record<string, { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }> };
  expect(lock.packages[""]!.dependencies).toEqual(pkg.dependencies);
  expect(lock.packages[""]!.devDependencies).toEqual(pkg.devDependencies);
});
