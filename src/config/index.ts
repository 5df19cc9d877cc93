/** The job file: INI text -> raw sections with line numbers -> validated job specs. */
export * from "./types.ts";
export { parseJobFile, loadJobFile, keyLine, isDottedPath, isValidZone } from "./load.ts";
export { displayPath } from "./display-path.ts";
export { readIni, type RawIni, type RawSection, type RawEntry } from "./ini-reader.ts";
export { parseDuration, formatDuration, DURATION_HINT } from "./durations.ts";
export { coerceKwarg, parseFlag } from "./coerce.ts";
export { parseEvery, parseAt, parseCron, UNIT_HINT, type Parsed } from "./every.ts";
export { parseUntil } from "./until.ts";
export {
  JOB_KEYS,
  HTTP_METHODS,
  jobKey,
  canonicalKey,
  optionKeys,
  optionValue,
  optionText,
  everyText,
  type JobKey,
  type OptionKey,
  type GroupKey,
  type KeyColumn,
  type ParseContext,
} from "./keys.ts";
