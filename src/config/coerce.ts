/**
 * Value coercions of the job file: the `active` flag and the keyword
 * arguments passed to callbacks.
 */
import type { KwargValue } from "./types.ts";

const TRUE_WORDS = new Set(["yes", "true", "on", "1"]);
const FALSE_WORDS = new Set(["no", "false", "off", "0"]);

/** `active`: yes/no, true/false, on/off, 1/0 in any case; undefined otherwise. */
export function parseFlag(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  if (TRUE_WORDS.has(t)) return true;
  if (FALSE_WORDS.has(t)) return false;
  return undefined;
}

/**
 * A keyword argument: true/false/yes/no (any case) become booleans, integers
 * and decimals become numbers, a value in double quotes is the literal text
 * inside them, anything else stays a string.
 *
 * Integers with a leading zero (`007`, `01234`) stay strings: they are codes
 * (zip codes, IDs) whose zeros matter, and a number would silently drop them.
 * Integers beyond 2^53 stay strings for the same reason (they would round).
 */
export function coerceKwarg(text: string): KwargValue {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1);
  const lower = t.toLowerCase();
  if (lower === "true" || lower === "yes") return true;
  if (lower === "false" || lower === "no") return false;
  if (/^[+-]?\d+$/.test(t)) {
    const digits = t.replace(/^[+-]/, "");
    if (digits.length > 1 && digits.startsWith("0")) return t;
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : t;
  }
  if (/^[+-]?(\d+\.\d*|\.\d+)$/.test(t)) return Number(t);
  return t;
}
