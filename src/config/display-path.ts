/**
 * How a path is shown in messages: as the user typed it. Inside the working
 * folder that is its relative form (`config/scheduler.ini`); outside it, the
 * form given on the command line (`../shared/scheduler.ini`, or a file under
 * such a folder: `../shared/app/jobs.ts`) when the path came from one, else
 * the path as it is. The one rule for every message that names a file.
 */
import path from "node:path";

/** Paths the user typed (--config, --root), by their absolute form. */
const typed = new Map<string, string>();

/** Remember how the user typed a path, so messages show a file under it the same way. */
export function rememberTyped(given: string, cwd = process.cwd()): void {
  if (!path.isAbsolute(given)) typed.set(path.resolve(cwd, given), given);
}

export function displayPath(file: string, cwd = process.cwd()): string {
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  if (relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative)) return relative;
  for (const [abs, given] of typed) {
    if (absolute === abs) return given;
    if (absolute.startsWith(abs + path.sep)) return path.join(given, absolute.slice(abs.length + 1));
  }
  return file;
}
