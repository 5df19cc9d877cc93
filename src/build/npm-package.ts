/**
 * A platform package for another machine (a Bun runtime, libSQL's addon),
 * fetched with npm at the version and integrity package-lock.json records.
 *
 * npm lists every optional platform package in the lock, installed or not,
 * so the lock already says which bytes a release may embed; `npm pack` goes
 * through the user's npm configuration (registry, proxy, CA), and the
 * tarball is checked against the lock's integrity before it is unpacked.
 * Bun can download cross-compile runtimes itself, but only from
 * registry.npmjs.org and without an integrity check.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";

export interface LockedPackage {
  readonly name: string;
  readonly version: string;
  /** `sha512-…` (Subresource Integrity, as npm writes it). */
  readonly integrity: string;
}

/** The lock's entry for a package, as npm recorded it. */
export function lockedPackage(repo: string, name: string): LockedPackage {
  const lock = JSON.parse(readFileSync(path.join(repo, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string; integrity?: string }> };
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry?.version || !entry.integrity) throw new Error(`${name} is not in package-lock.json with a version and integrity; run npm install once`);
  return { name, version: entry.version, integrity: entry.integrity };
}

function integrityOf(file: string, algorithm: string): string {
  return `${algorithm}-${createHash(algorithm).update(readFileSync(file)).digest("base64")}`;
}

/**
 * The package's unpacked folder (`…/package`): node_modules' copy when npm
 * installed that version here, else `cacheDir/<name>@<version>/package`,
 * fetched once and reused.
 */
export function platformPackage(repo: string, name: string, cacheDir: string): string {
  const locked = lockedPackage(repo, name);
  const installed = path.join(repo, "node_modules", name);
  if (existsSync(path.join(installed, "package.json"))) {
    const pkg = JSON.parse(readFileSync(path.join(installed, "package.json"), "utf8")) as { version?: string };
    if (pkg.version === locked.version) return installed;
  }
  const dir = path.join(cacheDir, `${name.replace("/", "+")}@${locked.version}`);
  const unpacked = path.join(dir, "package");
  if (existsSync(path.join(unpacked, "package.json"))) return unpacked;

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const out = execFileSync("npm", ["pack", `${name}@${locked.version}`, "--pack-destination", dir, "--json", "--silent"], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [packed] = JSON.parse(out) as { filename: string }[];
  if (!packed) throw new Error(`npm pack ${name}@${locked.version} wrote nothing`);
  const tarball = path.join(dir, packed.filename);
  const algorithm = locked.integrity.split("-")[0]!;
  const actual = integrityOf(tarball, algorithm);
  if (actual !== locked.integrity) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${name}@${locked.version}: the tarball's integrity ${actual} is not the lock's ${locked.integrity}; not used`);
  }
  // Unpacked beside, then renamed: an interrupted fetch leaves no half folder that looks complete.
  const staging = path.join(dir, "staging");
  mkdirSync(staging);
  execFileSync("tar", ["-xzf", tarball, "-C", staging]);
  renameSync(path.join(staging, "package"), unpacked);
  rmSync(staging, { recursive: true, force: true });
  rmSync(tarball);
  return unpacked;
}
