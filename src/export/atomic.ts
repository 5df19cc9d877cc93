/**
 * Atomic file writes for the export commands: a reader (supervisord, systemd,
 * a running tickd re-reading its job file on SIGHUP) sees the old file or the
 * new one, never half of one. The temp file lives in the target's own folder
 * so the rename never crosses a file system.
 */
import { accessSync, chmodSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { TickdError } from "../errors.ts";

export interface WriteOptions {
  /** File mode, e.g. 0o755 for scripts. Default 0o644. */
  readonly mode?: number;
  /** Create missing parent folders. Default false: a typo in -o should fail, not invent folders. */
  readonly mkdir?: boolean;
}

/** Write `text` to `target` via temp file + rename; throws TickdError "write-failed" naming the file and what to do. */
export function writeFileAtomic(target: string, text: string, options: WriteOptions = {}): void {
  const abs = path.resolve(target);
  const dir = path.dirname(abs);
  try {
    if (options.mkdir) mkdirSync(dir, { recursive: true });
    const st = statSync(dir, { throwIfNoEntry: false });
    if (!st) throw new Error(`the folder ${dir} does not exist; create it first`);
    if (!st.isDirectory()) throw new Error(`${dir} is not a folder`);
    const existing = statSync(abs, { throwIfNoEntry: false });
    if (existing?.isDirectory()) throw new Error(`${abs} is a folder; give a file path`);
  } catch (error) {
    throw cannotWrite(abs, error);
  }
  // Date.now() only makes the name unique; it is no reading of time.
  const temp = path.join(dir, `.${path.basename(abs)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temp, text, { mode: options.mode ?? 0o644, flag: "wx" });
    // The umask may have narrowed the mode; scripts must end up executable.
    chmodSync(temp, options.mode ?? 0o644);
    renameSync(temp, abs);
  } catch (error) {
    rmSync(temp, { force: true });
    throw cannotWrite(abs, error);
  }
}

/**
 * Fail early, before anything is written, when `target` cannot be written:
 * commands that write two files check both first so a failure leaves neither.
 */
export function assertWritable(target: string, options: Pick<WriteOptions, "mkdir"> = {}): void {
  const abs = path.resolve(target);
  let dir = path.dirname(abs);
  try {
    // With mkdir, the nearest existing ancestor must be writable.
    while (options.mkdir && !existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    const st = statSync(dir, { throwIfNoEntry: false });
    if (!st) throw Object.assign(new Error("missing"), { code: "ENOENT" });
    if (!st.isDirectory()) throw new Error(`${dir} is not a folder`);
    accessSync(dir, constants.W_OK);
    if (existsSync(abs)) {
      if (statSync(abs).isDirectory()) throw new Error(`${abs} is a folder; give a file path`);
    }
  } catch (error) {
    throw cannotWrite(abs, error);
  }
}

function cannotWrite(file: string, error: unknown): TickdError {
  const e = error as NodeJS.ErrnoException;
  const reason =
    e.code === "EACCES" || e.code === "EPERM"
      ? "permission denied; choose a folder you can write to or run as its owner"
      : e.code === "ENOENT"
        ? "the folder does not exist; create it first"
        : e.code === "EROFS"
          ? "the file system is read-only"
          : (e.message ?? String(error));
  return new TickdError("write-failed", `cannot write ${file}: ${reason}`, { cause: error });
}
