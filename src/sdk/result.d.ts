/**
 * Results: `Result(status, message | { message, output })`, and the one set
 * of rules that reads what a callback ended with — a Result, a plain
 * `{ status, message, output }` object, a string — used by Result itself,
 * by Activity.log, and by the engine for a returned value (in-process and in
 * a worker alike, engine/returned.ts). Nothing else is a result: nothing is
 * ever recorded a success by accident.
 */
import { MisuseError } from "../errors.ts";
import { type ResultStatus } from "./status.ts";
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
export declare const RESULT_FORMS = "Result(STATUS.SUCCESS, \"message\"), a { status, message, output } object or a string (the message of a success)";
/** A result read, or what is wrong with what was given (a clause naming the value). */
export type ReadResult = {
    readonly result: Result;
} | {
    readonly problem: string;
};
/** 42 -> "42 (a number)", [1] -> "an array [1]", new Foo() -> "an instance of Foo": the value, for a message. */
export declare function describeValue(value: unknown): string;
/**
 * What a callback ended its run with (returned, resolved, or passed to
 * Activity.log): a Result keeps its fields; a string is the message of a
 * success; a plain object is read as `{ status, message, output }`, its
 * status checked. Anything else is a problem. Undefined and null are the
 * caller's to handle (a callback that returns nothing).
 */
export declare function readResult(value: unknown): ReadResult;
/** A MisuseError whose message starts with where the job's code called: "app/jobs.ts:8:10: Result: …". */
export declare function misuse(message: string): MisuseError;
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
export declare const Result: ResultFactory;
export {};
