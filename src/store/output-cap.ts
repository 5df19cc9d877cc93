/**
 * Caps captured output and error text at a number of UTF-8 bytes, with a mark
 * a reader cannot miss, so one chatty job cannot bloat the database. The one
 * capText: the engine caps a run's output where it is made (its true size is
 * known there) and the store caps what it writes; text already capped within
 * the store's cap passes unchanged, so a run's output is cut once and its mark
 * tells its real size. Only web APIs here, so the engine may import it.
 */

/** Default cap for output and error text: 64 KiB. */
export const OUTPUT_CAP_BYTES = 64 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** "512 B", "64 KiB", "1.2 MiB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, "");
  return `${shown} ${units[unit]}`;
}

/** The mark capText ends a cut text with; `index` is where the kept text ends. */
const MARK = /\n… \[(?:output|error) truncated: [^\]\n]+ total, showing first [^\]\n]+\]$/;

/**
 * Return `text` unchanged when it fits in `capBytes` UTF-8 bytes, or when it
 * was already cut by capText to at most `capBytes` (capping twice changes
 * nothing); otherwise its first `capBytes` bytes (cut on a character
 * boundary) followed by `\n… [<what> truncated: 1.2 MiB total, showing first 64 KiB]`.
 */
export function capText(text: string, capBytes: number = OUTPUT_CAP_BYTES, what = "output"): string {
  // Fast path: a UTF-16 code unit is at most 3 UTF-8 bytes.
  if (text.length * 3 <= capBytes) return text;
  const bytes = encoder.encode(text);
  if (bytes.length <= capBytes) return text;
  const mark = MARK.exec(text);
  if (mark && encoder.encode(text.slice(0, mark.index)).length <= capBytes) return text;
  let end = capBytes;
  // Step back off continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  const head = decoder.decode(bytes.subarray(0, end));
  return `${head}\n… [${what} truncated: ${formatBytes(bytes.length)} total, showing first ${formatBytes(capBytes)}]`;
}
