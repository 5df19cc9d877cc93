/**
 * Dotted callback paths -> functions. `myapp.scheduler.cleanup`
 * resolves, under the root, the module `myapp/scheduler.ts` (or .js, .mjs, or
 * `myapp/scheduler/index.ts|.js|.mjs`) and its export `cleanup`.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { displayPath } from "../config/display-path.ts";
import { TickdError } from "../errors.ts";
import { moduleSpecifier, registerSdkModule, sdkImportFailure } from "../runtime/index.ts";
import type { Callback } from "../sdk/index.ts";

export const MODULE_EXTENSIONS = [".ts", ".js", ".mjs"] as const;

export interface ResolveOptions {
  /**
   * Import the module afresh (after the file changed, on reload). Only the
   * module itself is re-evaluated; modules it imports stay cached, because
   * runtimes key their module registry by URL and offer no recursive purge.
   */
  readonly fresh?: boolean;
  /**
   * Modules already imported in this pass, by file. One load or reload of a
   * job file shares one, so a module named by many jobs is imported (and, with
   * `fresh`, re-evaluated) once, not once per job.
   */
  readonly modules?: Map<string, Promise<Record<string, unknown>>>;
}

/** The files a dotted path may live in, in the order they are tried. */
export function candidateFiles(dotted: string, root: string): { exportName: string; files: string[] } {
  const parts = dotted.split(".");
  const exportName = parts.pop() ?? "";
  const base = path.join(path.resolve(root), ...parts);
  return {
    exportName,
    files: [...MODULE_EXTENSIONS.map((ext) => base + ext), ...MODULE_EXTENSIONS.map((ext) => path.join(base, `index${ext}`))],
  };
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * The module file a dotted path names, without importing it (list and next
 * must never run job code). Throws `callback-not-found` naming every file tried.
 */
export async function locateModule(dotted: string, root: string): Promise<{ file: string; exportName: string }> {
  const { exportName, files } = candidateFiles(dotted, root);
  if (dotted.split(".").length < 2 || exportName === "") {
    throw new TickdError("callback-not-found", `${JSON.stringify(dotted)} is not a dotted path; write module.function, e.g. myapp.scheduler.cleanup`);
  }
  for (const file of files) if (await isFile(file)) return { file, exportName };
  const shown = files.map((f) => path.relative(path.resolve(root), f));
  throw new TickdError(
    "callback-not-found",
    `callback ${dotted}: no module found under ${path.resolve(root)} (tried ${shown.join(", ")}); create the module or fix the dotted path (--root sets where paths resolve)`,
  );
}

/** How many of a module's build errors a message shows. */
const SHOWN_BUILD_ERRORS = 3;

interface BuildMessage {
  readonly message: string;
  readonly position?: { readonly file?: string; readonly line?: number; readonly column?: number } | null;
}

/**
 * Why importing a module failed, in one line. Bun reports a module that does
 * not build as an AggregateError ("2 errors building …") whose `errors` carry
 * each error's file, line and column: those are what a user needs to see.
 */
export function importFailure(error: unknown, options: { named?: boolean } = {}): string {
  const errors = (error as { errors?: unknown }).errors;
  if (error instanceof Error && Array.isArray(errors) && errors.length > 0) {
    const shown = (errors as BuildMessage[]).slice(0, SHOWN_BUILD_ERRORS).map((e) => {
      const p = e.position;
      const where = p?.file ? `${displayPath(p.file)}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ""}` : ""}: ` : "";
      return `${where}${e.message ?? String(e)}`;
    });
    const more = errors.length > SHOWN_BUILD_ERRORS ? ` (and ${errors.length - SHOWN_BUILD_ERRORS} more)` : "";
    return `${shown.join("; ")}${more}`;
  }
  if (error instanceof Error) {
    const message = sdkImportFailure(error.message);
    return options.named && message === error.message ? `${error.name}: ${message}` : message;
  }
  return String(error);
}

let reloadCounter = 0;

function importSpecifier(file: string, fresh: boolean): string {
  return moduleSpecifier(file, fresh ? `?tickd-reload=${++reloadCounter}` : "");
}

/** Import the module of `dotted` under `root` and return its exported function. */
export async function resolveCallback(dotted: string, root: string, options: ResolveOptions = {}): Promise<Callback> {
  const { file, exportName } = await locateModule(dotted, root);
  // Job modules import { STATUS, Result, schedule } from "tickd"; serve it first.
  registerSdkModule();
  let mod: Record<string, unknown>;
  try {
    let loading = options.modules?.get(file);
    if (!loading) {
      loading = import(importSpecifier(file, options.fresh === true)) as Promise<Record<string, unknown>>;
      options.modules?.set(file, loading);
    }
    mod = await loading;
  } catch (error) {
    throw new TickdError("callback-import-failed", `callback ${dotted}: importing ${file} failed: ${importFailure(error)}; fix the module so it loads`, { cause: error });
  }
  const value = mod[exportName];
  if (typeof value !== "function") {
    const functions = Object.keys(mod).filter((k) => typeof mod[k] === "function");
    const hint = functions.length > 0 ? `its exported functions are ${functions.join(", ")}` : "it exports no functions";
    if (value === undefined) {
      throw new TickdError("callback-not-found", `callback ${dotted}: ${path.relative(path.resolve(root), file)} has no export named ${exportName}; ${hint}`);
    }
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    throw new TickdError("callback-not-function", `callback ${dotted}: ${exportName} in ${path.relative(path.resolve(root), file)} is ${kind}, not a function; export a function (kwargs, ctx) => Result`);
  }
  return value as Callback;
}
