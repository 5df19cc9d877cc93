/**
 * A line-aware INI reader: text -> sections with the line number of every
 * header and key. The `ini` package is not used because it nests dotted
 * section names (`[a.b]` becomes a.b) and forgets line numbers, and a label
 * like `[nightly backup v2.1 ☕]` must stay exactly as written.
 *
 * Rules, close to Python's configparser (the original's reader):
 * - `[label]` opens a section; the label is everything between the first `[`
 *   and the last `]`, trimmed. A `;` or `#` comment may follow the `]`.
 * - `key = value` or `key: value`; the first `=` or `:` separates, so
 *   `at = 23:30` and `at: 23:30` both work. Keys and values are trimmed.
 * - Whole-line comments start with `;` or `#`. Inline comments are NOT
 *   stripped, because values such as URLs (`https://x/#top`) and commands
 *   (`echo a; echo b`) legitimately contain those characters.
 * - Values are single-line: a continuation feature would make an indented
 *   `key = value` line ambiguous, and indentation is common in hand-written files.
 * - A line holding a NUL or bytes that are not UTF-8 (decoded leniently by
 *   `decodeJobFile` to U+FFFD) is not read: inside a section it is a problem of
 *   that section, so only that job is left out; in a comment or before the
 *   first header it is a warning. Only text that is mostly such characters is
 *   "not a text file" as a whole.
 */
import type { Diagnostic } from "./types.ts";

