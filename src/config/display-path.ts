/**
 * How a path is shown in messages: the way a user would have typed it from
 * the working folder. Inside it, relative (`config/scheduler.ini`); outside
 * it, relative when that is the shorter form (`../shared/scheduler.ini`),
 * else absolute (`/etc/tickd/scheduler.ini`, not `../../../etc/…`). The one
 * rule for every message that names a file.
 */
import path from "node:path";

export function displayPath(file: string, cwd = process.cwd()): string {
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  if (relative === "" || path.isAbsolute(relative)) return file;
  if (!relative.startsWith("..")) return relative;
  return relative.length < absolute.length ? relative : absolute;
}
