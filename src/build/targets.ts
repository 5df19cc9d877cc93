/**
 * The platforms a release is built for: one row per target, read by the
 * release script (src/release.ts), install.sh's naming and the tests.
 *
 * Each target pairs a Bun runtime (the executable `--compile` copies and
 * appends the bundle to) with libSQL's native addon for the same platform:
 * both are npm packages, and package-lock.json already pins their versions
 * and integrity (npm records every optional platform package, installed or
 * not), so a release fetches exactly what the lock names.
 */

export interface ReleaseTarget {
  /** The release file's suffix: `tickd-<version>-<name>`. */
  readonly name: "linux-x64" | "linux-arm64" | "linux-x64-musl" | "linux-arm64-musl";
  readonly arch: "x64" | "arm64";
  readonly libc: "glibc" | "musl";
  /** Bun's --target. */
  readonly bun: Bun.Build.CompileTarget;
  /** The npm package holding that Bun runtime (`package/bin/bun`). */
  readonly runtimePackage: string;
  /** The npm package holding libSQL's addon for the platform (`package/index.node`). */
  readonly libsqlPackage: string;
  /** What `file` says of the machine, to check a cross build without running it. */
  readonly machine: RegExp;
  /** The dynamic loader the executable names: glibc's or musl's. */
  readonly interpreter: string;
}

export const RELEASE_TARGETS: readonly ReleaseTarget[] = [
  {
    name: "linux-x64",
    arch: "x64",
    libc: "glibc",
    bun: "bun-linux-x64",
    runtimePackage: "@oven/bun-linux-x64",
    libsqlPackage: "@libsql/linux-x64-gnu",
    machine: /x86-64/,
    interpreter: "/lib64/ld-linux-x86-64.so.2",
  },
  {
    name: "linux-arm64",
    arch: "arm64",
    libc: "glibc",
    bun: "bun-linux-arm64",
    runtimePackage: "@oven/bun-linux-aarch64",
    libsqlPackage: "@libsql/linux-arm64-gnu",
    machine: /ARM aarch64/,
    interpreter: "/lib/ld-linux-aarch64.so.1",
  },
  {
    name: "linux-x64-musl",
    arch: "x64",
    libc: "musl",
    bun: "bun-linux-x64-musl",
    runtimePackage: "@oven/bun-linux-x64-musl",
    libsqlPackage: "@libsql/linux-x64-musl",
    machine: /x86-64/,
    interpreter: "/lib/ld-musl-x86_64.so.1",
  },
  {
    name: "linux-arm64-musl",
    arch: "arm64",
    libc: "musl",
    bun: "bun-linux-arm64-musl",
    runtimePackage: "@oven/bun-linux-aarch64-musl",
    libsqlPackage: "@libsql/linux-arm64-musl",
    machine: /ARM aarch64/,
    interpreter: "/lib/ld-musl-aarch64.so.1",
  },
];

/**
 * The machine running the build, whose packages npm installed: glibc, as
 * libSQL's own loader assumes under Bun.
 */
export function hostTarget(): ReleaseTarget {
  return releaseTarget(`${process.platform}-${process.arch}`);
}

export function releaseTarget(name: string): ReleaseTarget {
  const target = RELEASE_TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`unknown release target "${name}"; known: ${RELEASE_TARGETS.map((t) => t.name).join(", ")}`);
  return target;
}

/** The release file of a version and target: `tickd-0.1.0-linux-arm64`. */
export function releaseFileName(version: string, target: ReleaseTarget): string {
  return `tickd-${version}-${target.name}`;
}
