/**
 * The one place that touches Bun-specific APIs (Bun.serve, Bun.plugin,
 * Bun.file, Bun.spawn, bun:*), so the rest of src/ runs on Deno 2 as well.
 * Each function falls back to a portable implementation where one exists.
 */
export { registerSdkModule } from "./sdk-module.ts";

declare const Deno: unknown;

/** True inside `bun build --compile` output. */
export function isCompiledBinary(): boolean {
  return typeof Bun !== "undefined" && Bun.main.startsWith("/$bunfs/");
}

export function runtimeName(): string {
  if (typeof Bun !== "undefined") return `bun ${Bun.version}`;
  if (typeof Deno !== "undefined") return "deno";
  return `node ${process.version}`;
}
