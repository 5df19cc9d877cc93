/**
 * The job-file keys, each written down once: its aliases, what it means, how
 * its text is parsed and formatted, its default, where the store keeps it,
 * who may change it. The loader (load.ts), discovery's validation, the store's
 * row mapping, export-ini, the API's job model and `tickd list` all read this
 * table, so adding a key is one row here plus its behaviour (systemd's
 * unit-file keys are one table from key to parser; croner documents each
 * option once, with its default).
 *
 * Every key that is not in the table becomes a keyword argument of the callback.
 *
 * Rows come in three groups:
 * - `target` (call, command, url, method) and `schedule` (every, at, cron):
 *   keys that make sense only together; the loader reads each group at once
 *   (buildTarget, buildSchedule in load.ts) and the row says how to write the
 *   job's value back (`text`, and `stored` where its column differs).
 * - `option`: every other key, read on its own by its `parse`, with its
 *   `default`, set on the JobSpec field `field`; its `format` writes it back
 *   and `list` shows it in `tickd list`.
 * The table's order is schedule.register's list of options and export-ini's
 * order of lines (which writes the description right after the target).
 */
import { MAX_ALERT_AFTER, MAX_EVERY_MS, MAX_GRACE_MS, MAX_JITTER_MS, MAX_KEEP_MS, MAX_KEEP_RUNS, MAX_RETRIES, MAX_RETRY_WAIT_MS, MAX_TIMEOUT_MS, mostRetries, retryWait, roughly } from "./bounds.ts";
import { parseFlag } from "./coerce.ts";
import { formatDuration, parseDuration } from "./durations.ts";
import { isWeekday } from "./every.ts";
import type { JobSpec, Keep } from "./types.ts";
import { choice, duration, everyText, fail, HTTP_METHODS, keepText, ok, schedule, target, type GroupKey, type JobKey, type KeyColumn, type OptionKey } from "./key-kinds.ts";
import { NOTIFY_EVENTS, parseChannels, parseEvents, redactAddress, type NotifyEvent } from "./notify.ts";
import { parseUntil } from "./until.ts";
import { isValidZone } from "./zone.ts";

export { everyText, HTTP_METHODS, keepText, type GroupKey, type JobKey, type KeyColumn, type OptionKey, type ParseContext } from "./key-kinds.ts";

