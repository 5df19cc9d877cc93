/**
 * `make release`: dist/tickd-<version>-<target> for every target of
 * src/build/targets.ts, stripped, with tickd.d.ts, install.sh, LICENSE and
 * SHA256SUMS beside them, each executable then checked (what `file` says of
 * it, its size, the libSQL addon in it, and `--version` and a recorded run
 * where this machine can run it).
 *
 *   bun run src/release.ts [--target linux-arm64 ...] [--out DIR]
 *
 * Other platforms' Bun runtimes and libSQL addons are fetched with npm at
 * the versions package-lock.json pins (src/build/npm-package.ts) into
 * .cache/release/, once.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { buildStamp, compileTickd, type BuildStamp } from "./build/compile.ts";
import { platformPackage } from "./build/npm-package.ts";
import { sdkTypes } from "./build/sdk-types.ts";
import { hostTarget, RELEASE_TARGETS, releaseFileName, releaseTarget, type ReleaseTarget } from "./build/targets.ts";

const repo = path.resolve(import.meta.dir, "..");

export interface ReleaseOptions {
  readonly targets: readonly ReleaseTarget[];
  /** Folder the release is written to (default dist/). */
  readonly out: string;
  /** Where fetched platform packages are kept (default .cache/release/). */
  readonly cacheDir: string;
  readonly log: (line: string) => void;
}

