/**
 * Callbacks that run in a worker (isolate = worker, the default): the
 * module is located here, imported in its worker (src/engine/worker/), and
 * the job gets a callback the engine sends starts to. Resolving one reports
 * the same TickdErrors as resolving in-process, from the worker.
 */
import { systemClock, type Clock } from "../clock.ts";
import { isCompiledBinary } from "../runtime/index.ts";
import { isolatedCallback, WorkerPool, type ModuleWorkers } from "../engine/worker/pool.ts";
import type { Callback } from "../sdk/index.ts";
import { locateModule } from "./resolve.ts";

export interface IsolatedResolveOptions {
  /** A new worker generation for the module (reload): the module is imported afresh, with everything it imports. */
  readonly fresh?: boolean;
  /** Module workers already chosen in this pass, by file, so a fresh pass makes one generation per module. */
  readonly workers?: Map<string, ModuleWorkers>;
  /** The clock of a run started by calling the callback directly, not through the engine (its abort grace). Default: systemClock. */
  readonly clock?: Clock;
}

let pool: WorkerPool | undefined;

/**
 * Where the worker's entry is: in the compiled binary it is embedded beside
 * main.ts (src/build.ts lists it), named relative to src/; from source, the
 * file next to this one.
 */
function workerEntry(): string {
  return isCompiledBinary() ? "./callbacks/worker.ts" : new URL("./worker.ts", import.meta.url).href;
}

/** The callback of `dotted` under `root`, run in its module's worker. */
export async function resolveInWorker(dotted: string, root: string, options: IsolatedResolveOptions = {}): Promise<Callback> {
  // Not found: the same error as in-process, and no worker started for it.
  const { file } = await locateModule(dotted, root);
  let module = options.workers?.get(file);
  if (!module) {
    pool ??= new WorkerPool(workerEntry());
    module = pool.module(file, options.fresh === true);
    options.workers?.set(file, module);
  }
  await module.resolve(dotted, root);
  return isolatedCallback(module, dotted, options.clock ?? systemClock);
}
