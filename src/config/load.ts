/**
 * Job file -> validated, branded JobSpecs plus one Diagnostic per problem.
 *
 * A problem in one job leaves only that job out; the others load. A file that
 * is missing or not INI at all is a startup error (TickdError
 * "config-missing" / "config-invalid") naming the file and line. Every value
 * is bounded here (src/config/bounds.ts), so a job that loads never makes the
 * schedule, the engine or the API overflow.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { TickdError, type DiagnosticCode } from "../errors.ts";
import { coerceKwarg } from "./coerce.ts";
import { isManualEvery, parseAt, parseCron, parseEvery } from "./every.ts";
import { decodeJobFile, readIni, type RawEntry, type RawSection } from "./ini-reader.ts";
import { canonicalKey, HTTP_METHODS, jobKey, nearestKey, optionKeys, type OptionKey, type ParseContext } from "./keys.ts";
import { brandJobSpec, type Diagnostic, type IntervalUnit, type JobFile, type JobSpec, type JobTarget, type KwargValue, type ScheduleRule, type Weekday } from "./types.ts";
import { isValidZone } from "./zone.ts";
import { displayPath } from "./display-path.ts";

/** The section whose keys every job inherits, as in configparser. */
export const DEFAULT_SECTION = "DEFAULT";

/** The line of `key` (canonical name, e.g. "call") in the job's section; the header line if absent. */
export function keyLine(job: JobSpec, key: string): number {
  const offset = job.origin.keyOffsets?.[key];
  return offset === undefined ? job.origin.line : job.origin.line + offset;
}

export { isValidZone };

const MODULE_SEGMENT = /^[\p{L}\p{N}_$-]+$/u;
const EXPORT_NAME = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;

/** `a.b.fn`: at least a module and an export name, each a plain identifier-like segment. */
export function isDottedPath(text: string): boolean {
  // Most jobs of a large file call one of a few callbacks: each is checked once.
  const known = dottedPaths.get(text);
  if (known !== undefined) return known;
  const answer = checkDottedPath(text);
  if (dottedPaths.size >= MEMO_MAX) dottedPaths.clear();
  dottedPaths.set(text, answer);
  return answer;
}

const dottedPaths = new Map<string, boolean>();
/** Distinct values remembered by the loader's memos before they start over. */
const MEMO_MAX = 10_000;

function checkDottedPath(text: string): boolean {
  const parts = text.split(".");
  if (parts.length < 2) return false;
  const name = parts.pop()!;
  return EXPORT_NAME.test(name) && parts.every((p) => MODULE_SEGMENT.test(p));
}

/** What a job file looks like, for the messages of a file that is missing or not one. */
const JOB_FILE_SHAPE = "write one [label] section per job with key = value lines, e.g. [cleanup] then call = myapp.scheduler.cleanup and every = 10 minutes";

