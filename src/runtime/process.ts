/**
 * Ending the process, and naming this program in the commands tickd writes
 * for service managers.
 */
import path from "node:path";
import { deno } from "./deno.ts";

/**
 * The command's exit code, once main has returned. Bun exits when nothing
 * holds its loop: idle callback workers are unref'd (engine/worker/handle.ts).
 * A Deno web Worker cannot be unref'd (no ref/unref; an idle one keeps the
 * process alive forever), so on Deno main returning is the end: exit, once
 * the output written so far has drained.
 */
export function endProcess(code: number): void {
  process.exitCode = code;
  if (!deno) return;
  const exit = () => process.exit(code);
  // Both streams drained: a write to a pipe may still be queued.
  let pending = 2;
  const done = () => --pending === 0 && exit();
  process.stdout.write("", done);
  process.stderr.write("", done);
}

/**
 * The command that starts this tickd again (systemd ExecStart, supervisord
 * command): the executable itself when compiled; from source, the runtime
 * with what it needs to reach src/main.ts (on Deno its config, for the
 * "tickd" import map and node_modules).
 */
export function selfCommand(compiled: boolean): string[] {
  if (compiled) return [process.execPath];
  const main = path.resolve(import.meta.dirname ?? ".", "../main.ts");
  if (deno) return [process.execPath, "run", "-A", `--config=${path.resolve(import.meta.dirname ?? ".", "../../deno.json")}`, main];
  return [process.execPath, main];
}
