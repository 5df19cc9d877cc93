/**
 * How a path is shown in messages: relative to the working folder when it is
 * inside it (what the user typed there, and clickable in terminals), else as
 * it is. The one rule for every message that names a file.
 */
import path from "node:path";

export function displayPath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, path.resolve(cwd, file));
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}
