import * as sdk from "../sdk/index.ts";
import { deno } from "./deno.ts";

let registered = false;

/**
 * Serve the SDK to job modules as the bare specifier "tickd", so a job file can
 * `import { STATUS, Result, schedule } from "tickd"` with nothing installed
 * beside it. Job modules then share this very module instance, so the
 * registry they write to is the one discovery reads.
 *
 * Bun: a runtime plugin answers "tickd" with this module's exports.
 * Deno has no runtime loader hook; its import map does the same job: tickd's
 * deno.json maps "tickd" to src/sdk/index.ts, the very file imported above,
 * so a job module gets this same instance, and there is nothing to register.
 * (Checking the map from here would prove nothing: inside tickd's package,
 * "tickd" also resolves as the package's own name, which a job module's
 * import outside it does not; sdkImportFailure explains a miss instead.)
 */
export function registerSdkModule(): void {
  if (registered || typeof Bun === "undefined") return;
  registered = true;
  Bun.plugin({
    name: "tickd-sdk",
    setup(build) {
      build.module("tickd", () => ({ exports: { ...sdk }, loader: "object" }));
    },
  });
}

/**
 * Deno's error for a job module's `import "tickd"` when tickd's import map
 * is not in force ("Import "tickd" not a dependency", with a hint to
 * `deno add npm:tickd`, which would not help), told as what to do; any other
 * message as it is.
 */
export function sdkImportFailure(message: string): string {
  if (!deno || !message.includes('Import "tickd" not a dependency')) return message;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  return `its import "tickd" is not mapped: this deno runs without tickd's deno.json; start it with deno run -A --config ${config} …`;
}
