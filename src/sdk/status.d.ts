/**
 * The statuses of a run: one table, everything else derived from it. The
 * stored and shown spelling is the lowercase one (databases hold it); the
 * original's upper-case names (`STATUS.SUCCESS`) are the same values, and
 * every place that reads a status from a user (Result, a returned object,
 * `tickd history --status`) accepts either case.
 */
/**
 * Each status: what it means, whether a callback may end its run with it, and
 * whether it went wrong (a job whose runs end so is failing: metrics, alerts),
 * and whether its duration is the work's (`timed`: the daily roll-ups'
 * percentiles count these; a skipped or missed run did no work, an abandoned
 * one's end is when the loss was found).
 */
declare const TABLE: {
    readonly success: {
        readonly meaning: "the job did its work";
        readonly fromCallback: true;
        readonly failing: false;
        readonly timed: true;
    };
    readonly failure: {
        readonly meaning: "the job ran and reports that its work failed";
        readonly fromCallback: true;
        readonly failing: true;
        readonly timed: true;
    };
    readonly error: {
        readonly meaning: "the callback threw, or returned something that is not a result";
        readonly fromCallback: true;
        readonly failing: true;
        readonly timed: true;
    };
    readonly timeout: {
        readonly meaning: "the run passed its timeout (or the callback says its own work timed out)";
        readonly fromCallback: true;
        readonly failing: true;
        readonly timed: true;
    };
    readonly skipped: {
        readonly meaning: "not run, or the callback found nothing to do";
        readonly fromCallback: true;
        readonly failing: false;
        readonly timed: false;
    };
    readonly abandoned: {
        readonly meaning: "the process died while the run was going on (found at the next start)";
        readonly fromCallback: false;
        readonly failing: true;
        readonly timed: false;
    };
    readonly missed: {
        readonly meaning: "not run: it could not start in time (the store did not answer, the instance was down)";
        readonly fromCallback: false;
        readonly failing: true;
        readonly timed: false;
    };
    readonly running: {
        readonly meaning: "the run is going on";
        readonly fromCallback: false;
        readonly failing: false;
        readonly timed: false;
    };
    readonly cancelled: {
        readonly meaning: "an operator cancelled the run (cancelRun, tickd cancel, the dashboard)";
        readonly fromCallback: false;
        readonly failing: false;
        readonly timed: false;
    };
};
export type Status = keyof typeof TABLE;
/** The statuses in their stored spelling, in the table's order. */
export declare const STATUSES: readonly ("abandoned" | "cancelled" | "error" | "failure" | "missed" | "running" | "skipped" | "success" | "timeout")[];
/** The statuses a callback may end its run with; the others are tickd's to record. */
export type ResultStatus = {
    [S in Status]: (typeof TABLE)[S]["fromCallback"] extends true ? S : never;
}[Status];
export declare const RESULT_STATUSES: readonly ResultStatus[];
/** The statuses of a run that went wrong. */
export declare const FAILING_STATUSES: readonly Status[];
/** The statuses whose duration is the work's (see the table). */
export declare const TIMED_STATUSES: readonly Status[];
/** A status as a user may write it: the stored spelling or the original's upper case. */
export type StatusName = Status | Uppercase<Status>;
type StatusTable = {
    readonly [S in Status]: S;
} & {
    readonly [S in Status as Uppercase<S>]: S;
};
/** `STATUS.success` and `STATUS.SUCCESS` are both "success", the stored spelling. */
export declare const STATUS: StatusTable;
/** The status `value` names, in either case; undefined when it names none. */
export declare function toStatus(value: unknown): Status | undefined;
/** What each status means (for help texts and documentation). */
export declare function statusMeaning(status: Status): string;
/** "STATUS.SUCCESS, STATUS.FAILURE, …": how to name the statuses a callback may end with. */
export declare const RESULT_STATUS_HINT: string;
export {};