export function parseJobFile(text: string, file: string, instanceZone: string): JobFile {
  const sectionDiagnostics: Diagnostic[] = [];
  const sectionWarnings: Diagnostic[] = [];
  const jobs: JobSpec[] = [];
  const seen = new Map<string, number>();
  let jobSections = 0;
  // Python's configparser (the original's reader) gives every section the keys
  // of [DEFAULT]; files written for it keep working. A job's own keys win.
  let defaults: RawEntry[] = [];
  const take = (rawSection: RawSection) => {
    if (rawSection.label === DEFAULT_SECTION) {
      // Its unreadable lines are not inherited; say so once, at their line.
      sectionDiagnostics.push(...rawSection.problems);
      return;
    }
    jobSections++;
    // Without a [DEFAULT] section (most files) nothing is inherited and nothing need be looked up.
    const own = defaults.length === 0 ? null : new Set(rawSection.entries.map((e) => canonicalKey(e.key)));
    const inherited = own === null ? [] : defaults.filter((e) => !own.has(canonicalKey(e.key)));
    const section = inherited.length === 0 ? rawSection : { ...rawSection, entries: [...rawSection.entries, ...inherited] };
    const firstLine = seen.get(section.label);
    if (firstLine !== undefined) {
      sectionDiagnostics.push({
        file,
        line: section.line,
        label: section.label,
        code: "duplicate-label",
        message: `this label is already used by the job on line ${firstLine}; labels must be unique, so rename this job (it is left out)`,
      });
      return;
    }
    seen.set(section.label, section.line);
    const built = buildJob(section, file, instanceZone);
    if (built.diagnostics.length > 0) sectionDiagnostics.push(...built.diagnostics);
    if (built.warnings.length > 0) sectionWarnings.push(...built.warnings);
    if (built.job) jobs.push(built.job);
  };
  // A file without a [DEFAULT] section (the text does not even hold the word)
  // has each job built as soon as its section is read; one with it needs
  // [DEFAULT]'s keys before any job, wherever it stands in the file.
  const streamed = !text.includes(DEFAULT_SECTION);
  const raw = readIni(text, file, streamed ? take : undefined);
  if (raw.notText) throw new TickdError("config-invalid", `${displayPath(file)}:1 is not a text file; the job file must be UTF-8 INI text`);
  if (raw.notIni) {
    throw new TickdError(
      "config-invalid",
      `${displayPath(file)}:${raw.firstBadLine ?? 1} is not an INI job file; ${JOB_FILE_SHAPE}`,
    );
  }
  if (!streamed) {
    defaults = raw.sections.filter((s) => s.label === DEFAULT_SECTION).flatMap((s) => s.entries);
    for (const rawSection of raw.sections) take(rawSection);
  }
  const diagnostics: Diagnostic[] = [...raw.diagnostics, ...sectionDiagnostics];
  const warnings: Diagnostic[] = [...raw.warnings, ...sectionWarnings];
  if (jobSections === 0 && diagnostics.length === 0) {
    warnings.push({ file, line: 1, code: "empty-file", message: `the job file has no jobs, so nothing is scheduled; ${JOB_FILE_SHAPE}` });
  }
  diagnostics.sort((a, b) => a.line - b.line);
  warnings.sort((a, b) => a.line - b.line);
  return { path: file, jobs, diagnostics, warnings };
}

export async function loadJobFile(filePath: string, instanceZone: string): Promise<JobFile> {
  const absolute = path.resolve(filePath);
  const shown = displayPath(filePath);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new TickdError("config-missing", `${shown}: job file not found; create it (${JOB_FILE_SHAPE}) or point --config (-P) at your job file`);
    }
    if (code === "EISDIR") throw new TickdError("config-invalid", `${shown}: is a folder, not a job file; point --config (-P) at the scheduler.ini inside it`);
    throw new TickdError("config-missing", `${shown}: cannot read the job file (${(error as Error).message}); check its permissions`, { cause: error });
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new TickdError("config-invalid", `${shown}:1 is UTF-16 text; save the job file as UTF-8`);
  }
  // Leniently: a stray byte leaves only its section out (see readIni).
  return parseJobFile(decodeJobFile(bytes), absolute, instanceZone);
}

interface Built {
  readonly job?: JobSpec;
  readonly diagnostics: Diagnostic[];
  /** Lines the job runs with, but not as written (an ignored at, a misspelt key that became a kwarg). */
  readonly warnings: Diagnostic[];
}

