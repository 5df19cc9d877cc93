/**
 * Caps captured output and error text at a number of UTF-8 bytes, with a mark
 * a reader cannot miss, so one chatty job cannot bloat the database.
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

/**
 * Return `text` unchanged when it fits in `capBytes` UTF-8 bytes; otherwise its
 * first `capBytes` bytes (cut on a character boundary) followed by
 * `\n… [<what> truncated: 1.2 MiB total, showing first 64 KiB]`.
 */
export function capText(text: string, capBytes: number = OUTPUT_CAP_BYTES, what = "output"): string {
  // Fast path: a UTF-16 code unit is at most 3 UTF-8 bytes.
  if (text.length * 3 <= capBytes) return text;
  const bytes = encoder.encode(text);
  if (bytes.length <= capBytes) return text;
  let end = capBytes;
  // Step back off continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  const head = decoder.decode(bytes.subarray(0, end));
  return `${head}\n… [${what} truncated: ${formatBytes(bytes.length)} total, showing first ${formatBytes(capBytes)}]`;
}
