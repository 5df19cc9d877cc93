/**
 * The one place that touches Bun-specific APIs (Bun.serve, Bun.plugin,
 * Bun.file, Bun.spawn, bun:*) and their Deno counterparts (Deno.serve,
 * Deno.upgradeWebSocket, the import map), so the rest of src/ runs on
 * either. Which runtime this is, is decided once at module load.
 */
import { pathToFileURL } from "node:url";
import { deno } from "./deno.ts";

export { registerSdkModule, sdkImportFailure } from "./sdk-module.ts";
export { endProcess, selfCommand } from "./process.ts";

/** Bun or Deno (Node only runs the build tools and peers). */
export const RUNTIME: "bun" | "deno" | "node" = typeof Bun !== "undefined" ? "bun" : deno ? "deno" : "node";

/**
 * True inside `bun build --compile` output (dist/tickd). A `deno compile`
 * binary is not a tickd build: it cannot import job modules that were not
 * embedded when it was compiled (README, "Running on Deno"), so on Deno this
 * is false and tickd runs from source.
 */
export function isCompiledBinary(): boolean {
  return RUNTIME === "bun" && Bun.main.startsWith("/$bunfs/");
}

export function runtimeName(): string {
  if (RUNTIME === "bun") return `bun ${Bun.version}`;
  if (deno) return `deno ${deno.version.deno}`;
  return `node ${process.version}`;
}

/**
 * The specifier that imports `file` (absolute) with `query` ("" or "?…",
 * which makes a fresh module instance). Bun re-evaluates a module imported
 * by path with a new query string but not by file URL with one; Deno and
 * Node need the URL form.
 */
export const moduleSpecifier: (file: string, query: string) => string =
  RUNTIME === "bun" ? (file, query) => file + query : (file, query) => pathToFileURL(file).href + query;
