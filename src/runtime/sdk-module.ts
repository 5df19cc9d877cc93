import * as sdk from "../sdk/index.ts";

declare const Deno: unknown;

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
 * so a job module gets this same instance. Here we only check that the map
 * is in force (deno run from another folder without --config would miss it).
 */
export function registerSdkModule(): void {
  if (registered) return;
  registered = true;
  if (typeof Bun !== "undefined") {
    Bun.plugin({
      name: "tickd-sdk",
      setup(build) {
        build.module("tickd", () => ({ exports: { ...sdk }, loader: "object" }));
      },
    });
    return;
  }
  if (typeof Deno !== "undefined") checkImportMap();
}

const SDK_URL = new URL("../sdk/index.ts", import.meta.url).href;

function checkImportMap(): void {
  let resolved: string | undefined;
  try {
    resolved = import.meta.resolve("tickd");
  } catch {
    resolved = undefined;
  }
  if (resolved === SDK_URL) return;
  const config = new URL("../../deno.json", import.meta.url).pathname;
  throw new Error(
    `job modules import "tickd", which this Deno process does not map to ${SDK_URL}` +
      ` (resolved: ${resolved ?? "nothing"}); run tickd with its config: deno run -A --config ${config} src/main.ts …, or deno task tickd …`,
  );
}
