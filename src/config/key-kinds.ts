/**
 * What a row of the key table (keys.ts) is, and the builders its rows are
 * written with: a duration key, a choice of words, a target or schedule key.
 * Kept apart from the table so the table is the rows themselves.
 */
import type { DiagnosticCode } from "../errors.ts";
import { DURATION_HINT, formatDuration, parseDuration } from "./durations.ts";
import type { Parsed } from "./every.ts";
import type { JobSpec, Keep, ScheduleRule } from "./types.ts";
import { roughly } from "./bounds.ts";

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** What an option's parser may read besides its own text. */
export interface ParseContext {
  /** The zone the job computes in: its `timezone` once parsed, else the instance zone. */
  readonly zone: string;
  /** Another option's value (parsed, or its default when absent or wrong), by JobSpec field. */
  value(field: string): unknown;
}

/** Where the store keeps a key: a column of the jobs table, or a field of its `options` JSON column. */
export type KeyColumn = "options" | "callback" | "method" | "every" | "at" | "cron" | "timezone" | "until" | "description" | "active";

interface KeyBase {
  /** Canonical name, lower-case, as written in a job file and given to schedule.register. */
  readonly key: string;
  /** Other names the loader accepts for it (the original's); matched case-insensitively. */
  readonly aliases?: readonly string[];
  /** What the key means, once (the README's table of keys says it for operators). */
  readonly doc: string;
  /** Where the store keeps it (`options`: under the name `field`). */
  readonly column: KeyColumn;
  /**
   * Which operator edit may change it (the flag recorded in the row's
   * operatorEdited): `schedule` for updateSchedule, `active` for the on/off
   * switch; absent = only the job file or the registration sets it.
   */
  readonly operator?: "schedule" | "active";
  /** Whether schedule.register accepts it as an option (the others come from the file only). */
  readonly register: boolean;
  /** Reserved only in url jobs (`method`); in a call it stays an ordinary keyword argument. */
  readonly urlOnly?: boolean;
}

/** A key of the target or schedule group: read with the others of its group by the loader. */
export interface GroupKey extends KeyBase {
  readonly group: "target" | "schedule";
  /** The job's value as a job file writes it; undefined = no line (a default, or another kind of job). */
  text(job: JobSpec): string | undefined;
  /** The value its column holds, when not `text` (`every`: "day" where export-ini writes "1 day"). */
  stored?(job: JobSpec): string | undefined;
}

/** A key read on its own: its text becomes the JobSpec field `field`. */
export interface OptionKey<T = unknown> extends KeyBase {
  readonly group: "option";
  /** The JobSpec field (and the name in the `options` column and the API's job model). */
  readonly field: string;
  /** The value when the key is absent or wrong; undefined = the field is absent. */
  readonly default?: T;
  /** The field is absent from the JobSpec while it holds the default (`isolate`: undefined = worker). */
  readonly sparse?: boolean;
  /** Text -> value, or the diagnostic. `written` is the key as written (an alias, in capitals), for messages. */
  parse(text: string, written: string, ctx: ParseContext): Parsed<T>;
  /** Value -> the text a job file holds, read back by `parse` as the same value (export-ini, stored rows). */
  format(value: T): string;
  /** A choice key's words (overlap: skip, queue, allow), for whoever shows them as a closed set (the API's enums). */
  readonly choices?: readonly string[];
  /** For `tickd list`: a line "name  words", when the value is worth showing there. */
  readonly list?: { readonly name: string; words(value: T, job: JobSpec): string | undefined };
}

export type JobKey = GroupKey | OptionKey;

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = (code: DiagnosticCode, message: string): Parsed<never> => ({ ok: false, code, message });

/** `every` as a job file writes it, from the parsed rule: "10 minutes", "monday", "hour", "manual"; null for cron. */
export function everyText(rule: ScheduleRule): string | null {
  if (rule.kind === "manual") return "manual";
  if (rule.kind !== "every") return null;
  // A weekday's interval is always 1.
  return rule.interval === 1 ? rule.unit : `${rule.interval} ${rule.unit}s`;
}

/** `keep` as a job file writes it: "1000 runs", "90 days". */
export function keepText(keep: Keep): string {
  return "runs" in keep ? `${keep.runs} run${keep.runs === 1 ? "" : "s"}` : formatDuration(keep.ms);
}

/** A duration key; `what` names the bound in the message ("the longest timeout"). */
export function duration(key: string, doc: string, field: string, options: { allowZero: boolean; max: number; what: string; default?: number }): OptionKey<number> {
  return {
    key,
    doc,
    field,
    group: "option",
    column: "options",
    register: true,
    ...(options.default !== undefined ? { default: options.default } : {}),
    parse(text, written) {
      const ms = parseDuration(text);
      if (ms === undefined) return fail("bad-duration", `${written}: ${JSON.stringify(text)} is not a duration; ${DURATION_HINT}`);
      if (ms === 0 && !options.allowZero) {
        return fail("bad-duration", `${written}: must be longer than zero; ${DURATION_HINT}, or remove the line for no ${written}`);
      }
      if (!(ms <= options.max)) {
        return fail("out-of-range", `${written}: ${JSON.stringify(text.trim())} is longer than ${roughly(options.max)}, ${options.what}; write at most ${roughly(options.max)}`);
      }
      return ok(ms);
    },
    format: formatDuration,
  };
}

/** A key whose value is one of a few words, matched case-insensitively. */
export function choice<T extends string>(key: string, doc: string, words: readonly T[], fallback: T, extra: Partial<OptionKey<T>> = {}): OptionKey<T> {
  return {
    key,
    doc,
    field: key,
    group: "option",
    column: "options",
    register: true,
    default: fallback,
    choices: words,
    parse(text, written) {
      const value = text.trim().toLowerCase();
      if ((words as readonly string[]).includes(value)) return ok(value as T);
      return fail(`bad-${key}`, `${written}: ${JSON.stringify(text)} is not one of ${words.join(", ")}; write one of them (default ${fallback})`);
    },
    format: (value) => value,
    ...extra,
  };
}

export const target = (key: string, doc: string, text: GroupKey["text"], extra: Partial<GroupKey> = {}): GroupKey => ({
  key,
  doc,
  group: "target",
  column: "callback",
  register: false,
  text,
  ...extra,
});

export const schedule = (key: "every" | "at" | "cron", doc: string, text: GroupKey["text"], extra: Partial<GroupKey> = {}): GroupKey => ({
  key,
  doc,
  group: "schedule",
  column: key,
  operator: "schedule",
  register: true,
  text,
  ...extra,
});
