/**
 * The Containerfile, read as docker would read it: it copies the x64
 * release binary by the name make release gives it, runs it as a non-root
 * user with its database on the volume, and its environment and command
 * start tickd. docker cannot build here without a daemon and the base
 * image, so the image's user, environment and command are run with setpriv,
 * the image's folders mapped into a temp folder; when a daemon and the base
 * image are there, the image is built as well.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { releaseFileName, releaseTarget } from "../../src/build/targets.ts";
import { BINARY, freePort, tempDir } from "../helpers/binary.ts";

const repo = path.resolve(import.meta.dir, "../..");
const text = readFileSync(path.join(repo, "Containerfile"), "utf8");

/** Instructions with continuation lines joined, comments dropped. */
const instructions = text
  .replace(/\\\n/g, " ")
  .split("\n")
  .filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"))
  .map((l) => {
    const [op, ...rest] = l.trim().split(/\s+/);
    return { op: op!.toUpperCase(), args: rest.join(" ") };
  });
const one = (op: string) => {
  const found = instructions.filter((i) => i.op === op);
  expect(found).toHaveLength(1);
  return found[0]!.args;
};
const env: Record<string, string> = Object.fromEntries(
  instructions.filter((i) => i.op === "ENV").flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!])),
);

describe("Containerfile", () => {
  test("copies the linux-x64 release binary, by the name make release gives it, to where ENTRYPOINT runs it", () => {
    const [from, to] = one("COPY").split(/\s+/);
    expect(from).toBe(`dist/${releaseFileName("${VERSION}", releaseTarget("linux-x64"))}`);
    expect(one("ARG")).toBe("VERSION");
    expect(JSON.parse(one("ENTRYPOINT"))).toEqual(["/usr/bin/tini", "--", to]);
    // .dockerignore keeps everything else (node_modules) out of the build context, and lets the binary in.
    expect(readFileSync(path.join(repo, ".dockerignore"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"))).toEqual(["*", "!dist/tickd-*-linux-x64"]);
  });

  test("runs as a numeric non-root user, keeps its database on the volume, and runs tickd run --config /etc/tickd/scheduler.ini", () => {
    expect(one("USER")).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(one("FROM")).toMatch(/^debian:\S+-slim$/);
    const volumes = JSON.parse(one("VOLUME")) as string[];
    expect(env.TICKD_DB).toBe(`file:${volumes[0]}/scheduler.db`);
    expect(JSON.parse(one("CMD"))).toEqual(["run", "--config", "/etc/tickd/scheduler.ini"]);
    // The user the RUN line makes is the USER, and owns the volume's folder (its home).
    const [uid] = one("USER").split(":");
    expect(one("RUN")).toContain(`useradd --system --uid ${uid} --user-group --home-dir ${volumes[0]} --create-home`);
  });
});

const asRoot = process.getuid?.() === 0 && spawnSync("which", ["setpriv"]).status === 0;
let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir("tickd-image-")));
afterAll(() => cleanup?.());

describe.skipIf(!asRoot)("the image's user, environment and command (setpriv, folders mapped)", () => {
  test("start tickd with a token file on all interfaces, and without one it says what is missing", async () => {
    chmodSync(dir, 0o755);
    const [uid, gid] = one("USER").split(":").map(Number) as [number, number];
    const volume = (JSON.parse(one("VOLUME")) as string[])[0]!;
    // The image's folders, inside the temp folder.
    const map = (p: string) => p.replace(/^\/(var\/lib\/tickd|etc\/tickd|srv\/app)/, (_all, rest: string) => path.join(dir, rest));
    for (const d of [volume, "/etc/tickd", "/srv/app"]) mkdirSync(map(d), { recursive: true });
    chownSync(map(volume), uid, gid);
    writeFileSync(map("/etc/tickd/scheduler.ini"), "[tick]\ncommand = echo tick\nevery = 1 second\n");
    const bin = path.join(dir, "tickd");
    copyFileSync(BINARY, bin);
    const port = await freePort();
    const imageEnv = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.startsWith("file:") ? `file:${map(v.slice(5))}` : map(v)]));
    imageEnv.TICKD_LISTEN = imageEnv.TICKD_LISTEN!.replace(/:\d+$/, `:${port}`);
    const cmd = (JSON.parse(one("CMD")) as string[]).map(map);
    const start = () =>
      Bun.spawn(["setpriv", `--reuid=${uid}`, `--regid=${gid}`, "--clear-groups", "--", bin, ...cmd], {
        cwd: map("/srv/app"),
        env: { PATH: "/usr/bin:/bin", ...imageEnv },
        stdout: "pipe",
        stderr: "pipe",
      });

    // No token file mounted: refused with the reason (the API listens beyond loopback only with tokens).
    const refused = start();
    expect(await refused.exited).not.toBe(0);
    expect(await new Response(refused.stderr).text()).toContain(map("/etc/tickd/tokens"));

    writeFileSync(map("/etc/tickd/tokens"), "0123456789abcdef0123456789abcdef viewer\n");
    const service = start();
    try {
      let healthy = false;
      for (let i = 0; i < 100 && !healthy; i++) {
        await Bun.sleep(100);
        healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      }
      expect(healthy).toBe(true);
    } finally {
      service.kill("SIGTERM");
    }
    expect(await service.exited).toBe(0);
    expect(existsSync(path.join(map(volume), "scheduler.db"))).toBe(true);
  }, 30_000);
});

const dockerReady = spawnSync("docker", ["info"], { stdio: "ignore" }).status === 0 && spawnSync("docker", ["image", "inspect", one("FROM")], { stdio: "ignore" }).status === 0;
test.skipIf(!dockerReady)("docker builds the image from a release", () => {
  const version = (JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string }).version;
  const r = spawnSync("docker", ["build", "--build-arg", `VERSION=${version}`, "-f", "Containerfile", "-t", `tickd-test:${version}`, "."], { cwd: repo, encoding: "utf8" });
  expect(r.stderr).not.toContain("ERROR");
  expect(r.status).toBe(0);
}, 300_000);
