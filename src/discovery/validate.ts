/**
 * One validator for every job: a registration (or a stored discovered job) is
 * turned into the key/value lines a job file would hold and read back by the
 * config loader's own `parseJobFile`. So a discovered `every: "10 minuets"`
 * gets exactly the message a job file would, and nothing here re-implements
 * a rule of SPEC 1 — the bounds of every value (src/config/bounds.ts) included.
 */
import { parseJobFile } from "../config/load.ts";
import { brandJobSpec, type Diagnostic, type JobSpec } from "../config/types.ts";
import { checkKey, formatIni, IniFormatError, formatKwarg, type Pair } from "../export/ini.ts";
import { neverFires } from "../schedule/warnings.ts";
import type { RegisterOptions } from "../sdk/index.ts";

/** The option keys schedule.register accepts besides `label` and `kwargs` (the job-file keys). */
const OPTION_KEYS = [
  "every",
  "at",
  "cron",
  "timezone",
  "description",
  "active",
  "timeout",
  "overlap",
  "retries",
  "retry_delay",
  "catchup",
  "jitter",
  "until",
] as const;

export interface Validated {
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
  const known = new Set<string>([...OPTION_KEYS, "label", "kwargs"]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new IniFormatError(`unknown option "${key}"; schedule.register accepts ${[...known].join(", ")}`);
    }
  }
  for (const key of OPTION_KEYS) {
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
 * Validate job-file lines for one label through the config loader and mark
 * the result as discovered. `file` is the app's scheduler module, used as the
 * job's origin and in messages.
 */
export function validatePairs(label: string, pairs: readonly Pair[], origin: { file: string; app: string }, zone: string, now?: number): Validated {
  let text: string;
  try {
    text = formatIni([{ label, pairs }]);
  } catch (error) {
    if (error instanceof IniFormatError) return { problems: [`[${label}] ${error.message}`] };
    throw error;
  }
  const parsed = parseJobFile(text, origin.file, zone);
  const problems = parsed.diagnostics.map((d: Diagnostic) => `[${d.label ?? label}] ${d.message}`);
  const job = parsed.jobs[0];
  if (!job || problems.length > 0) return { problems: problems.length > 0 ? problems : [`[${label}] the job could not be read`] };
  const spec = brandJobSpec({ ...job, origin: { source: "discovered", file: origin.file, line: 0, app: origin.app } });
  const never = now === undefined ? undefined : neverFires(spec, zone, now);
  return { spec, problems: [], ...(never ? { warnings: [`[${label}] ${never.message}`] } : {}) };
}