/** ` ; rest` or ` # rest` at the end of a value: an inline comment, which INI (and configparser, the original's reader) keeps as part of the value. */
const INLINE_COMMENT = /\s([;#].*)$/;

function inlineCommentHint(value: string): string | undefined {
  const comment = INLINE_COMMENT.exec(value)?.[1];
  if (comment === undefined) return undefined;
  return `${JSON.stringify(comment)} looks like an inline comment, but a job file has none (the text is part of the value): put the comment on a line of its own, starting with ; or #`;
}

/**
 * One job from its key/value entries: the section of a job file, or the
 * entries discovery makes of a registration or a stored row (the same rules,
 * the same messages).
 */
export function buildJob(section: RawSection, file: string, instanceZone: string): Built {
  const { label } = section;
  const diagnostics: Diagnostic[] = [...section.problems];
  const warnings: Diagnostic[] = [];
  const problem = (entry: RawEntry | undefined, code: DiagnosticCode, message: string) => {
    const hint = entry && code !== "duplicate-key" ? inlineCommentHint(entry.value) : undefined;
    diagnostics.push({ file, line: entry?.line ?? section.line, label, ...(entry ? { key: entry.key } : {}), code, message: hint ? `${message}; ${hint}` : message });
  };
  const warn = (entry: RawEntry, code: DiagnosticCode, message: string) => {
    warnings.push({ file, line: entry.line, label, key: entry.key, code, message });
  };

  // Canonical key of the table -> its entry; everything else is a kwarg.
  const byKey = new Map<string, RawEntry>();
  const kwargEntries = new Map<string, RawEntry>();
  // `method` is a key only in url jobs (jobKey leaves it out until the kind is known).
  const target = section.entries.find((e) => jobKey(e.key)?.group === "target");
  const targetKind = target === undefined ? undefined : (canonicalKey(target.key) as JobTarget["kind"]);
  for (const entry of section.entries) {
    const row = jobKey(entry.key, targetKind);
    const table = row ? byKey : kwargEntries;
    const name = row ? row.key : entry.key;
    const earlier = table.get(name);
    if (earlier) {
      const same = earlier.key.toLowerCase() === entry.key.toLowerCase();
      problem(
        entry,
        "duplicate-key",
        same
          ? `${entry.key}: given twice (first on line ${earlier.line}); keep one`
          : `${entry.key}: means the same as ${earlier.key} on line ${earlier.line}; keep one`,
      );
      continue;
    }
    table.set(name, entry);
  }

  const schedule = buildSchedule(byKey, problem, warn);
  const jobTarget = buildTarget(byKey, problem, (code, message) => problem(undefined, code, message));

  // Each option by its row's parser, in table order; a parser may ask for
  // another option's value (retries reads retry_delay, until the zone).
  const values = new Map<string, unknown>();
  const value = (row: OptionKey): unknown => {
    if (values.has(row.field)) return values.get(row.field);
    values.set(row.field, row.default);
    const entry = byKey.get(row.key);
    if (entry) {
      const parsed = row.parse(entry.value, entry.key, context);
      if (parsed.ok) values.set(row.field, parsed.value);
      else problem(entry, parsed.code, parsed.message);
    }
    return values.get(row.field);
  };
  const options = optionKeys();
  const context: ParseContext = {
    get zone() {
      const timezone = options.find((r) => r.field === "timezone");
      return ((timezone && value(timezone)) as string | undefined) ?? instanceZone;
    },
    value: (field) => {
      const row = options.find((r) => r.field === field);
      return row ? value(row) : undefined;
    },
  };
  const fields: Record<string, unknown> = {};
  for (const row of options) {
    // An option the section does not give, and no parser asked for, is its default (most of them, for most jobs).
    const v = byKey.has(row.key) || values.has(row.field) ? value(row) : row.default;
    if (v !== undefined && !(row.sparse && v === row.default)) fields[row.field] = v;
  }

  const kwargs: Record<string, KwargValue> = {};
  for (const [name, entry] of kwargEntries) {
    kwargs[name] = coerceKwarg(entry.value);
    const near = nearestKey(name);
    if (near !== undefined) {
      warn(entry, "near-key", `${entry.key}: not a job key, so it is passed to the callback as a keyword argument; did you mean ${near}? (rename it, or keep it if the callback reads ${entry.key})`);
    }
    const hint = inlineCommentHint(entry.value);
    if (hint !== undefined) warn(entry, "inline-comment", `${entry.key}: ${hint}`);
  }

  if (diagnostics.length > 0 || !schedule || !jobTarget) {
    // An unreadable line may be the very key reported missing; say only what is certain.
    const unreadable = section.problems.some((d) => d.code === "bad-bytes");
    return { diagnostics: unreadable ? diagnostics.filter((d) => d.key !== undefined || !d.code.startsWith("missing-")) : diagnostics, warnings };
  }
  const offsets: Record<string, number> = {};
  let layout = "o";
  for (const [k, e] of byKey) {
    offsets[k] = e.line - section.line;
    layout += ` ${k}=${offsets[k]}`;
  }
  const keyOffsets = shared(offsets, layout);
  const job = brandJobSpec({
    label,
    target: shared(jobTarget, targetKey(jobTarget)),
    schedule: shared(schedule, ruleKey(schedule)),
    ...(fields as Pick<JobSpec, "active" | "description" | "overlap" | "retries" | "retryDelayMs" | "catchup" | "jitterMs">),
    kwargs: kwargEntries.size === 0 ? NO_KWARGS : Object.freeze(kwargs),
    origin: Object.freeze({ source: "ini", file, line: section.line, keyOffsets }),
  });
  return { job, diagnostics, warnings };
}

/** The kwargs of every job that has none: one frozen object, not one per job. */
const NO_KWARGS: Readonly<Record<string, KwargValue>> = Object.freeze({});

/**
 * Equal targets and schedule rules (plain, frozen data) as one shared object:
 * a file of 100,000 jobs calling one callback every hour holds one target and
 * one rule, not 100,000 of each (and 100,000 copies of the callback's name).
 * Bounded: cleared once it holds SHARED_MAX distinct values.
 */
const sharedValues = new Map<string, object>();
const SHARED_MAX = 100_000;

function shared<T extends object>(value: T, key: string): T {
  const known = sharedValues.get(key);
  if (known !== undefined) return known as T;
  if (sharedValues.size >= SHARED_MAX) sharedValues.clear();
  Object.freeze(value);
  sharedValues.set(key, value);
  return value;
}

/**
 * The text that tells equal targets (and rules) apart, for shared(): every
 * field, written out for the common shapes (a JSON.stringify per job was a
 * tenth of the loader's time at 1,000,000 jobs). The prefixes keep the shapes apart.
 */
function targetKey(t: JobTarget): string {
  if (t.kind === "call") return `c ${t.callback}`;
  if (t.kind === "command") return `x ${t.command}`;
  return `u ${t.method} ${t.url}`;
}

function ruleKey(rule: ScheduleRule): string {
  if (rule.kind === "every" && rule.at === undefined) return `e ${rule.interval} ${rule.unit}`;
  return `j ${JSON.stringify(rule)}`;
}

type Problem = (entry: RawEntry | undefined, code: DiagnosticCode, message: string) => void;
type Warn = (entry: RawEntry, code: DiagnosticCode, message: string) => void;

/** HH:MM or HH:MM:SS: a time of day, which a minute job cannot use (its `at` is :SS). */
const TIME_OF_DAY = /^\d{1,2}:\d{2}(:\d{2})?$/;

/**
 * Whether `at` is ignored for this unit, as the original ignored it (it
 * applied `at` to weekdays only): any `at` of a second or week job, which
 * Python `schedule` cannot give one, and a time of day on a minute job. The
 * job runs without it, with a warning. `at` on hours (:MM, MM:SS), on
 * minutes as :SS, and on days and weekdays is meaningful and kept.
 */
function ignoredAt(unit: IntervalUnit | Weekday, at: string): boolean {
  return unit === "second" || unit === "week" || (unit === "minute" && TIME_OF_DAY.test(at.trim()));
}

function buildSchedule(byKey: Map<string, RawEntry>, problem: Problem, warn: Warn): ScheduleRule | undefined {
  const every = byKey.get("every");
  const cron = byKey.get("cron");
  const at = byKey.get("at");
  if (every && cron) {
    const later = every.line > cron.line ? every : cron;
    problem(later, "conflicting-schedule", `${later.key}: a job has either every or cron, not both; remove one of them`);
    return undefined;
  }
  if (!every && !cron) {
    problem(undefined, "missing-schedule", "has no schedule; add every = [N] unit (e.g. every = 10 minutes) or cron = 5 fields (e.g. cron = 30 2 * * *), or every = manual for a job run only by hand");
    return undefined;
  }
  if (cron) {
    if (at) problem(at, "at-not-allowed", "at: cron already sets the time of day; remove at, or put the time in the cron fields");
    const parsed = parseCron(cron.value);
    if (!parsed.ok) return void problem(cron, parsed.code, parsed.message);
    return { kind: "cron", expression: parsed.value };
  }
  if (isManualEvery(every!.value)) {
    if (at) problem(at, "at-not-allowed", `at: ${every!.key} = manual has no schedule, so no time of day; remove at, or give ${every!.key} a unit (every = day) to run at ${at.value.trim()}`);
    return { kind: "manual" };
  }
  const parsed = parseEvery(every!.key, every!.value);
  if (!parsed.ok) return void problem(every, parsed.code, parsed.message);
  const { interval, unit } = parsed.value;
  if (!at) return { kind: "every", interval, unit };
  if (ignoredAt(unit, at.value)) {
    const instead = unit === "minute" ? "; on a minute job at = :SS picks the second of each minute" : "";
    warn(
      at,
      "at-ignored",
      `at: ${JSON.stringify(at.value.trim())} is ignored with every = ${every!.value.trim()} (as the original scheduler ignored it): the job runs every ${interval === 1 ? unit : `${interval} ${unit}s`} from its start. Remove at, or use a day or weekday unit (every = day, every = monday) for a time of day${instead}`,
    );
    return { kind: "every", interval, unit };
  }
  const atParsed = parseAt(at.value, unit);
  if (!atParsed.ok) return void problem(at, atParsed.code, atParsed.message);
  return { kind: "every", interval, unit, at: atParsed.value };
}

const TARGET_KEYS = ["call", "command", "url"] as const;

function buildTarget(byKey: Map<string, RawEntry>, problem: Problem, sectionProblem: (code: DiagnosticCode, message: string) => void): JobTarget | undefined {
  const given: RawEntry[] = [];
  for (const k of TARGET_KEYS) {
    const entry = byKey.get(k);
    if (entry !== undefined) given.push(entry);
  }
  if (given.length === 0) {
    sectionProblem("missing-call", "has nothing to run; add call = module.function (e.g. call = myapp.scheduler.cleanup), or command = … / url = …");
    return undefined;
  }
  if (given.length > 1) {
    const later = given.reduce((a, b) => (a.line > b.line ? a : b));
    problem(later, "conflicting-target", `${later.key}: a job runs exactly one of call, command or url; keep one (this job also has ${given.filter((e) => e !== later).map((e) => e.key).join(", ")})`);
    return undefined;
  }
  const entry = given[0]!;
  const value = entry.value.trim();
  const kind = canonicalKey(entry.key);
  if (kind === "call") {
    if (value === "") return void problem(entry, "missing-call", `${entry.key}: is empty; write the callback as module.function, e.g. myapp.scheduler.cleanup`);
    if (!isDottedPath(value)) {
      return void problem(entry, "bad-callback", `${entry.key}: ${JSON.stringify(value)} is not a dotted path; write folder.module.function, e.g. myapp.scheduler.cleanup for the export cleanup of myapp/scheduler.ts`);
    }
    return { kind: "call", callback: value };
  }
  if (kind === "command") {
    if (value === "") return void problem(entry, "missing-command", "command: is empty; write the shell command to run, e.g. command = /usr/local/bin/backup.sh");
    return { kind: "command", command: value };
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    return void problem(entry, "bad-url", `url: ${JSON.stringify(value)} is not an http(s) URL; write the full address, e.g. https://example.com/tasks/cleanup`);
  }
  const methodEntry = byKey.get("method");
  const method = (methodEntry?.value.trim() ?? "GET").toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    return void problem(methodEntry, "bad-method", `method: ${JSON.stringify(methodEntry?.value ?? "")} is not an HTTP method; write one of ${HTTP_METHODS.join(", ")} (default GET)`);
  }
  return { kind: "url", url: value, method };
}