export interface RawEntry {
  /** The key as written (trimmed); matching of known keys is case-insensitive. */
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

export interface RawSection {
  readonly label: string;
  /** 1-based line of the `[label]` header. */
  readonly line: number;
  readonly entries: readonly RawEntry[];
  /** Lines inside the section that were neither key/value nor comment. */
  readonly problems: readonly Diagnostic[];
}

export interface RawIni {
  readonly sections: readonly RawSection[];
  /** Problems outside any section (keys before the first header, bad headers). */
  readonly diagnostics: readonly Diagnostic[];
  /** Lines that were not read but harm no job (bad bytes in a comment or before the first header). */
  readonly warnings: readonly Diagnostic[];
  /** True when more than 1 character in 10 is a NUL or not UTF-8: a binary file, not a job file. */
  readonly notText: boolean;
  /** True when the text has content but not a single section header: not INI at all. */
  readonly notIni: boolean;
  /** The first line that made the text fail to look like INI, for the startup error. */
  readonly firstBadLine?: number;
}

/** NUL, and U+FFFD, which the lenient decoder puts where bytes are not UTF-8. */
const BAD_CHAR = /[\u0000\uFFFD]/;
const BAD_CHARS = /[\u0000\uFFFD]/g;
/** More bad characters than this share of the text: not a text file at all. */
const NOT_TEXT_SHARE = 0.1;

/**
 * Job file bytes -> text. Invalid UTF-8 becomes U+FFFD instead of failing the
 * whole file, so `readIni` can point at the line and leave only its job out.
 */
export function decodeJobFile(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

/**
 * The problem of a `[label]` header holding a NUL or bytes that are not UTF-8
 * (the section cannot be read); undefined for a readable header. Discovery
 * checks a registration's label with the same words.
 */
export function unreadableHeader(raw: string, line: number, file: string): Diagnostic | undefined {
  const bad = raw.search(BAD_CHAR);
  if (bad === -1) return undefined;
  return {
    file,
    line,
    code: "bad-bytes",
    message: `section header ${JSON.stringify(raw.trim())} holds ${badBytes(raw, bad)}, so its label cannot be read and the section is left out; retype the header and save the file as UTF-8 text`,
  };
}

/** The problem of a `key = value` line of section `label` that cannot be read; undefined for a readable line. */
export function unreadableLine(raw: string, line: number, label: string, file: string): Diagnostic | undefined {
  const bad = raw.search(BAD_CHAR);
  if (bad === -1) return undefined;
  return {
    file,
    line,
    label,
    code: "bad-bytes",
    message: `${JSON.stringify(raw.trim())} holds ${badBytes(raw, bad)}, so the line cannot be read and the job is left out; retype the line and save the file as UTF-8 text`,
  };
}

/** "a NUL byte at column 7", for a line that holds a bad character at index `at`. */
function badBytes(raw: string, at: number): string {
  const what = raw[at] === "\u0000" ? "a NUL byte" : "bytes that are not UTF-8 text (shown as \uFFFD)";
  return `${what} at column ${at + 1}`;
}

function isComment(trimmed: string): boolean {
  return trimmed.startsWith(";") || trimmed.startsWith("#");
}

/** Index of the first `=` or `:`, whichever comes first; -1 if neither. */
function separatorIndex(text: string): number {
  const eq = text.indexOf("=");
  const colon = text.indexOf(":");
  if (eq === -1) return colon;
  if (colon === -1) return eq;
  return Math.min(eq, colon);
}

/**
 * With `onSection`, each section is handed to it once its last line is read,
 * in file order, instead of being collected in `sections` (which stays
 * empty): a loader that builds each job there never holds the raw sections of
 * a large file all at once (at 1,000,000 jobs, several hundred MB). Nothing
 * is handed over from text that is not a text file (`notText`).
 */
export function readIni(text: string, file: string, onSection?: (section: RawSection) => void): RawIni {
  // A byte-order mark from Windows editors would otherwise end up in the first label.
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lines = body.split(/\r\n|\r|\n/);
  const sections: { label: string; line: number; entries: RawEntry[]; problems: Diagnostic[] }[] = [];
  const diagnostics: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  let current: (typeof sections)[number] | undefined;
  // After a broken header, its keys belong to no job; skip them quietly (the header got the message).
  let skipping = false;
  let hasContent = false;
  let firstBadLine: number | undefined;
  const badChars = body.match(BAD_CHARS)?.length ?? 0;
  const notText = badChars > body.length * NOT_TEXT_SHARE;
  const handOver = notText ? undefined : onSection;
  let sectionCount = 0;
  /** The section being read is complete (a header follows, or the text ends). */
  const finishSection = () => {
    if (current !== undefined && handOver !== undefined) handOver(current);
    current = undefined;
  };

  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === "") return;
    // Most files hold no bad byte at all: then no line need be searched for one.
    const bad = badChars === 0 ? -1 : raw.search(BAD_CHAR);
    if (bad !== -1) {
      const where = badBytes(raw, bad);
      const label = current ? { label: current.label } : {};
      if (isComment(trimmed)) {
        warnings.push({ file, line, ...label, code: "bad-bytes", message: `this comment holds ${where}; it is ignored, as comments are, but save the file as UTF-8 text` });
        return;
      }
      hasContent = true;
      if (trimmed.startsWith("[")) {
        firstBadLine ??= line;
        diagnostics.push(unreadableHeader(raw, line, file)!);
        finishSection();
        skipping = true;
      } else if (current) {
        current.problems.push(unreadableLine(raw, line, current.label, file)!);
      } else if (!skipping) {
        firstBadLine ??= line;
        warnings.push({ file, line, code: "bad-bytes", message: `${JSON.stringify(trimmed)} comes before any [label] header and holds ${where}; it belongs to no job and is ignored, so delete it` });
      }
      return;
    }
    if (isComment(trimmed)) return;
    hasContent = true;

    if (trimmed.startsWith("[")) {
      const close = trimmed.lastIndexOf("]");
      const rest = close === -1 ? "" : trimmed.slice(close + 1).trim();
      if (close === -1 || (rest !== "" && !isComment(rest))) {
        firstBadLine ??= line;
        diagnostics.push({
          file,
          line,
          code: "bad-section-header",
          message:
            close === -1
              ? `section header ${JSON.stringify(trimmed)} is not closed; write it as [label] on a line of its own`
              : `section header ${JSON.stringify(trimmed)} has text after the ]; write it as [label] on a line of its own (a ; or # comment may follow)`,
        });
        finishSection();
        skipping = true;
        return;
      }
      const label = trimmed.slice(1, close).trim();
      if (label === "") {
        diagnostics.push({ file, line, code: "empty-label", message: "a section header needs a label; write [some label] with the job's name" });
        finishSection();
        skipping = true;
        return;
      }
      finishSection();
      current = { label, line, entries: [], problems: [] };
      sectionCount++;
      if (handOver === undefined) sections.push(current);
      skipping = false;
      return;
    }

    const sep = separatorIndex(trimmed);
    const key = sep === -1 ? "" : trimmed.slice(0, sep).trim();
    if (sep === -1 || key === "") {
      firstBadLine ??= line;
      const problem: Diagnostic = {
        file,
        line,
        ...(current ? { label: current.label } : {}),
        code: "ini-syntax",
        message: `${JSON.stringify(trimmed)} is not a setting; write key = value (or start the line with ; or # to make it a comment)`,
      };
      if (current) current.problems.push(problem);
      else if (!skipping) diagnostics.push(problem);
      return;
    }
    const value = trimmed.slice(sep + 1).trim();
    if (current) {
      current.entries.push({ key, value, line });
    } else if (!skipping) {
      firstBadLine ??= line;
      diagnostics.push({
        file,
        line,
        key,
        code: "key-outside-section",
        message: `${key}: this setting comes before any [label] header, so it belongs to no job; move it into a job's section`,
      });
    }
  });

  finishSection();
  const notIni = notText || (hasContent && sectionCount === 0 && firstBadLine !== undefined);
  return { sections, diagnostics, warnings, notText, notIni, ...(firstBadLine !== undefined ? { firstBadLine } : {}) };
}
