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
import { TickdError } from "../errors.ts";
import { coerceKwarg, parseFlag } from "./coerce.ts";
import { MAX_JITTER_MS, MAX_RETRIES, MAX_RETRY_WAIT_MS, MAX_TIMEOUT_MS, mostRetries, retryWait, roughly } from "./bounds.ts";
import { DURATION_HINT, formatDuration, parseDuration } from "./durations.ts";
import { parseAt, parseCron, parseEvery, type Parsed } from "./every.ts";
import { decodeJobFile, readIni, type RawEntry, type RawSection } from "./ini-reader.ts";
import { canonicalKey, DEFAULTS, HTTP_METHODS, RESERVED_KEYS, URL_ONLY_KEYS } from "./keys.ts";
import {
  brandJobSpec,
  type CatchupPolicy,
  type Diagnostic,
  type IsolateMode,
  type JobFile,
  type JobSpec,
  type JobTarget,
  type KwargValue,
  type OverlapPolicy,
  type ScheduleRule,
} from "./types.ts";
import { parseUntil } from "./until.ts";

// Line of every key of a loaded job, so later checks (callback resolution)
// can point at `call` rather than the header. Kept beside the frozen spec
// instead of in it: the JobSpec contract stays what the engine needs.
/** The section whose keys every job inherits, as in configparser. */
export const DEFAULT_SECTION = "DEFAULT";

const keyLines = new WeakMap<JobSpec, ReadonlyMap<string, number>>();

/** The line of `key` (canonical name, e.g. "call") in the job's section; the header line if absent. */
export function keyLine(job: JobSpec, key: string): number {
  return keyLines.get(job)?.get(key) ?? job.origin.line;
}

/** Carry the key lines over to a copy of a job (e.g. one with its description filled in). */
export function inheritKeyLines(from: JobSpec, to: JobSpec): JobSpec {
  const lines = keyLines.get(from);
  if (lines) keyLines.set(to, lines);
  return to;
}

export function isValidZone(zone: string): boolean {
  if (zone.trim() === "") return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const MODULE_SEGMENT = /^[\p{L}\p{N}_$-]+$/u;
const EXPORT_NAME = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;

/** `a.b.fn`: at least a module and an export name, each a plain identifier-like segment. */
export function isDottedPath(text: string): boolean {
  const parts = text.split(".");
  if (parts.length < 2) return false;
  const name = parts.pop()!;
  return EXPORT_NAME.test(name) && parts.every((p) => MODULE_SEGMENT.test(p));
}

export function parseJobFile(text: string, file: string, instanceZone: string): JobFile {
  const raw = readIni(text, file);
  if (raw.notText) throw new TickdError("config-invalid", `${file}:1 is not a text file; the job file must be UTF-8 INI text`);
  if (raw.notIni) {
    throw new TickdError(
      "config-invalid",
      `${file}:${raw.firstBadLine ?? 1} is not an INI job file; write one [label] section per job with key = value lines (see examples/config/scheduler.ini)`,
    );
  }
  const diagnostics: Diagnostic[] = [...raw.diagnostics];
  const jobs: JobSpec[] = [];
  const seen = new Map<string, number>();
  // Python's configparser (the original's reader) gives every section the keys
  // of [DEFAULT]; files written for it keep working. A job's own keys win.
  const defaults = raw.sections.filter((s) => s.label === DEFAULT_SECTION).flatMap((s) => s.entries);
  for (const rawSection of raw.sections) {
    if (rawSection.label === DEFAULT_SECTION) {
      // Its unreadable lines are not inherited; say so once, at their line.
      diagnostics.push(...rawSection.problems);
      continue;
    }
    const own = new Set(rawSection.entries.map((e) => canonicalKey(e.key)));
    const inherited = defaults.filter((e) => !own.has(canonicalKey(e.key)));
    const section = inherited.length === 0 ? rawSection : { ...rawSection, entries: [...rawSection.entries, ...inherited] };
    const firstLine = seen.get(section.label);
    if (firstLine !== undefined) {
      diagnostics.push({
        file,
        line: section.line,
        label: section.label,
        code: "duplicate-label",
        message: `this label is already used by the job on line ${firstLine}; labels must be unique, so rename this job (it is left out)`,
      });
      continue;
    }
    seen.set(section.label, section.line);
    const built = buildJob(section, file, instanceZone);
    diagnostics.push(...built.diagnostics);
    if (built.job) jobs.push(built.job);
  }
  diagnostics.sort((a, b) => a.line - b.line);
  return { path: file, jobs, diagnostics, warnings: raw.warnings };
}

export async function loadJobFile(filePath: string, instanceZone: string): Promise<JobFile> {
  const absolute = path.resolve(filePath);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new TickdError("config-missing", `${absolute}: job file not found; create it (see examples/config/scheduler.ini) or point --config at the right file`);
    }
    if (code === "EISDIR") throw new TickdError("config-invalid", `${absolute}: is a folder, not a job file; point --config at the scheduler.ini inside it`);
    throw new TickdError("config-missing", `${absolute}: cannot read the job file (${(error as Error).message}); check its permissions`, { cause: error });
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new TickdError("config-invalid", `${absolute}:1 is UTF-16 text; save the job file as UTF-8`);
  }
  // Leniently: a stray byte leaves only its section out (see readIni).
  return parseJobFile(decodeJobFile(bytes), absolute, instanceZone);
}

