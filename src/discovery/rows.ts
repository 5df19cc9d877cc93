/**
 * Discovered jobs <-> rows of the `jobs` table. A row is turned back into a
 * JobSpec through the same job-file validation as a registration
 * (validate.ts), so what the engine schedules from the store passes the very
 * rules a hand-written file does.
 */
import { JOB_KEYS, optionText } from "../config/keys.ts";
import type { JobSpec } from "../config/types.ts";
import { formatKwarg, IniFormatError, type Pair } from "../export/ini.ts";
import { specColumns } from "../store/jobs.ts";
import type { JobRow, NewJobRow } from "../../schema/db.ts";
import { validatePairs, type Validated } from "./validate.ts";

/**
 * The columns a registration sets (everything but identity, active flag and
 * timestamps). A manual job's `every` column says manual; rows stored with
 * no schedule at all (by earlier versions) load as manual too (validate.ts).
 */
export function registrationColumns(spec: JobSpec, app: string, callback: string, file: string) {
  const columns = specColumns(spec);
  return {
    ...columns,
    source: "discovered" as const,
    app,
    file,
    targetKind: "call" as const,
    callback,
    method: "",
    missing: false,
  } satisfies Partial<NewJobRow>;
}

/**
 * Job-file lines for a stored discovered job: each key of the table from its
 * column (options from the `options` JSON), in export-ini's order; defaults
 * are left out.
 */
export function rowPairs(row: JobRow): Pair[] {
  const pairs: Pair[] = [["call", row.callback]];
  const columns = row as unknown as Record<string, unknown>;
  const options = (row.options ?? {}) as Record<string, unknown>;
  const rows = [...JOB_KEYS.filter((r) => r.key === "description"), ...JOB_KEYS.filter((r) => r.key !== "description")];
  for (const key of rows) {
    if (key.group === "schedule") {
      const text = columns[key.column];
      if (typeof text === "string" && text !== "") pairs.push([key.key, text]);
    } else if (key.group === "option") {
      const text = optionText(key, key.column === "options" ? options[key.field] : columns[key.column]);
      if (text !== undefined) pairs.push([key.key, text]);
    }
  }
  for (const [key, value] of Object.entries(row.kwargs ?? {})) pairs.push([key, formatKwarg(value)]);
  return pairs;
}

/** A stored discovered job as a JobSpec, or the reason it cannot be one (e.g. an operator's bad schedule edit). */
export function rowToSpec(row: JobRow, zone: string): Validated {
  try {
    return validatePairs(row.label, rowPairs(row), { file: row.file, app: row.app }, zone);
  } catch (error) {
    if (error instanceof IniFormatError) return { problems: [error.message] };
    throw error;
  }
}
