/**
 * Builds dist/tickd: one executable with everything embedded, including the
 * migrations and the dashboard. Run with `bun run src/build.ts` (make build).
 */
import type { BunPlugin } from "bun";

// @libsql's loader requires its native addon through a template string
// (`@libsql/${target}`), which the bundler cannot follow. Rewriting that one
// require to the literal package lets --compile embed the .node file.
const libsqlNative: BunPlugin = {
  name: "libsql-native",
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]libsql[\\/]index\.js$/ }, async (args) => {
      const text = await Bun.file(args.path).text();
      const fixed = text.replace("require(`@libsql/${target}`)", 'require("@libsql/linux-x64-gnu/index.node")');
      if (fixed === text) throw new Error(`libsql-native: the require to rewrite was not found in ${args.path}`);
      return { contents: fixed, loader: "js" };
    });
  },
};

const pkg = await Bun.file(new URL("../package.json", import.meta.url)).json();

// The dashboard page (script and styles inlined) is regenerated first, so the
// binary always embeds the current src/dashboard sources.
const { writeDashboardAssets } = await import("./dashboard/build-assets.ts");
await writeDashboardAssets();

const result = await Bun.build({
  // The callback worker's entry is a second entrypoint: a compiled binary
  // runs only embedded files as workers (src/callbacks/isolate.ts names it).
  entrypoints: [new URL("./main.ts", import.meta.url).pathname, new URL("./callbacks/worker.ts", import.meta.url).pathname],
  // TICKD_OUTFILE lets parallel work build side by side (tests read TICKD_BIN).
  compile: { outfile: process.env.TICKD_OUTFILE ?? new URL("../dist/tickd", import.meta.url).pathname },
  minify: { syntax: true, whitespace: true },
  sourcemap: "linked",
  plugins: [libsqlNative],
  // Precompiled bytecode halves start-up (tickd --version: ~160 ms -> ~85 ms;
  // check on 1,000 jobs: ~390 -> ~290 ms) at the cost of ~5 MB of binary.
  bytecode: true,
  format: "esm",
  define: { TICKD_VERSION: JSON.stringify(pkg.version) },
});

if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.log(`built ${process.env.TICKD_OUTFILE ?? "dist/tickd"} ${pkg.version}`);
