/**
 * One compiled tickd executable for one target: the Bun.build call that
 * src/build.ts (make build, this machine) and src/release.ts (make release,
 * every target) share.
 */
import type { BunPlugin } from "bun";
import { execFileSync } from "node:child_process";
import type { ReleaseTarget } from "./targets.ts";

export interface CompileOptions {
  readonly target: ReleaseTarget;
  readonly outfile: string;
  /** libSQL's `index.node` for the target. */
  readonly libsqlNative: string;
  /** The target's Bun runtime; absent: Bun uses itself (the host target). */
  readonly executablePath?: string;
  readonly stamp: BuildStamp;
}

/** What `tickd --version` says besides the version (src/version.ts reads these). */
export interface BuildStamp {
  readonly version: string;
  /** `9161209abcde`, `…-dirty` with uncommitted changes, `unknown` outside a git checkout. */
  readonly commit: string;
  /** ISO instant, to the second; SOURCE_DATE_EPOCH when set (reproducible builds). */
  readonly builtAt: string;
}

/**
 * @libsql's loader requires its native addon through a template string
 * (`@libsql/${target}`), which the bundler cannot follow. Rewriting that one
 * require to the literal file lets --compile embed the .node file — the
 * target's, not necessarily this machine's.
 */
function libsqlNativePlugin(nativeFile: string): BunPlugin {
  return {
    name: "libsql-native",
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]libsql[\\/]index\.js$/ }, async (args) => {
        const text = await Bun.file(args.path).text();
        const fixed = text.replace("require(`@libsql/${target}`)", `require(${JSON.stringify(nativeFile)})`);
        if (fixed === text) throw new Error(`libsql-native: the require to rewrite was not found in ${args.path}`);
        return { contents: fixed, loader: "js" };
      });
    },
  };
}

export function buildStamp(version: string, repo: string): BuildStamp {
  const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  let commit = "unknown";
  try {
    commit = git("rev-parse", "--short=12", "HEAD");
    if (git("status", "--porcelain", "--untracked-files=no") !== "") commit += "-dirty";
  } catch {
    // Not a git checkout (a source tarball): the version alone names the build.
  }
  const epoch = process.env.SOURCE_DATE_EPOCH;
  const when = epoch !== undefined && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date();
  return { version, commit, builtAt: when.toISOString().replace(/\.\d{3}Z$/, "Z") };
}

export async function compileTickd(options: CompileOptions): Promise<void> {
  const src = new URL("..", import.meta.url).pathname;
  const result = await Bun.build({
    // The callback worker's entry is a second entrypoint: a compiled binary
    // runs only embedded files as workers (src/callbacks/isolate.ts names it).
    entrypoints: [`${src}main.ts`, `${src}callbacks/worker.ts`],
    compile: {
      target: options.target.bun,
      outfile: options.outfile,
      ...(options.executablePath !== undefined && { executablePath: options.executablePath }),
    },
    minify: { syntax: true, whitespace: true },
    sourcemap: "linked",
    plugins: [libsqlNativePlugin(options.libsqlNative)],
    // Precompiled bytecode halves start-up (tickd --version: ~160 ms -> ~85 ms;
    // check on 1,000 jobs: ~390 -> ~290 ms) at the cost of ~5 MB of binary.
    bytecode: true,
    // Code splitting keeps what only one entry or one dynamic import needs
    // (the API stack, OpenTelemetry, nodemailer; the worker's own code) in its
    // own embedded chunk, which is read only when it is imported: a service
    // with --no-api, and every short command, never touches those pages.
    splitting: true,
    format: "esm",
    define: {
      TICKD_VERSION: JSON.stringify(options.stamp.version),
      TICKD_COMMIT: JSON.stringify(options.stamp.commit),
      TICKD_BUILT_AT: JSON.stringify(options.stamp.builtAt),
      TICKD_TARGET: JSON.stringify(options.target.name),
    },
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error(`building ${options.outfile} for ${options.target.name} failed`);
  }
}
