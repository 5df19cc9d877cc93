/**
 * One validator for every job: a registration (or a stored discovered job) is
 * made into key/value entries, as a job file's section holds them, and built
 * by the config loader's own `buildJob` from the key table
 * (src/config/keys.ts). So a discovered `every: "10 minuets"` gets exactly the
 * message a job file would, and nothing here re-implements a rule of the job
 * file — the bounds of every value (src/config/bounds.ts) included. No INI
 * text is written or read: the checks a job file's lines would impose (a label
 * that can be a header, values on one line, readable bytes) are made here on
 * the values themselves, with the reader's words.
 */
import { unreadableHeader, unreadableLine, type RawEntry } from "../config/ini-reader.ts";
import { JOB_KEYS } from "../config/keys.ts";
import { buildJob, DEFAULT_SECTION } from "../config/load.ts";
import { brandJobSpec, type Diagnostic, type JobSpec } from "../config/types.ts";
import { checkKey, checkLabel, IniFormatError, formatKwarg, type Pair } from "../export/ini.ts";
import { neverFires } from "../schedule/warnings.ts";
import type { RegisterOptions } from "../sdk/index.ts";

/** The option keys schedule.register accepts besides `label` and `kwargs`: the table's keys marked `register`. */
function optionKeys(): string[] {
  return JOB_KEYS.filter((row) => row.register).map((row) => row.key);
}

/** The keys that give a job its schedule (the key table's schedule group: every, at, cron). */
const SCHEDULE_KEYS = new Set(JOB_KEYS.filter((row) => row.group === "schedule").map((row) => row.key));
/** A registration (or a stored row) without every, at or cron is a manual job: it runs only by hand. */
const MANUAL_PAIR: Pair = ["every", "manual"];

export interface Validated {
  /** The validated job; registered (or stored) with no every, at or cron, it is manual (every = manual). */
  readonly spec?: JobSpec;
  /** Messages without file/line (the caller names the module): "[label] every: ... ". */
  readonly problems: readonly string[];
  /**
   * For a valid spec, why it never fires ("[label] cron: ... matches no date"),
   * as `tickd check` warns for a job file; the spec is still valid. Only when
   * validatePairs is given `now`.
   */
  readonly warnings?: readonly string[];
}

/** Registration options -> job-file lines. Throws IniFormatError for values a job file cannot hold. */
export function registrationPairs(callback: string, options: RegisterOptions): Pair[] {
  const pairs: Pair[] = [["call", callback]];
  const keys = optionKeys();
  const known = new Set<string>([...keys, "label", "kwargs"]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new IniFormatError(`unknown option "${key}"; schedule.register accepts ${[...known].join(", ")}`);
    }
  }
  for (const key of keys) {
    const value = (options as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    if (typeof value === "boolean") pairs.push([key, value ? "yes" : "no"]);
    else if (typeof value === "string" || typeof value === "number") {
      const text = String(value);
      if (/[\r\n]/.test(text)) throw new IniFormatError(`${key}: a value cannot span lines`);
      pairs.push([key, text.trim()]);
    } else throw new IniFormatError(`${key}: expected a string, got ${typeof value}`);
  }
  const kwargs = options.kwargs ?? {};
  if (typeof kwargs !== "object" || Array.isArray(kwargs)) throw new IniFormatError("kwargs: expected an object of names to strings, numbers or booleans");
  for (const [key, value] of Object.entries(kwargs)) {
    if (!["string", "number", "boolean"].includes(typeof value)) {
      throw new IniFormatError(`kwargs.${key}: expected a string, number or boolean, got ${value === null ? "null" : typeof value}`);
    }
    checkKey(key, "call");
    pairs.push([key, formatKwarg(value)]);
  }
  return pairs;
}

/**
 * Validate job-file lines for one label with the config loader's rules and
 * mark the result as discovered. `file` is the app's scheduler module, used as
 * the job's origin and in messages. Line numbers are those the lines would
 * have in a job file of this one section (the header on line 1).
 */
export function validatePairs(label: string, given: readonly Pair[], origin: { file: string; app: string }, zone: string, now?: number): Validated {
  // The original registers jobs with no schedule at all; such a job is a
  // manual one (every = manual): it runs only by hand until an operator
  // gives it a schedule (issue 14, item 6; issue 16).
  const pairs = given.some(([key]) => SCHEDULE_KEYS.has(key)) ? given : [...given, MANUAL_PAIR];
  try {
    checkLabel(label);
    // Free text (a doc comment's paragraphs) may; every other value is one line, as in a job file.
    for (const [key, value] of pairs) if (key !== "description" && /[\r\n]/.test(value)) throw new IniFormatError(`${key}: a value cannot span lines`);
  } catch (error) {
    if (error instanceof IniFormatError) return { problems: [error.message] };
    throw error;
  }
  // [DEFAULT] is the section whose keys a job file's jobs inherit, never a job.
  if (label === DEFAULT_SECTION) return { problems: ["the job could not be read"] };
  const header = unreadableHeader(`[${label}]`, 1, origin.file);
  if (header) return { problems: [header.message] };
  const entries: RawEntry[] = [];
  const unreadable: Diagnostic[] = [];
  pairs.forEach(([key, value], index) => {
    const line = index + 2;
    const bad = unreadableLine(value === "" ? `${key} =` : `${key} = ${value}`, line, label, origin.file);
    if (bad) unreadable.push(bad);
    else entries.push({ key, value: value.trim(), line });
  });
  const built = buildJob({ label, line: 1, entries, problems: unreadable }, origin.file, zone);
  const problems = built.diagnostics.sort((a, b) => a.line - b.line).map((d: Diagnostic) => d.message);
  const job = built.job;
  if (!job || problems.length > 0) return { problems: problems.length > 0 ? problems : ["the job could not be read"] };
  const spec = brandJobSpec({ ...job, origin: { source: "discovered", file: origin.file, line: 0, app: origin.app } });
  const never = now === undefined ? undefined : neverFires(spec, zone, now);
  // An `at` the loader ignores is said for a registration too, as for a job file.
  const warnings = [...built.warnings.filter((w) => w.code === "at-ignored").map((w) => w.message), ...(never ? [never.message] : [])];
  return { spec, problems: [], ...(warnings.length > 0 ? { warnings } : {}) };
}
