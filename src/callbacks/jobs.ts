/**
 * Resolve the callback of every `call` job of a loaded job file. A job whose
 * callback cannot be found, imported, or is not a function gets a diagnostic
 * pointing at its `call` line and is left out; the others go on.
 */
import { brandJobSpec, type Diagnostic, type JobFile, type JobSpec } from "../config/types.ts";
import { keyLine } from "../config/load.ts";
import { TickdError, isCallbackErrorCode } from "../errors.ts";
import type { Callback } from "../sdk/index.ts";
import type { ModuleWorkers } from "../engine/worker/pool.ts";
import type { Clock } from "../clock.ts";
import { readDocComment } from "./doc-comment.ts";
import { resolveInWorker } from "./isolate.ts";
import { locateModule, resolveCallback, type ResolveOptions } from "./resolve.ts";

export interface ResolveJobsOptions extends ResolveOptions {
  /**
   * Honour each job's `isolate` key (default true): a job with isolate =
   * worker (the default) gets a callback that runs in its module's worker,
   * and its module is imported there, not here. False imports every module
   * here, for commands that only check that callbacks resolve.
   */
  readonly isolate?: boolean;
  /** The clock of runs started by calling a worker callback directly (resolveInWorker). Default: systemClock. */
  readonly clock?: Clock;
}

export interface ResolvedJobs {
  /** The jobs that can run: command/url jobs, and call jobs whose callback resolved. Descriptions filled from doc comments. */
  readonly jobs: readonly JobSpec[];
  /** label -> callback, for every call job in `jobs`. */
  readonly callbacks: Map<string, Callback>;
  /** One per job left out, in file order. */
  readonly diagnostics: readonly Diagnostic[];
}

/** A job with an empty description takes its callback's doc comment. */
export async function withDocDescription(job: JobSpec, root: string): Promise<JobSpec> {
  if (job.description !== "" || job.target.kind !== "call") return job;
  try {
    const { file, exportName } = await locateModule(job.target.callback, root);
    const doc = await readDocComment(file, exportName);
    if (doc === "") return job;
    return brandJobSpec({ ...job, description: doc });
  } catch {
    return job;
  }
}

export async function resolveJobCallbacks(jobFile: JobFile, root: string, options: ResolveJobsOptions = {}): Promise<ResolvedJobs> {
  const jobs: JobSpec[] = [];
  const callbacks = new Map<string, Callback>();
  const diagnostics: Diagnostic[] = [];
  const pass: ResolveOptions = { ...options, modules: options.modules ?? new Map() };
  const workers = new Map<string, ModuleWorkers>();
  const isolate = options.isolate !== false;
  for (const job of jobFile.jobs) {
    if (job.target.kind !== "call") {
      jobs.push(job);
      continue;
    }
    try {
      const dotted = job.target.callback;
      const fn =
        isolate && job.isolate !== "none"
          ? await resolveInWorker(dotted, root, { fresh: options.fresh === true, workers, ...(options.clock && { clock: options.clock }) })
          : await resolveCallback(dotted, root, pass);
      callbacks.set(job.label, fn);
      jobs.push(await withDocDescription(job, root));
    } catch (error) {
      if (!(error instanceof TickdError)) throw error;
      diagnostics.push({
        file: job.origin.file,
        line: keyLine(job, "call"),
        label: job.label,
        key: "call",
        code: isCallbackErrorCode(error.code) ? error.code : "callback-import-failed",
        message: `call: ${error.message.replace(/^callback /, "")}`,
      });
    }
  }
  return { jobs, callbacks, diagnostics };
}
