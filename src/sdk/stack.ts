/**
 * Stacks as a job author should read them: their own frames, not tickd's.
 * A frame is tickd's when its file is under tickd's source folder as frames
 * name it — `src/…` in the compiled binary (its source map names files
 * relative to the repository), the absolute src/ folder when tickd runs from
 * source — or inside the binary's embedded files.
 */
import process from "node:process";

const FRAME = /^\s*at (?:.*?\()?(.+?)(?::(\d+))?(?::(\d+))?\)?$/;

/** The file a stack line's frame is in, with its line and column; undefined for a line that is not a frame. */
function frameOf(line: string): { file: string; line: string; column: string } | undefined {
  if (!/^\s*at /.test(line)) return undefined;
  const m = FRAME.exec(line);
  return m ? { file: m[1]!, line: m[2] ?? "", column: m[3] ?? "" } : undefined;
}

/** The folder of tickd's sources as its own frames name it: this file is <it>sdk/stack.ts. */
const OWN_FOLDER: string | undefined = (() => {
  for (const line of (new Error().stack ?? "").split("\n")) {
    const m = frameOf(line)?.file.match(/^(.*[\\/])sdk[\\/]stack\.[cm]?[jt]s$/);
    if (m) return m[1];
  }
  return undefined;
})();

/** Files embedded in a compiled binary, when a frame is not source-mapped. */
const EMBEDDED = ["/$bunfs/", "B:/~BUN/", "B:\\~BUN\\"];

function isOwn(file: string): boolean {
  return (OWN_FOLDER !== undefined && file.startsWith(OWN_FOLDER)) || EMBEDDED.some((p) => file.startsWith(p));
}

/** The runtime's own frames (`native`, `node:…`, `unknown`): noise once below the last frame of the job's code. */
function isRuntime(file: string): boolean {
  return file === "native" || file === "unknown" || file === "[native code]" || file.startsWith("node:");
}

/**
 * `stack` without tickd's frames, and without the runtime frames below the
 * last remaining one (the event loop that called tickd). The message lines
 * are kept as they are.
 */
export function trimStack(stack: string): string {
  const kept: string[] = [];
  for (const line of stack.split("\n")) {
    const frame = frameOf(line);
    if (frame && isOwn(frame.file)) continue;
    kept.push(line);
  }
  while (kept.length > 0) {
    const frame = frameOf(kept[kept.length - 1]!);
    if (!frame || !isRuntime(frame.file)) break;
    kept.pop();
  }
  return kept.join("\n");
}

/** True when `stack` has a frame of the job's own code (not tickd's, not the runtime's). */
export function hasCallerFrame(stack: string): boolean {
  return stack.split("\n").some((line) => {
    const frame = frameOf(line);
    return frame !== undefined && !isOwn(frame.file) && !isRuntime(frame.file);
  });
}

/**
 * "app/jobs.ts:8:10": where the job's code called into tickd (the first frame
 * that is neither tickd's nor the runtime's), relative to the working folder
 * when under it; undefined when the stack has none. JavaScriptCore drops the
 * frame of a function that ends in `return f(…)` (a proper tail call), so a
 * callback that returns `Result(…)` directly may leave none: the engine then
 * names the callback instead (engine/returned.ts).
 */
export function callerLocation(stack: string | undefined = new Error().stack): string | undefined {
  for (const line of (stack ?? "").split("\n")) {
    const frame = frameOf(line);
    if (!frame || isOwn(frame.file) || isRuntime(frame.file)) continue;
    const file = frame.file.startsWith("file://") ? decodeURIComponent(new URL(frame.file).pathname) : frame.file;
    const cwd = `${process.cwd()}/`;
    const shown = file.startsWith(cwd) ? file.slice(cwd.length) : file;
    return [shown, frame.line, frame.column].filter((p) => p !== "").join(":");
  }
  return undefined;
}
