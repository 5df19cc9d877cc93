/**
 * What a --db URL names, for the store and the commands that need its file:
 * the embedded database's file, whether there is one yet, and why one cannot
 * be opened, in words.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";

/**
 * The file an embedded database's URL names, as libSQL reads it: file:rel/path,
 * file:/abs, file:///abs or file://localhost/abs, percent-decoded, without its
 * query or fragment. Null for :memory: and for remote databases.
 */
export function databaseFile(url: string): string | null {
  const match = /^file:(?:\/\/(?:localhost)?(?=\/))?([^?#]*)/i.exec(url);
  if (!match) return null;
  let file = match[1]!;
  try {
    file = decodeURIComponent(file);
  } catch {
    // A stray % is a character of the name, as libSQL leaves it.
  }
  return file === "" || file === ":memory:" ? null : file;
}

/**
 * True for an embedded database whose folder exists but whose file does not:
 * nothing is recorded there yet, and opening it would create it. Commands
 * that only read (history, export-ini) or may change nothing (discover) ask
 * this first, so they leave no database behind.
 */
export function noDatabaseYet(url: string): boolean {
  const file = databaseFile(url);
  return file !== null && !existsSync(file) && existsSync(path.dirname(path.resolve(file)));
}

/**
 * Why an embedded database cannot be opened, in words, before libSQL is asked
 * (it says only "ConnectionFailed(… 14)"); undefined when its folder is there.
 */
export function embeddedProblem(url: string): string | undefined {
  const file = databaseFile(url);
  if (file === null || file === "") return undefined;
  const folder = path.dirname(file);
  const stat = statSync(path.resolve(folder), { throwIfNoEntry: false });
  if (!stat) return `folder ${folder} does not exist; create it, or point --db at a file in an existing folder`;
  if (!stat.isDirectory()) return `${folder} is not a folder; point --db at a file in a folder`;
  if (statSync(path.resolve(file), { throwIfNoEntry: false })?.isDirectory()) return `${file} is a folder; point --db at a database file, e.g. file:${path.join(file, "scheduler.db")}`;
  return undefined;
}

/** libSQL's message in words: SQLITE_CANTOPEN (14) is all it says when a file cannot be opened or created. */
export function openFailure(error: unknown): string {
  const message = (error as Error).message;
  if (/ConnectionFailed\(.*\b14"?\)/.test(message) || /SQLITE_CANTOPEN/.test(message)) return "the file cannot be opened or created (check that its folder is writable)";
  return message;
}

/** True for URLs served by the embedded engine (a file on this machine). */
export function isEmbeddedUrl(url: string): boolean {
  return url.startsWith("file:") || url === ":memory:";
}