const rows: JobKey[] = [
  target("call", "The callback to run, as a dotted path resolved under --root: folder.module.function.", (j) => (j.target.kind === "call" ? j.target.callback : undefined), { aliases: ["callback"] }),
  target("command", "A shell command to run instead of a callback.", (j) => (j.target.kind === "command" ? j.target.command : undefined)),
  target("url", "An http(s) address to call instead of a callback.", (j) => (j.target.kind === "url" ? j.target.url : undefined)),
  target("method", "The HTTP method of a url job; default GET.", (j) => (j.target.kind === "url" && j.target.method.toUpperCase() !== "GET" ? j.target.method : undefined), {
    column: "method",
    urlOnly: true,
  }),
  schedule(
    "every",
    "[N] unit: second(s), minute(s), hour(s), day(s), week(s) or a weekday; or manual: no schedule, the job runs only by hand (run-job, runJobNow, the dashboard).",
    // A job file spells the count out ("1 day"); a weekday has none.
    (j) =>
      j.schedule.kind === "manual"
        ? "manual"
        : j.schedule.kind !== "every"
          ? undefined
          : isWeekday(j.schedule.unit)
            ? j.schedule.unit
            : `${j.schedule.interval} ${j.schedule.unit}${j.schedule.interval === 1 ? "" : "s"}`,
    { aliases: ["frequency"], stored: (j) => everyText(j.schedule) ?? undefined },
  ),
  schedule("at", "The moment within each unit of every: :SS, MM:SS or :MM, HH:MM[:SS].", (j) => (j.schedule.kind === "every" ? j.schedule.at?.text : undefined)),
  schedule("cron", "A cron expression (5 fields, or 6 with seconds first), or a nickname such as @daily.", (j) => (j.schedule.kind === "cron" ? j.schedule.expression : undefined)),
  {
    key: "timezone",
    doc: "The IANA zone of at, cron and day boundaries; default the instance zone (--timezone).",
    field: "timezone",
    group: "option",
    column: "timezone",
    operator: "schedule",
    register: true,
    parse: (text) => (isValidZone(text) ? ok(text) : fail("bad-timezone", `timezone: ${JSON.stringify(text)} is not an IANA time zone; write a name such as Europe/Berlin, America/New_York or UTC`)),
    format: (value) => String(value),
  },
  {
    key: "description",
    doc: "Free text; default the callback's doc comment.",
    field: "description",
    group: "option",
    column: "description",
    register: true,
    default: "",
    // A doc comment's paragraphs are kept (export-ini joins them: a job file value is one line).
    parse: (text) => ok(text),
    format: (value) => String(value),
  },
  {
    key: "active",
    doc: "yes or no; an inactive job is listed but never scheduled. Default yes.",
    field: "active",
    group: "option",
    column: "active",
    operator: "active",
    register: true,
    default: true,
    parse: (text) => {
      const flag = parseFlag(text);
      return flag === undefined ? fail("bad-active", `active: ${JSON.stringify(text)} is not yes or no; write yes or no (true/false, on/off and 1/0 work too)`) : ok(flag);
    },
    format: (value) => (value ? "yes" : "no"),
  },
  {
    ...duration("timeout", "How long a run may take before it is ended and recorded timeout; default none.", "timeoutMs", {
      allowZero: false,
      max: MAX_TIMEOUT_MS,
      what: "the longest timeout (remove the line for no timeout)",
    }),
    list: { name: "timeout", words: (value) => formatDuration(value as number) },
  },
  choice("overlap", "What a run due while the previous one still runs does: skip, queue or allow. Default skip.", ["skip", "queue", "allow"], "skip"),
  {
    key: "retries",
    doc: "How many times a failed run is tried again, each wait twice the one before; default 0.",
    field: "retries",
    group: "option",
    column: "options",
    register: true,
    default: 0,
    parse(text, _written, ctx) {
      const t = text.trim();
      if (!/^\d+$/.test(t)) return fail("bad-retries", `retries: ${JSON.stringify(t)} is not a whole number of 0 or more; write e.g. retries = 3 (0 means no retries)`);
      if (Number(t) > MAX_RETRIES) return fail("out-of-range", `retries: ${t} is more than ${MAX_RETRIES}; write at most ${MAX_RETRIES} (each retry waits twice as long as the one before)`);
      const retries = Number(t);
      // The delay doubles before each retry: the last wait must stay a sane, finite time.
      const retryDelayMs = ctx.value("retryDelayMs") as number;
      const lastWait = retryWait(retryDelayMs, retries);
      if (retries > 0 && lastWait > MAX_RETRY_WAIT_MS) {
        return fail(
          "out-of-range",
          `retries: the last of ${retries} retries would wait ${roughly(lastWait)} (the ${formatDuration(retryDelayMs)} retry_delay doubles before each retry), more than ${roughly(MAX_RETRY_WAIT_MS)}; write retries = ${mostRetries(retryDelayMs)} or fewer, or a shorter retry_delay`,
        );
      }
      return ok(retries);
    },
    format: (value) => String(value),
    list: { name: "retries", words: (value, job) => ((value as number) > 0 ? `${value as number}, first after ${formatDuration(job.retryDelayMs)}` : undefined) },
  },
  duration("retry_delay", "The wait before the first retry, doubling before each next one; default 1 second.", "retryDelayMs", {
    allowZero: true,
    max: MAX_RETRY_WAIT_MS,
    what: "the longest wait before a retry",
    default: 1000,
  }),
  choice("catchup", "After downtime: skip the missed runs, or run once for them. Default skip.", ["skip", "once"], "skip"),
  {
    ...duration(
      "grace",
      "How late a run may start before its occurrence counts as missed (the instance was down, suspended or stuck): one missed record per gap. Default none: nothing is recorded missed.",
      "graceMs",
      { allowZero: false, max: MAX_GRACE_MS, what: "the longest grace (remove the line to record no missed runs)" },
    ),
    list: { name: "grace", words: (value) => formatDuration(value as number) },
  },
  duration("jitter", "The most random delay added to each run; default 0.", "jitterMs", { allowZero: true, max: MAX_JITTER_MS, what: "the longest random delay", default: 0 }),
  {
    key: "ping",
    doc: "A dead man's switch (Healthchecks.io convention): GET URL/start when a run starts, URL on success, URL/fail on failure, error or timeout.",
    field: "ping",
    group: "option",
    column: "options",
    register: true,
    parse: (text, written) => {
      const url = pingUrl(text);
      return url === undefined ? fail("bad-ping", `${written}: ${JSON.stringify(text.trim())} is not an http:// or https:// URL; write the check's ping address, e.g. https://hc-ping.com/YOUR-UUID`) : ok(url);
    },
    format: (value) => String(value),
  },
  {
    key: "until",
    doc: "An ISO date or date-time after which the job is no longer scheduled (a date counts through its end).",
    field: "until",
    group: "option",
    column: "until",
    operator: "schedule",
    register: true,
    parse: (text, _written, ctx) => parseUntil(text, ctx.zone),
    format: (value) => new Date(value as number).toISOString(),
  },
  choice("isolate", "Where a callback runs: its module's worker (ended at its timeout), or none (the scheduler's thread). Default worker.", ["worker", "none"], "worker", {
    sparse: true,
  }),
  {
    key: "keep",
    doc: "How much of the job's history to keep: the newest N runs (1000 runs) or the runs of a span (90 days); default the instance's --keep. Runs of the current day stay until it is rolled up.",
    field: "keep",
    group: "option",
    column: "options",
    register: true,
    parse(text, written) {
      const t = text.trim().toLowerCase();
      const runs = /^(\d+)\s*runs?$/.exec(t);
      if (runs) {
        const n = Number(runs[1]);
        if (n < 1 || n > MAX_KEEP_RUNS) return fail("out-of-range", `${written}: ${n} runs is out of range; write 1 to ${MAX_KEEP_RUNS} runs, or a span such as 90 days`);
        return ok({ runs: n });
      }
      // A bare number says neither runs nor a span: ask which.
      if (/^\d+$/.test(t)) return fail("bad-keep", `${written}: ${JSON.stringify(text.trim())} needs a unit; write keep = ${t} runs or keep = ${t} days`);
      const ms = parseDuration(t);
      if (ms === undefined || ms <= 0) return fail("bad-keep", `${written}: ${JSON.stringify(text)} is neither a number of runs nor a span; write e.g. keep = 1000 runs or keep = 90 days`);
      if (ms > MAX_KEEP_MS) return fail("out-of-range", `${written}: ${JSON.stringify(text.trim())} is longer than ${roughly(MAX_KEEP_MS)}; write at most ${roughly(MAX_KEEP_MS)}`);
      return ok({ ms });
    },
    format: (value) => keepText(value as Keep),
    list: { name: "keep", words: (value) => keepText(value as Keep) },
  } as OptionKey,
  {
    ...duration("keep_failures", "How long runs that went wrong (failure, error, timeout, abandoned, missed) are kept, when longer than keep; default as keep.", "keepFailuresMs", {
      allowZero: false,
      max: MAX_KEEP_MS,
      what: "the longest history kept",
    }),
    list: { name: "keep failures", words: (value) => formatDuration(value as number) },
  },
  {
    key: "notify",
    doc: "Where alerts go, comma-separated: http(s):// URLs (JSON POST), Slack webhooks (hooks.slack.com or slack+https://…), mailto:ADDRESS, exec:/path/to/script; none for no alerts. Default the instance's --notify.",
    field: "notify",
    group: "option",
    column: "options",
    register: true,
    parse(text, written) {
      const parsed = parseChannels(text);
      return parsed.ok ? ok(parsed.channels.map((c) => c.address)) : fail("bad-notify", `${written}: ${parsed.message}`);
    },
    format: (value) => ((value as string[]).length === 0 ? "none" : (value as string[]).join(", ")),
    list: { name: "notify", words: (value) => ((value as string[]).length === 0 ? "none" : (value as string[]).map(redactAddress).join(", ")) },
  } satisfies OptionKey<string[]> as OptionKey,
  {
    key: "notify_on",
    doc: `Which events alert: all, or some of ${NOTIFY_EVENTS.join(", ")}. Default all of them.`,
    field: "notifyOn",
    group: "option",
    column: "options",
    register: true,
    parse(text, written) {
      const parsed = parseEvents(text);
      return parsed.ok ? ok(parsed.events) : fail("bad-notify-on", `${written}: ${parsed.message}`);
    },
    format: (value) => (value as NotifyEvent[]).join(", "),
  } satisfies OptionKey<NotifyEvent[]> as OptionKey,
  {
    key: "alert_after",
    doc: "Alert when the job has gone wrong this many times in a row (one alert per streak); default 1.",
    field: "alertAfter",
    group: "option",
    column: "options",
    register: true,
    default: 1,
    sparse: true,
    parse(text, written) {
      const t = text.trim();
      if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > MAX_ALERT_AFTER) {
        return fail("bad-alert-after", `${written}: ${JSON.stringify(t)} is not a whole number from 1 to ${MAX_ALERT_AFTER}; write e.g. alert_after = 3 (1 alerts on the first failure)`);
      }
      return ok(Number(t));
    },
    format: (value) => String(value),
  },
  duration("realert", "Repeat the alert this often while the job stays broken; default never (one alert per streak).", "realertMs", {
    allowZero: false,
    max: MAX_EVERY_MS,
    what: "the longest wait between repeated alerts (remove the line to alert once per streak)",
  }),
  duration("warn_after", "A run still going after this raises a slow alert (once per run); default none.", "warnAfterMs", {
    allowZero: false,
    max: MAX_TIMEOUT_MS,
    what: "the longest a run may go before it is called slow",
  }),
];

