/**
 * Enums shared by several types. GraphQL names are upper snake case; values
 * are tickd's own strings. Each closed set is read from the one table that
 * defines it (statuses from sdk/status.ts, triggers from engine/types.ts,
 * overlap/catchup/isolate words from the key table, units from every.ts, HTTP
 * methods from key-kinds.ts, diagnostic codes from errors.ts), never copied.
 */
import { HTTP_METHODS, JOB_KEYS, type OptionKey } from "../../config/keys.ts";
import { UNITS } from "../../config/every.ts";
import { WEEKDAYS } from "../../config/types.ts";
import { DIAGNOSTIC_CODES, ERROR_CODES, isCallbackErrorCode } from "../../errors.ts";
import { STATUSES, type Status } from "../../sdk/index.ts";
import { statusMeaning } from "../../sdk/status.ts";
import { TRIGGERS, type JobChange, type Trigger } from "../../engine/types.ts";
import { BACKFILL_STATES, type BackfillState } from "../../engine/backfill.ts";
import { NOTIFY_EVENTS, type NotifyEvent } from "../../config/notify.ts";
import { STORED_PROBLEM } from "../../jobs/index.ts";
import { builder } from "../builder.ts";

/** "scheduledFor" -> SCHEDULED_FOR, "bad-unit" -> BAD_UNIT, "dry-run" -> DRY_RUN. */
export function enumName(value: string): string {
  return value.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[^A-Za-z0-9]+/g, "_").toUpperCase();
}

/** Enum values (name -> { value, description }) from a list and what each means. */
export function enumValues<T extends string>(values: readonly T[], describe: Readonly<Record<T, string>> | ((value: T) => string)): Record<string, { value: T; description: string }> {
  const doc = typeof describe === "function" ? describe : (v: T) => describe[v];
  return Object.fromEntries(values.map((v) => [enumName(v), { value: v, description: doc(v) }]));
}

export const StatusEnum = builder.enumType("Status", {
  description: "How a run ended (RUNNING while it goes on).",
  values: enumValues<Status>(STATUSES, (s) => `${s[0]!.toUpperCase()}${statusMeaning(s).slice(1)}.`) as unknown as { [K in Uppercase<Status>]: { value: Status } },
});

const TRIGGER_DOCS: Readonly<Record<Trigger, string>> = {
  schedule: "Its schedule came due.",
  catchup: "Once for the occurrences missed while tickd or its store was down (catchup = once), or a run that waited out a store outage.",
  manual: "An operator ran it (runJobNow, tickd run-job, the dashboard).",
  retry: "A retry of a run that went wrong (retries).",
  backfill: "A backfill of past occurrences (backfillJob, tickd backfill).",
  takeover: "Another instance claimed the occurrence and stopped before starting it; this one took it over.",
};

export const TriggerEnum = builder.enumType("Trigger", {
  description: "Why a run happened.",
  values: enumValues<Trigger>(TRIGGERS, TRIGGER_DOCS) as unknown as { [K in Uppercase<Trigger>]: { value: Trigger } },
});

export const JobSourceEnum = builder.enumType("JobSource", {
  description: "Where a job is defined: the job file, or an app's scheduler module (discovery).",
  values: {
    INI: { value: "ini" as const, description: "A section of the job file." },
    DISCOVERED: { value: "discovered" as const, description: "Registered by an app's scheduler module (schedule.register)." },
  },
});

export const JobKindEnum = builder.enumType("JobKind", {
  description: "What a job runs: a callback (dotted path), a shell command, or an HTTP request.",
  values: {
    CALL: { value: "call" as const, description: "A callback, by dotted path (call)." },
    COMMAND: { value: "command" as const, description: "A shell command (command)." },
    URL: { value: "url" as const, description: "An HTTP request (url, method)." },
  },
});

const CHANGE_DOCS: Readonly<Record<JobChange, string>> = {
  added: "The job appeared (job file reload, discovery).",
  removed: "The job is gone.",
  updated: "Its definition changed.",
  activated: "It was switched on.",
  deactivated: "It was switched off (or paused).",
};
export const JobChangeEnum = builder.enumType("JobChange", {
  description: "What happened to a job.",
  values: enumValues<JobChange>(Object.keys(CHANGE_DOCS) as JobChange[], CHANGE_DOCS) as unknown as { [K in Uppercase<JobChange>]: { value: JobChange } },
});

export const ScheduleKindEnum = builder.enumType("ScheduleKind", {
  description: "How a job's schedule is written.",
  values: {
    EVERY: { value: "every" as const, description: "every (with optional at)." },
    CRON: { value: "cron" as const, description: "A cron expression." },
    MANUAL: {
      value: "manual" as const,
      description: "No schedule (every = manual): the job runs only by hand (runJobNow, run-job, the dashboard). A discovered job registered without a schedule is one until an operator gives it a schedule (updateJobSchedule).",
    },
  },
});

export const ActiveByEnum = builder.enumType("ActiveBy", {
  description: "Who decided whether a job is on: its job file, its registration (discovered jobs), or an operator (activateJob/deactivateJob).",
  values: {
    FILE: { value: "file" as const, description: "The job file's active key (or its default)." },
    REGISTRATION: { value: "registration" as const, description: "The app's schedule.register call." },
    OPERATOR: { value: "operator" as const, description: "An operator: activateJob, deactivateJob, pauseJob, resumeJob or the dashboard." },
  },
});

