/**
 * make release and install.sh, for real: the release script builds the x64
 * binary and the arm64 one into a temp folder, and install.sh installs from
 * that folder, from one file and over HTTP into a temp prefix, and refuses a
 * file that does not match SHA256SUMS. The arm64 binary runs under qemu-user
 * where Debian's qemu-user-static and arm64 libraries are installed; the musl
 * builds are built and inspected by `make release` itself.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { platformPackage } from "../../src/build/npm-package.ts";
import { tempDir } from "../helpers/binary.ts";

const repo = path.resolve(import.meta.dir, "../..");
const BUN = path.join(repo, "node_modules/.bin/bun");
const version = (JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string }).version;
const x64 = `tickd-${version}-linux-x64`;
const arm64 = `tickd-${version}-linux-arm64`;
const onX64 = process.platform === "linux" && process.arch === "x64";
const version_re = version.replaceAll(".", "\\.");

let dir: string;
let cleanup: () => void;
let out: string;
let releaseLog = "";

const install = (...args: string[]) => spawnSync("sh", [path.join(out, "install.sh"), "--no-user", ...args], { encoding: "utf8", cwd: dir });

beforeAll(() => {
  ({ dir, cleanup } = tempDir("tickd-release-"));
  out = path.join(dir, "release");
  if (!onX64) return;
  const r = spawnSync(BUN, ["run", path.join(repo, "src/release.ts"), "--target", "linux-x64", "--target", "linux-arm64", "--out", out], { encoding: "utf8", cwd: repo });
  releaseLog = r.stdout;
  if (r.status !== 0) throw new Error(`release failed:\n${r.stdout}${r.stderr}`);
}, 120_000);
afterAll(() => cleanup?.());

describe.skipIf(!onX64)("make release", () => {
  test("writes the two executables, tickd.d.ts, install.sh, LICENSE and a SHA256SUMS that sha256sum -c accepts", () => {
    const sums = readFileSync(path.join(out, "SHA256SUMS"), "utf8");
    expect(sums.split("\n").filter(Boolean).map((l) => l.replace(/^[0-9a-f]{64} {2}/, ""))).toEqual([x64, arm64, "tickd.d.ts", "install.sh", "LICENSE"]);
    const check = spawnSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: out, encoding: "utf8" });
    expect(check.stdout).toBe(`${x64}: OK\n${arm64}: OK\ntickd.d.ts: OK\ninstall.sh: OK\nLICENSE: OK\n`);
    expect(check.status).toBe(0);
    // No build leftovers (source maps, staging folders) beside what is shipped.
    expect(execFileSync("ls", ["-A", out], { encoding: "utf8" }).split("\n").filter(Boolean).sort()).toEqual(["LICENSE", "SHA256SUMS", "install.sh", arm64, x64, "tickd.d.ts"].sort());
  }, 15_000);

  test("the x64 binary is stripped and its --version names the version, the commit, the build date and the platform", () => {
    expect(execFileSync("file", ["-b", path.join(out, x64)], { encoding: "utf8" })).toMatch(/^ELF 64-bit LSB executable, x86-64, .*interpreter \/lib64\/ld-linux-x86-64\.so\.2.*, stripped\n$/);
    const commit = execFileSync("git", ["-C", repo, "rev-parse", "--short=12", "HEAD"], { encoding: "utf8" }).trim();
    const line = execFileSync(path.join(out, x64), ["--version"], { encoding: "utf8" });
    expect(line).toMatch(new RegExp(`^tickd ${version_re} \\(commit ${commit}(-dirty)?, built \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ, linux-x64\\)\\n$`));
    const built = Date.parse(/built (\S+),/.exec(line)![1]!);
    expect(Math.abs(Date.now() - built)).toBeLessThan(10 * 60_000);
  }, 15_000);

  test("the arm64 binary is an aarch64 executable for glibc, stripped, about the size of the x64 one", () => {
    expect(execFileSync("file", ["-b", path.join(out, arm64)], { encoding: "utf8" })).toMatch(/^ELF 64-bit LSB executable, ARM aarch64, .*interpreter \/lib\/ld-linux-aarch64\.so\.1.*, stripped\n$/);
    const ratio = statSync(path.join(out, arm64)).size / statSync(path.join(out, x64)).size;
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.2);
    // libSQL's addon is the arm64 one, embedded whole; none of the x64 one is in it.
    const binary = readFileSync(path.join(out, arm64));
    const addon = (name: string) => readFileSync(path.join(platformPackage(repo, name, path.join(repo, ".cache/release")), "index.node"));
    expect(binary.indexOf(addon("@libsql/linux-arm64-gnu"))).toBeGreaterThan(0);
    const x64Addon = addon("@libsql/linux-x64-gnu");
    expect(binary.indexOf(x64Addon.subarray(x64Addon.length >> 1, (x64Addon.length >> 1) + 4096))).toBe(-1);
  }, 15_000);

  const qemu = spawnSync("sh", ["-c", "command -v qemu-aarch64-static"], { encoding: "utf8" }).stdout.trim();
  const arm64Libs = existsSync("/usr/aarch64-linux-gnu/lib/libgcc_s.so.1");
  test.skipIf(!qemu || !arm64Libs)("under qemu-user, the arm64 binary says what it is and records a run (its libSQL addon loads)", () => {
    const version = spawnSync(qemu, ["-L", "/usr/aarch64-linux-gnu", path.join(out, arm64), "--version"], { encoding: "utf8" });
    expect(version.stdout).toMatch(new RegExp(`^tickd ${version_re} \\(commit \\w+(-dirty)?, built \\S+Z, linux-arm64\\)\\n$`));
    // make release ran it too: run-job recorded a run, in a database (src/release.ts smokeTest).
    expect(releaseLog).toMatch(new RegExp(`${arm64} .*runs here: tickd ${version_re} `));
  }, 60_000);

  test("a clean x64 binary runs the job file end to end (check and run-job)", () => {
    const project = path.join(dir, "project");
    mkdirSync(path.join(project, "config"), { recursive: true });
    writeFileSync(path.join(project, "config/scheduler.ini"), "[hello]\ncommand = echo hello\nevery = 1 hour\n");
    const env = { ...process.env, TICKD_DB: "", TICKD_ROOT: "", TICKD_CONFIG: "" };
    const checked = spawnSync(path.join(out, x64), ["check"], { cwd: project, encoding: "utf8", env });
    expect(checked.stderr).toBe("");
    expect(checked.status).toBe(0);
    const ran = spawnSync(path.join(out, x64), ["run-job", "hello"], { cwd: project, encoding: "utf8", env });
    expect(ran.stdout).toStartWith("hello: success in ");
    expect(ran.status).toBe(0);
  }, 30_000);
});

describe.skipIf(!onX64)("install.sh", () => {
  test("from the release folder: checks, installs bin/tickd and share/tickd/tickd.d.ts under --prefix, says no user was made", () => {
    const prefix = path.join(dir, "prefix-folder");
    const r = install("--prefix", prefix, out);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const line = execFileSync(path.join(out, x64), ["--version"], { encoding: "utf8" }).trim();
    expect(r.stdout).toBe(
      `installed ${prefix}/bin/tickd: ${line}\n` +
        `installed ${prefix}/share/tickd/tickd.d.ts (tsconfig paths: "tickd": ["${prefix}/share/tickd/tickd.d.ts"])\n` +
        "no tickd user created (--no-user)\n",
    );
    expect(readFileSync(path.join(prefix, "bin/tickd")).equals(readFileSync(path.join(out, x64)))).toBe(true);
    expect(statSync(path.join(prefix, "bin/tickd")).mode & 0o777).toBe(0o755);
  }, 30_000);

  test("from one file, with SHA256SUMS beside it", () => {
    const prefix = path.join(dir, "prefix-file");
    const r = install("--prefix", prefix, path.join(out, x64));
    expect(r.status).toBe(0);
    expect(r.stdout).toStartWith(`installed ${prefix}/bin/tickd: tickd ${version} (`);
  }, 30_000);

  test("from a URL: downloads SHA256SUMS and the file for this machine with curl", async () => {
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req) => {
        const file = path.join(out, path.basename(new URL(req.url).pathname));
        return existsSync(file) ? new Response(Bun.file(file)) : new Response("not found", { status: 404 });
      },
    });
    try {
      const prefix = path.join(dir, "prefix-url");
      const proc = Bun.spawn(["sh", path.join(out, "install.sh"), "--no-user", "--prefix", prefix, `http://127.0.0.1:${server.port}/releases/v${version}/`], { stdout: "pipe", stderr: "pipe" });
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toStartWith(`downloading http://127.0.0.1:${server.port}/releases/v${version}/${x64}\ninstalled ${prefix}/bin/tickd: tickd ${version} (`);
      expect(existsSync(path.join(prefix, "share/tickd/tickd.d.ts"))).toBe(true);
    } finally {
      server.stop(true);
    }
  }, 60_000);

  test("a file that does not match SHA256SUMS is refused (exit 1) and nothing is installed", () => {
    const tampered = path.join(dir, "tampered");
    mkdirSync(tampered);
    for (const f of ["SHA256SUMS", x64]) copyFileSync(path.join(out, f), path.join(tampered, f));
    appendFileSync(path.join(tampered, x64), "\0");
    const prefix = path.join(dir, "prefix-tampered");
    const r = install("--prefix", prefix, tampered);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^install\\.sh: ${x64} does not match SHA256SUMS \\(expected [0-9a-f]{64}, got [0-9a-f]{64}\\): a broken download or a changed file; not installed\\n$`));
    expect(existsSync(path.join(prefix, "bin/tickd"))).toBe(false);
  }, 30_000);

  const asRoot = process.getuid?.() === 0;
  test.skipIf(!asRoot || spawnSync("id", ["tickd"]).status === 0)("as root it creates the tickd system user with useradd (a stand-in records the call)", () => {
    const bin = path.join(dir, "fake-bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, "useradd"), `#!/bin/sh\necho "$@" > ${path.join(dir, "useradd.args")}\n`, { mode: 0o755 });
    const prefix = path.join(dir, "prefix-root");
    const r = spawnSync("sh", [path.join(out, "install.sh"), "--prefix", prefix, out], { encoding: "utf8", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(r.status).toBe(0);
    expect(r.stdout).toEndWith("created the system user tickd (home /var/lib/tickd)\n");
    expect(readFileSync(path.join(dir, "useradd.args"), "utf8")).toBe("--system --user-group --home-dir /var/lib/tickd --create-home --shell /usr/sbin/nologin tickd\n");
  }, 30_000);

  test.skipIf(!asRoot)("not as root it installs into a prefix it can write and says it made no user", () => {
    const prefix = path.join(dir, "prefix-nobody");
    mkdirSync(prefix);
    chownSync(prefix, 65534, 65534);
    chmodSync(dir, 0o755);
    const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--", "sh", path.join(out, "install.sh"), "--prefix", prefix, out], { encoding: "utf8", env: { PATH: process.env.PATH ?? "/usr/bin:/bin", TMPDIR: prefix } });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toEndWith("not root: no tickd user created (as root: useradd --system --user-group --home-dir /var/lib/tickd --shell /usr/sbin/nologin tickd)\n");
    expect(statSync(path.join(prefix, "bin/tickd")).uid).toBe(65534);
  }, 30_000);

  test("another platform's file is refused unless --platform names it", () => {
    const prefix = path.join(dir, "prefix-arm");
    const refused = install("--prefix", prefix, path.join(out, arm64));
    expect(refused.status).toBe(2);
    expect(refused.stderr).toBe(`install.sh: ${arm64} is not the build for linux-x64; pick tickd-<version>-linux-x64, or give --platform\n`);
    const forImage = install("--prefix", prefix, "--platform", "linux-arm64", out);
    expect(forImage.status).toBe(0);
    expect(forImage.stdout).toStartWith(`installed ${prefix}/bin/tickd (${arm64}, for linux-arm64)\n`);
    expect(readFileSync(path.join(prefix, "bin/tickd")).equals(readFileSync(path.join(out, arm64)))).toBe(true);
  }, 30_000);
});
