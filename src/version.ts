declare const TICKD_VERSION: string | undefined;

/** Set by the build (src/build.ts); "dev" when run from source. */
export const VERSION: string = typeof TICKD_VERSION === "string" ? TICKD_VERSION : "0.1.0-dev";
