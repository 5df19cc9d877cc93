import { slowGcTimer } from "./runtime/gc-timer.ts";

// The service idles between instants: it starts with Bun's GC timer at its
// slow interval (runtime/gc-timer.ts), before anything else is loaded.
if (process.argv[2] === "run") await slowGcTimer();
const { main } = await import("./cli/index.ts");
const { endProcess } = await import("./runtime/index.ts");

endProcess(await main(process.argv.slice(2)));