interface Built {
  readonly job?: JobSpec;
  readonly diagnostics: Diagnostic[];
}

function buildJob(section: RawSection, file: string, instanceZone: string): Built {
  const { label } = section;
  const diagnostics: Diagnostic[] = [...section.problems];
  const problem = (entry: RawEntry | undefined, code: string, message: string) => {
    diagnostics.push({ file, line: entry?.line ?? section.line, label, ...(entry ? { key: entry.key } : {}), code, message });
  };

  // Canonical reserved key -> its entry; everything else is a kwarg.
  const byKey = new Map<string, RawEntry>();
  const kwargEntries = new Map<string, RawEntry>();
  const target = section.entries.find((e) => ["call", "command", "url"].includes(canonicalKey(e.key)));
  const isUrlJob = target !== undefined && canonicalKey(target.key) === "url";
  for (const entry of section.entries) {
    const key = canonicalKey(entry.key);
    const reserved = RESERVED_KEYS.has(key) || (isUrlJob && URL_ONLY_KEYS.has(key));
    const table = reserved ? byKey : kwargEntries;
    const name = reserved ? key : entry.key;
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

  const schedule = buildSchedule(byKey, problem);
  const jobTarget = buildTarget(byKey, problem, (code, message) => problem(undefined, code, message));

  const tzEntry = byKey.get("timezone");
  let timezone: string | undefined;
  if (tzEntry) {
    if (isValidZone(tzEntry.value)) timezone = tzEntry.value;
    else problem(tzEntry, "bad-timezone", `timezone: ${JSON.stringify(tzEntry.value)} is not an IANA time zone; write a name such as Europe/Berlin, America/New_York or UTC`);
  }

  const activeEntry = byKey.get("active");
  let active: boolean = DEFAULTS.active;
  if (activeEntry) {
    const flag = parseFlag(activeEntry.value);
    if (flag === undefined) problem(activeEntry, "bad-active", `active: ${JSON.stringify(activeEntry.value)} is not yes or no; write yes or no (true/false, on/off and 1/0 work too)`);
    else active = flag;
  }

  // `what` names the bound in the message: "the longest timeout".
  const duration = (key: string, allowZero: boolean, max: number, what: string): number | undefined => {
    const entry = byKey.get(key);
    if (!entry) return undefined;
    const ms = parseDuration(entry.value);
    if (ms === undefined) {
      problem(entry, "bad-duration", `${entry.key}: ${JSON.stringify(entry.value)} is not a duration; ${DURATION_HINT}`);
      return undefined;
    }
    if (ms === 0 && !allowZero) {
      problem(entry, "bad-duration", `${entry.key}: must be longer than zero; ${DURATION_HINT}, or remove the line for no ${entry.key}`);
      return undefined;
    }
    if (!(ms <= max)) {
      problem(entry, "out-of-range", `${entry.key}: ${JSON.stringify(entry.value.trim())} is longer than ${roughly(max)}, ${what}; write at most ${roughly(max)}`);
      return undefined;
    }
    return ms;
  };
  const timeoutMs = duration("timeout", false, MAX_TIMEOUT_MS, "the longest timeout (remove the line for no timeout)");
  const retryDelayMs = duration("retry_delay", true, MAX_RETRY_WAIT_MS, "the longest wait before a retry") ?? DEFAULTS.retryDelayMs;
  const jitterMs = duration("jitter", true, MAX_JITTER_MS, "the longest random delay") ?? DEFAULTS.jitterMs;

  const choice = <T extends string>(key: string, options: readonly T[], fallback: T): T => {
    const entry = byKey.get(key);
    if (!entry) return fallback;
    const value = entry.value.trim().toLowerCase();
    if ((options as readonly string[]).includes(value)) return value as T;
    problem(entry, `bad-${key}`, `${entry.key}: ${JSON.stringify(entry.value)} is not one of ${options.join(", ")}; write one of them (default ${fallback})`);
    return fallback;
  };
  const overlap = choice<OverlapPolicy>("overlap", ["skip", "queue", "allow"], DEFAULTS.overlap);
  const catchup = choice<CatchupPolicy>("catchup", ["skip", "once"], DEFAULTS.catchup);
  const isolate = choice<IsolateMode>("isolate", ["worker", "none"], DEFAULTS.isolate);

  const retriesEntry = byKey.get("retries");
  let retries: number = DEFAULTS.retries;
  if (retriesEntry) {
    const t = retriesEntry.value.trim();
    if (!/^\d+$/.test(t)) {
      problem(retriesEntry, "bad-retries", `retries: ${JSON.stringify(t)} is not a whole number of 0 or more; write e.g. retries = 3 (0 means no retries)`);
    } else if (Number(t) > MAX_RETRIES) {
      problem(retriesEntry, "out-of-range", `retries: ${t} is more than ${MAX_RETRIES}; write at most ${MAX_RETRIES} (each retry waits twice as long as the one before)`);
    } else {
      retries = Number(t);
      // The delay doubles before each retry: the last wait must stay a sane, finite time.
      const lastWait = retryWait(retryDelayMs, retries);
      if (retries > 0 && lastWait > MAX_RETRY_WAIT_MS) {
        const most = mostRetries(retryDelayMs);
        problem(
          retriesEntry,
          "out-of-range",
          `retries: the last of ${retries} retries would wait ${roughly(lastWait)} (the ${formatDuration(retryDelayMs)} retry_delay doubles before each retry), more than ${roughly(MAX_RETRY_WAIT_MS)}; write retries = ${most} or fewer, or a shorter retry_delay`,
        );
      }
    }
  }

  const untilEntry = byKey.get("until");
  let until: number | undefined;
  if (untilEntry) {
    const parsed = parseUntil(untilEntry.value, timezone ?? instanceZone);
    if (parsed.ok) until = parsed.value;
    else problem(untilEntry, parsed.code, parsed.message);
  }

  const kwargs: Record<string, KwargValue> = {};
  for (const [name, entry] of kwargEntries) kwargs[name] = coerceKwarg(entry.value);

  if (diagnostics.length > 0 || !schedule || !jobTarget) {
    // An unreadable line may be the very key reported missing; say only what is certain.
    const unreadable = section.problems.some((d) => d.code === "bad-bytes");
    return { diagnostics: unreadable ? diagnostics.filter((d) => d.key !== undefined || !d.code.startsWith("missing-")) : diagnostics };
  }
  const job = brandJobSpec({
    label,
    target: jobTarget,
    schedule,
    ...(timezone !== undefined ? { timezone } : {}),
    active,
    description: byKey.get("description")?.value ?? "",
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    overlap,
    retries,
    retryDelayMs,
    catchup,
    jitterMs,
    ...(until !== undefined ? { until } : {}),
    ...(isolate !== DEFAULTS.isolate ? { isolate } : {}),
    kwargs: Object.freeze(kwargs),
    origin: Object.freeze({ source: "ini", file, line: section.line }),
  });
  keyLines.set(job, new Map([...byKey].map(([k, e]) => [k, e.line])));
  return { job, diagnostics };
}

type Problem = (entry: RawEntry | undefined, code: string, message: string) => void;

function buildSchedule(byKey: Map<string, RawEntry>, problem: Problem): ScheduleRule | undefined {
  const every = byKey.get("every");
  const cron = byKey.get("cron");
  const at = byKey.get("at");
  if (every && cron) {
    const later = every.line > cron.line ? every : cron;
    problem(later, "conflicting-schedule", `${later.key}: a job has either every or cron, not both; remove one of them`);
    return undefined;
  }
  if (!every && !cron) {
    problem(undefined, "missing-schedule", "has no schedule; add every = [N] unit (e.g. every = 10 minutes) or cron = 5 fields (e.g. cron = 30 2 * * *)");
    return undefined;
  }
  if (cron) {
    if (at) problem(at, "at-not-allowed", "at: cron already sets the time of day; remove at, or put the time in the cron fields");
    const parsed = parseCron(cron.value);
    if (!parsed.ok) return void problem(cron, parsed.code, parsed.message);
    return { kind: "cron", expression: parsed.value };
  }
  const parsed = parseEvery(every!.key, every!.value);
  if (!parsed.ok) return void problem(every, parsed.code, parsed.message);
  const { interval, unit } = parsed.value;
  if (!at) return { kind: "every", interval, unit };
  const atParsed = parseAt(at.value, unit);
  if (!atParsed.ok) return void problem(at, atParsed.code, atParsed.message);
  return { kind: "every", interval, unit, at: atParsed.value };
}

function buildTarget(byKey: Map<string, RawEntry>, problem: Problem, sectionProblem: (code: string, message: string) => void): JobTarget | undefined {
  const given = (["call", "command", "url"] as const).map((k) => byKey.get(k)).filter((e) => e !== undefined);
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
  const method = (methodEntry?.value.trim() ?? DEFAULTS.method).toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    return void problem(methodEntry, "bad-method", `method: ${JSON.stringify(methodEntry?.value ?? "")} is not an HTTP method; write one of ${HTTP_METHODS.join(", ")} (default GET)`);
  }
  return { kind: "url", url: value, method };
}
