/**
 * What a callback's return value or thrown error is recorded as. One set of
 * rules for callbacks run in-process (execute.ts) and in a worker
 * (worker/entry.ts, which applies them before the value crosses threads).
 */
import { Result, STATUS, type Status } from "../sdk/index.ts";

export interface Returned {
  readonly status: Status;
  readonly message: string;
  readonly output: string;
}

/** A Result keeps its fields; nothing is a success; any other value is a success whose output is its text. */
export function readReturned(value: unknown): Returned {
  if (Result.is(value)) return { status: value.status, message: value.message, output: value.output };
  if (value === undefined || value === null) return { status: STATUS.success, message: "", output: "" };
  // Not a Result: still a success (the callback returned), keep what it said.
  return { status: STATUS.success, message: "", output: typeof value === "string" ? value : inspect(value) };
}

/** "Name: message" for the record's message, the stack (which repeats it) for `error`. */
export function describeError(error: unknown): { text: string; stack: string } {
  if (error instanceof Error) {
    const text = `${error.name}: ${error.message}`;
    return { text, stack: error.stack && error.stack.includes(error.message) ? error.stack : `${text}\n${error.stack ?? ""}`.trim() };
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
