declare const TICKD_VERSION: string | undefined;
declare const TICKD_COMMIT: string | undefined;
declare const TICKD_BUILT_AT: string | undefined;
declare const TICKD_TARGET: string | undefined;

/** Set by the build (src/build/compile.ts); "0.1.0-dev" when run from source. */
export const VERSION: string = typeof TICKD_VERSION === "string" ? TICKD_VERSION : "0.1.0-dev";
/** The commit built (`…-dirty` with uncommitted changes); null from source. */
export const COMMIT: string | null = typeof TICKD_COMMIT === "string" ? TICKD_COMMIT : null;
/** When it was built (ISO, to the second); null from source. */
export const BUILT_AT: string | null = typeof TICKD_BUILT_AT === "string" ? TICKD_BUILT_AT : null;
/** The platform built for (`linux-x64`, `linux-arm64-musl` …); null from source. */
export const TARGET: string | null = typeof TICKD_TARGET === "string" ? TICKD_TARGET : null;

/** `tickd --version`: `tickd 0.1.0 (commit 9161209abcde, built 2026-12-01T14:40:00Z, linux-x64)`. */
export function versionLine(): string {
  if (COMMIT === null) return `tickd ${VERSION} (from source)`;
  return `tickd ${VERSION} (commit ${COMMIT}, built ${BUILT_AT}, ${TARGET})`;
}
