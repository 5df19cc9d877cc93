/**
 * The entry file of a callback worker (src/engine/worker/entry.ts does the
 * work): job modules are imported here, with the SDK served as "tickd" as in
 * the scheduler's thread. src/build.ts embeds this file in the binary as a
 * second entrypoint; src/callbacks/isolate.ts names it.
 */
import { serveWorker, type WorkerScope } from "../engine/worker/entry.ts";
import { resolveCallback } from "./resolve.ts";

serveWorker(globalThis as unknown as WorkerScope, (dotted, root) => resolveCallback(dotted, root));