/** A choice key's words, from its row of the key table. */
function choicesOf(key: string): readonly string[] {
  const row = JOB_KEYS.find((r) => r.key === key) as OptionKey | undefined;
  if (!row?.choices) throw new Error(`enums: the key table has no choice key ${JSON.stringify(key)}`);
  return row.choices;
}

function docOf(key: string): string {
  return JOB_KEYS.find((r) => r.key === key)!.doc;
}

export const OverlapEnum = builder.enumType("Overlap", {
  description: `The job-file key overlap: ${docOf("overlap")}`,
  values: enumValues(choicesOf("overlap"), {
    skip: "The due run is skipped (recorded skipped).",
    queue: "The due run waits for the previous one, then runs.",
    allow: "The due run starts beside the previous one.",
  } as Record<string, string>),
});

export const CatchupEnum = builder.enumType("Catchup", {
  description: `The job-file key catchup: ${docOf("catchup")}`,
  values: enumValues(choicesOf("catchup"), {
    skip: "Occurrences missed while tickd was down are not run.",
    once: "One run (trigger CATCHUP) stands for all the missed occurrences.",
  } as Record<string, string>),
});

const WEEKDAY_SET = new Set<string>(WEEKDAYS);
export const ScheduleUnitEnum = builder.enumType("ScheduleUnit", {
  description: "The unit of every: a fixed length of time, or a weekday (every monday).",
  values: enumValues<string>([...UNITS, ...WEEKDAYS], (u) => (WEEKDAY_SET.has(u) ? `Every ${u[0]!.toUpperCase()}${u.slice(1)} (its interval is 1).` : `Every N ${u}s.`)),
});

export const HttpMethodEnum = builder.enumType("HttpMethod", {
  description: `The HTTP method of a URL job: ${docOf("method")}`,
  values: enumValues<string>(HTTP_METHODS, (m) => `HTTP ${m}.`),
});

/**
 * Every diagnostic code: the listed ones (errors.ts), a `bad-<key>` per key of
 * the key table (its parser's code), and the callback-resolving error codes.
 */
export const DIAGNOSTIC_CODE_VALUES: readonly string[] = [
  ...new Set([
    ...Object.keys(DIAGNOSTIC_CODES),
    ...JOB_KEYS.map((row) => `bad-${row.key.replace(/_/g, "-")}`),
    ...ERROR_CODES.filter(isCallbackErrorCode),
    STORED_PROBLEM,
  ]),
];

const DIAGNOSTIC_DOCS = DIAGNOSTIC_CODES as Readonly<Record<string, string>>;

export const DiagnosticCodeEnum = builder.enumType("DiagnosticCode", {
  description: "The rule a job-file line (or a registration) breaks; the same codes `tickd check` prints, in upper snake case.",
  values: enumValues<string>(DIAGNOSTIC_CODE_VALUES, (code) => {
    if (DIAGNOSTIC_DOCS[code]) return DIAGNOSTIC_DOCS[code]!;
    if (code === STORED_PROBLEM) return "A discovered job whose stored form does not load (e.g. an operator's schedule the rules now reject).";
    if (code.startsWith("callback-")) return `tickd check resolving callbacks: ${code.replace(/-/g, " ")}.`;
    return `The value of ${code.slice(4).replace(/-/g, "_")} cannot be read.`;
  }),
});

/** A diagnostic's code as the enum holds it; null for one this schema does not list (so an unknown code never fails a whole answer). */
export function diagnosticCode(code: string): string | null {
  return DIAGNOSTIC_CODE_VALUES.includes(code) ? code : null;
}

/** Lower-case names, as the words are on the wire (the CLI and the dashboard compare them). */
export const BackfillStateEnum = builder.enumType("BackfillState", {
  description: "Where a backfill stands.",
  values: Object.fromEntries(
    (Object.entries(BACKFILL_STATES) as Array<[BackfillState, string]>).map(([state, meaning]) => [state, { value: state, description: meaning }]),
  ) as Record<BackfillState, { value: BackfillState; description: string }>,
});

const NOTIFY_EVENT_MEANING: Record<NotifyEvent, string> = {
  failure: "A run ended failure (the job's alert_after-th in a row).",
  error: "A run ended error: the callback threw, or could not be started.",
  timeout: "A run was ended at its timeout.",
  abandoned: "A run's instance died while it ran; recorded at the next start.",
  missed: "Occurrences did not start within the job's grace (the instance was down, suspended or stuck).",
  slow: "A run still going after the job's warn_after (once per run).",
  recovered: "The job succeeded again after an alerted streak.",
};

/** The events an alert is raised for (notify_on's words), lower-case as on the wire. */
export const NotifyEventEnum = builder.enumType("NotifyEvent", {
  description: "Why an alert was raised: notify_on's words.",
  values: Object.fromEntries(NOTIFY_EVENTS.map((event) => [event, { value: event, description: NOTIFY_EVENT_MEANING[event] }])) as Record<
    NotifyEvent,
    { value: NotifyEvent; description: string }
  >,
});
