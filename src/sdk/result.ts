/**
 * Results: `Result(status, message | { message, output })`, and the one set
 * of rules that reads what a callback ended with — a Result, a plain
 * `{ status, message, output }` object, a string — used by Result itself,
 * by Activity.log, and by the engine for a returned value (in-process and in
 * a worker alike, engine/returned.ts). Nothing else is a result: nothing is
 * ever recorded a success by accident.
 */
import { MisuseError } from "../errors.ts";
import { callerLocation } from "./stack.ts";
import { RESULT_STATUSES, RESULT_STATUS_HINT, STATUS, toStatus, type ResultStatus, type Status } from "./status.ts";

export interface ResultFields {
  /** May be shown to users (dashboard, activity feed). */
  message?: string;
  /** For administrators and developers: details, logs, numbers. */
  output?: string;
}

/** What a callback returns. The label and start/end times are set by the engine. */
export interface Result {
  readonly status: ResultStatus;
  readonly message: string;
  readonly output: string;
}

/** A status as Result and result objects take it: the stored spelling or the original's upper case. */
export type ResultStatusName = ResultStatus | Uppercase<ResultStatus>;

/** A plain object read as a result: `{ status: "failure", message: "disk 97% full" }`. */
export interface ResultObject extends ResultFields {
  status: ResultStatusName;
}

/** How a callback may end its run, for messages that say what to do. */
export const RESULT_FORMS = 'Result(STATUS.SUCCESS, "message"), a { status, message, output } object or a string (the message of a success)';

const RESULT_MARK = Symbol.for("tickd.Result");
const FIELDS = ["message", "output"] as const;
const OBJECT_KEYS = ["status", ...FIELDS] as const;

/** A result read, or what is wrong with what was given (a clause naming the value). */
export type ReadResult = { readonly result: Result } | { readonly problem: string };

function make(status: ResultStatus, message: string, output: string): Result {
  return Object.freeze({ [RESULT_MARK]: true, status, message, output });
}

function isResult(value: unknown): value is Result {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[RESULT_MARK] === true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** 42 -> "42 (a number)", [1] -> "an array [1]", new Foo() -> "an instance of Foo": the value, for a message. */
export function describeValue(value: unknown): string {
  const short = (text: string) => (text.length > 120 ? `${text.slice(0, 119)}…` : text);
  if (typeof value === "string") return short(JSON.stringify(value));
  if (typeof value === "function") return `a function${value.name ? ` (${value.name})` : ""}`;
  if (typeof value === "symbol" || typeof value === "bigint") return `${String(value)} (a ${typeof value})`;
  if (typeof value !== "object" || value === null) return `${String(value)}${value === null || value === undefined ? "" : ` (a ${typeof value})`}`;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (Array.isArray(value)) return `an array${json === undefined ? "" : ` ${short(json)}`}`;
  if (isPlainObject(value)) return json === undefined ? "an object" : short(json);
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? `an instance of ${name}` : "an object with a prototype";
}

function readStatus(value: unknown): ResultStatus | { problem: string } {
  const status = toStatus(value);
  if (status === undefined) {
    const hint = value === undefined ? " (a misspelt STATUS name?)" : "";
    return { problem: `${describeValue(value)} is not a status${hint}; use ${RESULT_STATUS_HINT}` };
  }
  if (!(RESULT_STATUSES as readonly Status[]).includes(status)) {
    return { problem: `"${status}" is recorded by tickd itself, never by a callback; use ${RESULT_STATUS_HINT}` };
  }
  return status as ResultStatus;
}

function readText(value: unknown, key: string): string | { problem: string } {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  return { problem: `${key} must be a string, got ${describeValue(value)}` };
}

/** `{ message, output }` (and `status` when `keys` has it) from a plain object. */
function readFields(object: Record<string, unknown>, keys: readonly string[]): { message: string; output: string } | { problem: string } {
  const stray = Object.keys(object).find((k) => !keys.includes(k));
  if (stray !== undefined) return { problem: `${describeValue(object)} has "${stray}", which is not a field of a result (${keys.join(", ")})` };
  const message = readText(object.message, "message");
  if (typeof message !== "string") return message;
  const output = readText(object.output, "output");
  if (typeof output !== "string") return output;
  return { message, output };
}

/**
 * What a callback ended its run with (returned, resolved, or passed to
 * Activity.log): a Result keeps its fields; a string is the message of a
 * success; a plain object is read as `{ status, message, output }`, its
 * status checked. Anything else is a problem. Undefined and null are the
 * caller's to handle (a callback that returns nothing).
 */
export function readResult(value: unknown): ReadResult {
  if (isResult(value)) return { result: value };
  if (typeof value === "string") return { result: make(STATUS.success, value, "") };
  if (!isPlainObject(value)) return { problem: `${describeValue(value)}, which is not a result` };
  if (!("status" in value)) return { problem: `${describeValue(value)}, which has no status` };
  const status = readStatus(value.status);
  if (typeof status !== "string") return { problem: `${describeValue(value)}: ${status.problem}` };
  const fields = readFields(value, OBJECT_KEYS);
  if ("problem" in fields) return fields;
  return { result: make(status, fields.message, fields.output) };
}

/** The arguments of Result(status, message | { message, output }, output?). */
function readArguments(status: unknown, fields: unknown, output: unknown): ReadResult {
  const read = readStatus(status);
  if (typeof read !== "string") return read;
  if (typeof fields === "string" || fields === undefined || fields === null) {
    const text = readText(output, "output (the third argument)");
    if (typeof text !== "string") return text;
    return { result: make(read, fields ?? "", text) };
  }
  if (!isPlainObject(fields)) return { problem: `the second argument must be the message (a string) or { message, output }, got ${describeValue(fields)}` };
  if (output !== undefined) return { problem: "with { message, output } as the second argument, give output there, not as a third argument" };
  const texts = readFields(fields, FIELDS);
  if ("problem" in texts) return texts;
  return { result: make(read, texts.message, texts.output) };
}

/** A MisuseError whose message starts with where the job's code called: "app/jobs.ts:8:10: Result: …". */
export function misuse(message: string): MisuseError {
  const where = callerLocation();
  return new MisuseError(where === undefined ? message : `${where}: ${message}`);
}

interface ResultFactory {
  /**
   * `Result(STATUS.SUCCESS, "message")`, `Result(STATUS.FAILURE, { message, output })`,
   * or `Result(status, message, output)`; with or without `new`. A bad status
   * or argument throws, naming the caller's file and line.
   */
  (status: ResultStatusName, fields?: string | ResultFields, output?: string): Result;
  new (status: ResultStatusName, fields?: string | ResultFields, output?: string): Result;
  /** True for a Result made by any copy of this module (the binary's or the package's). */
  is(value: unknown): value is Result;
}

// A plain function, so job authors may write Result(...) as in the original or
// new Result(...) as TypeScript habit suggests; both return the same frozen object.
export const Result = Object.assign(
  function Result(status: ResultStatusName, fields?: string | ResultFields, output?: string): Result {
    const read = readArguments(status, fields, output);
    if ("problem" in read) throw misuse(`Result: ${read.problem}`);
    return read.result;
  },
  { is: isResult },
) as unknown as ResultFactory;