/** A ping address as written, without a trailing slash (so URL/start and URL/fail are its siblings); undefined when not http(s). */
export function pingUrl(text: string): string | undefined {
  const t = text.trim().replace(/\/+$/, "");
  if (!/^https?:\/\/[^/?#\s]+/i.test(t) || !URL.canParse(t)) return undefined;
  return t;
}

/** Every key, in the order export-ini writes them (after the target: description, then the rest). */
export const JOB_KEYS: readonly JobKey[] = rows;

let byName = new Map<string, JobKey>();
/** optionKeys(), kept by index(): the loader reads it once per job. */
let options: readonly OptionKey[] = [];
function index(): void {
  byName = new Map();
  for (const row of rows) for (const name of [row.key, ...(row.aliases ?? [])]) byName.set(name, row);
  options = rows.filter((r): r is OptionKey => r.group === "option");
}
index();

/** The row of a key as written (any case, aliases resolved); undefined for a keyword argument. */
export function jobKey(written: string, targetKind?: JobSpec["target"]["kind"]): JobKey | undefined {
  // Keys are mostly written in lower case already: then no lower-cased copy is made.
  const row = byName.get(written) ?? byName.get(written.toLowerCase());
  if (row?.urlOnly && targetKind !== "url") return undefined;
  return row;
}

/**
 * The key (or alias) a keyword argument's name is one typo away from, for a
 * warning: `timout` -> timeout, `descripton` -> description. Short names must
 * be closer (a kwarg `tag` is not a misspelt `at`); undefined when none is.
 */
export function nearestKey(written: string): string | undefined {
  const name = written.toLowerCase();
  const most = name.length >= 6 ? 2 : name.length >= 4 ? 1 : 0;
  let best: { key: string; distance: number } | undefined;
  for (const key of byName.keys()) {
    const distance = editDistance(name, key);
    if (distance > 0 && distance <= most && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** Canonical form of a key as written: lower-case, aliases resolved. */
export function canonicalKey(written: string): string {
  const exact = byName.get(written);
  if (exact !== undefined) return exact.key;
  const lower = written.toLowerCase();
  return byName.get(lower)?.key ?? lower;
}

/** The keys read on their own, in table order. */
export function optionKeys(): readonly OptionKey[] {
  return options;
}

/** The keys an operator's schedule edit may change (the row's own columns). */
export function operatorScheduleColumns(): readonly KeyColumn[] {
  return rows.filter((r) => r.operator === "schedule").map((r) => r.column);
}

/** An option's value on a job; undefined when absent. Sparse fields read as their default. */
export function optionValue(job: JobSpec, row: OptionKey): unknown {
  const value = (job as unknown as Record<string, unknown>)[row.field];
  return value === undefined && row.sparse ? row.default : value;
}

/** The text a job file holds for an option's value; undefined when no line is needed (absent or the default). */
export function optionText(row: OptionKey, value: unknown): string | undefined {
  if (value === undefined || value === null || value === row.default) return undefined;
  return row.format(value);
}

/**
 * Tests only: add a row (a key that exists nowhere else) and get back the
 * function that removes it again. Production keys are the rows above.
 */
export function addKeyForTests(row: JobKey): () => void {
  if (byName.has(row.key)) throw new Error(`the key ${row.key} is already in the table`);
  rows.push(row);
  index();
  return () => {
    const at = rows.indexOf(row);
    if (at !== -1) rows.splice(at, 1);
    index();
  };
}
