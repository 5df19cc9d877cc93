/**
 * Builds dist/tickd for this machine: one executable with everything
 * embedded, including the migrations and the dashboard. Run with
 * `bun run src/build.ts` (make build). `make release` builds every platform
 * (src/release.ts).
 */
import path from "node:path";
import { buildStamp, compileTickd } from "./build/compile.ts";
import { hostTarget } from "./build/targets.ts";

const repo = path.resolve(import.meta.dir, "..");
const pkg = await Bun.file(path.join(repo, "package.json")).json();

// The dashboard page (script and styles inlined) is regenerated first, so the
// binary always embeds the current src/dashboard sources.
const { writeDashboardAssets } = await import("./dashboard/build-assets.ts");
await writeDashboardAssets();

const target = hostTarget();
// TICKD_OUTFILE lets parallel work build side by side (tests read TICKD_BIN).
const outfile = process.env.TICKD_OUTFILE ?? path.join(repo, "dist/tickd");
try {
  await compileTickd({
    target,
    outfile,
    // npm installed this machine's addon beside libsql.
    libsqlNative: path.join(repo, "node_modules", target.libsqlPackage, "index.node"),
    stamp: buildStamp(pkg.version, repo),
  });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
console.log(`built ${process.env.TICKD_OUTFILE ?? "dist/tickd"} ${pkg.version}`);
