/**
 * What a callback's return value or thrown error is recorded as. One set of
 * rules for callbacks run in-process (execute.ts) and in a worker
 * (worker/entry.ts, which applies them before the value crosses threads);
 * what counts as a result is the SDK's (sdk/result.ts), so Result,
 * Activity.log and a returned value agree.
 */
import { MisuseError } from "../errors.ts";
import { readResult, RESULT_FORMS, type Result } from "../sdk/result.ts";
import { hasCallerFrame, trimStack } from "../sdk/stack.ts";
import { STATUS, type ResultStatus } from "../sdk/status.ts";

export interface Returned {
  readonly status: ResultStatus;
  readonly message: string;
  readonly output: string;
}

const NOTHING: Returned = { status: STATUS.success, message: "", output: "" };

/**
 * A Result, a `{ status, message, output }` object or a string is read as
 * the SDK reads it; nothing (undefined, null) is a success, or what the
 * callback passed to Activity.log (`logged`). Anything else is an `error`
 * saying what was returned and what to return: never a success by accident.
 */
export function readReturned(value: unknown, logged?: Result): Returned {
  if (value === undefined || value === null) return logged ? plain(logged) : NOTHING;
  const read = readResult(value);
  if ("result" in read) return plain(read.result);
  return { status: STATUS.error, message: `the callback returned ${read.problem}; return ${RESULT_FORMS}, or nothing`, output: "" };
}

/** A copy without the Result mark, to cross threads as plain data. */
function plain(result: Result): Returned {
  return { status: result.status as ResultStatus, message: result.message, output: result.output };
}

/**
 * "Name: message" for the record's message, the stack (which repeats it) for
 * `error`, with tickd's own frames trimmed: a user reads their own code's.
 * `callback` (the dotted path) names where a misuse happened when the stack
 * has no frame of the job's code left (a callback ending in `return Result(…)`
 * is a tail call, whose frame JavaScriptCore drops).
 */
export function describeError(error: unknown, callback?: string): { text: string; stack: string } {
  if (error instanceof Error) {
    const text = `${error.name}: ${error.message}`;
    const raw = error.stack && error.stack.includes(error.message) ? error.stack : `${text}\n${error.stack ?? ""}`.trim();
    const stack = trimStack(raw);
    if (error instanceof MisuseError && callback !== undefined && !hasCallerFrame(stack)) {
      const named = `${error.name}: in callback ${callback}: ${error.message}`;
      return { text: named, stack: stack.replace(text, named) };
    }
    return { text, stack };
  }
  const text = `thrown value: ${inspect(error)}`;
  return { text, stack: text };
}

export function inspect(value: unknown): string {
  try {
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  } catch {
    return String(value);
  }
}
