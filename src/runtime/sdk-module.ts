import * as sdk from "../sdk/index.ts";

let registered = false;

/**
 * Serve the SDK to job modules as the bare specifier "tickd", so a job file can
 * `import { STATUS, Result, schedule } from "tickd"` with nothing installed
 * beside it. Job modules then share this very module instance, so the
 * registry they write to is the one discovery reads.
 */
export function registerSdkModule(): void {
  if (registered) return;
  registered = true;
  Bun.plugin({
    name: "tickd-sdk",
    setup(build) {
      build.module("tickd", () => ({ exports: { ...sdk }, loader: "object" }));
    },
  });
}