export interface ReleasedFile {
  readonly target: ReleaseTarget;
  readonly file: string;
  readonly bytes: number;
  readonly buildMs: number;
  /** What `file` says. */
  readonly description: string;
  /** `--version`'s line, where this machine could run it (and run-job recorded a run). */
  readonly versionLine?: string;
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/**
 * Bun keeps the bundle in the executable's `.bun` section. llvm-strip drops
 * the symbol table and keeps that section; GNU strip rewrites the layout so
 * the runtime no longer finds the bundle (the result starts as plain bun),
 * so only llvm-strip is used, and the section is compared before and after.
 */
function strip(file: string): void {
  const tool = ["llvm-strip", "llvm-strip-14", "llvm-strip-15", "llvm-strip-16"].find((t) => spawnSync("which", [t]).status === 0);
  if (!tool) throw new Error("make release strips with llvm-strip (GNU strip breaks Bun executables); apt-get install llvm");
  const objcopy = tool.replace("strip", "objcopy");
  const section = (f: string) => {
    const dump = `${f}.bun-section`;
    execFileSync(objcopy, ["--dump-section", `.bun=${dump}`, f, `${f}.objcopy-scratch`]);
    rmSync(`${f}.objcopy-scratch`, { force: true });
    const hash = sha256(dump);
    rmSync(dump);
    return hash;
  };
  const before = section(file);
  execFileSync(tool, [file]);
  if (section(file) !== before) throw new Error(`${tool} changed the .bun section of ${file}; the executable would not find its code`);
}

/**
 * How this machine can run a target's executable, or null: the host's
 * natively; the arm64 glibc build on x64 under qemu-user with Debian's arm64
 * libraries (apt-get install qemu-user-static libc6-arm64-cross
 * libgcc-s1-arm64-cross). The musl builds need a musl system's libstdc++, so
 * they are only inspected here.
 */
function runner(target: ReleaseTarget): string[] | null {
  const host = hostTarget();
  if (target.name === host.name) return [];
  const sysroot = "/usr/aarch64-linux-gnu";
  const qemu = spawnSync("sh", ["-c", "command -v qemu-aarch64-static"], { encoding: "utf8" }).stdout.trim();
  const libs = ["ld-linux-aarch64.so.1", "libc.so.6", "libgcc_s.so.1"].every((l) => existsSync(path.join(sysroot, "lib", l)));
  if (host.arch === "x64" && target.name === "linux-arm64" && qemu && libs) return [qemu, "-L", sysroot];
  return null;
}

/**
 * Where this machine can run it: `--version` says what was built, and a
 * command job run once with run-job opens a database, so the embedded libSQL
 * addon loads on the target's own runtime.
 */
function smokeTest(run: string[], file: string, target: ReleaseTarget, stamp: BuildStamp): string {
  const exec = (args: string[], cwd?: string) => {
    const [cmd, ...rest] = [...run, file, ...args];
    return spawnSync(cmd!, rest, { encoding: "utf8", timeout: 120_000, ...(cwd !== undefined && { cwd }), env: { ...process.env, TICKD_DB: "", TICKD_CONFIG: "", TICKD_ROOT: "" } });
  };
  const version = exec(["--version"]);
  const line = version.stdout.trim();
  const expected = `tickd ${stamp.version} (commit ${stamp.commit}, built ${stamp.builtAt}, ${target.name})`;
  if (version.status !== 0 || line !== expected) throw new Error(`${path.basename(file)} --version: expected "${expected}", got exit ${version.status} "${line}" ${version.stderr.trim()}`);
  const project = mkdtempSync(path.join(os.tmpdir(), "tickd-release-smoke-"));
  try {
    mkdirSync(path.join(project, "config"));
    writeFileSync(path.join(project, "config/scheduler.ini"), "[smoke]\ncommand = echo smoke\nevery = 1 hour\n");
    const ran = exec(["run-job", "smoke"], project);
    if (ran.status !== 0 || !ran.stdout.startsWith("smoke: success in ") || !existsSync(path.join(project, "config/scheduler.db"))) {
      throw new Error(`${path.basename(file)} run-job: expected a recorded success, got exit ${ran.status}: ${ran.stdout}${ran.stderr}`);
    }
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
  return line;
}

async function releaseOne(target: ReleaseTarget, stamp: BuildStamp, options: ReleaseOptions): Promise<ReleasedFile> {
  const started = performance.now();
  const host = hostTarget();
  const runtime = target.name === host.name ? undefined : path.join(platformPackage(repo, target.runtimePackage, options.cacheDir), "bin/bun");
  const libsql = path.join(platformPackage(repo, target.libsqlPackage, options.cacheDir), "index.node");
  // Built in a folder of its own: the compile writes source maps beside the executable, which the release does not ship.
  const stage = path.join(options.out, `.stage-${target.name}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  await compileTickd({ target, outfile: path.join(stage, "tickd"), libsqlNative: libsql, ...(runtime !== undefined && { executablePath: runtime }), stamp });
  strip(path.join(stage, "tickd"));
  const file = path.join(options.out, releaseFileName(stamp.version, target));
  renameSync(path.join(stage, "tickd"), file);
  rmSync(stage, { recursive: true, force: true });
  const buildMs = performance.now() - started;

  const description = execFileSync("file", ["-b", file], { encoding: "utf8" }).trim();
  if (!target.machine.test(description) || !description.includes(target.interpreter) || !/, stripped/.test(description)) {
    throw new Error(`${path.basename(file)}: expected a stripped ${target.machine.source} executable using ${target.interpreter}; file says: ${description}`);
  }
  // The target's libSQL addon must be in it whole (the loader's require was rewritten to it).
  if (readFileSync(file).indexOf(readFileSync(libsql)) < 0) throw new Error(`${path.basename(file)} does not embed ${target.libsqlPackage}'s index.node`);
  const run = runner(target);
  const versionLine = run === null ? undefined : smokeTest(run, file, target, stamp);
  return { target, file, bytes: statSync(file).size, buildMs, description, ...(versionLine !== undefined && { versionLine }) };
}

/** Builds the release into options.out; returns what it wrote. */
export async function release(options: ReleaseOptions): Promise<{ files: ReleasedFile[]; sums: string }> {
  const pkg = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string };
  const stamp = buildStamp(pkg.version, repo);
  mkdirSync(options.out, { recursive: true });
  const { writeDashboardAssets } = await import("./dashboard/build-assets.ts");
  await writeDashboardAssets();

  const files: ReleasedFile[] = [];
  for (const target of options.targets) {
    const done = await releaseOne(target, stamp, options);
    files.push(done);
    const mb = (done.bytes / 1024 / 1024).toFixed(1);
    options.log(`${path.basename(done.file)}  ${mb} MiB  built in ${(done.buildMs / 1000).toFixed(1)} s  ${done.versionLine ? `runs here: ${done.versionLine}` : "not run here (no loader or emulator for it)"}`);
    options.log(`  ${done.description}`);
  }
  writeFileSync(path.join(options.out, "tickd.d.ts"), sdkTypes(repo, pkg.version));
  for (const extra of ["install.sh", "LICENSE"]) copyFileSync(path.join(repo, extra), path.join(options.out, extra));
  // sha256sum's format (two spaces: text mode), so `sha256sum -c SHA256SUMS` checks the folder.
  const names = [...files.map((f) => path.basename(f.file)), "tickd.d.ts", "install.sh", "LICENSE"];
  const sums = names.map((n) => `${sha256(path.join(options.out, n))}  ${n}\n`).join("");
  writeFileSync(path.join(options.out, "SHA256SUMS"), sums);
  options.log(`wrote ${path.relative(process.cwd(), path.join(options.out, "SHA256SUMS")) || "SHA256SUMS"}, with tickd.d.ts, install.sh and LICENSE beside the executables`);
  return { files, sums };
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  const targets: ReleaseTarget[] = [];
  let out = path.join(repo, "dist");
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--target") targets.push(releaseTarget(argv[++i] ?? ""));
    else if (argv[i] === "--out") out = path.resolve(argv[++i] ?? "");
    else {
      console.error(`release: unknown argument ${argv[i]}; usage: bun run src/release.ts [--target NAME ...] [--out DIR]`);
      process.exit(2);
    }
  }
  try {
    await release({ targets: targets.length ? targets : RELEASE_TARGETS, out, cacheDir: path.join(repo, ".cache/release"), log: console.log });
  } catch (error) {
    console.error(`release: ${(error as Error).message}`);
    process.exit(1);
  }
}
