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
const TABLE = {
  success: { meaning: "the job did its work", fromCallback: true, failing: false, timed: true },
  failure: { meaning: "the job ran and reports that its work failed", fromCallback: true, failing: true, timed: true },
  error: { meaning: "the callback threw, or returned something that is not a result", fromCallback: true, failing: true, timed: true },
  timeout: { meaning: "the run passed its timeout (or the callback says its own work timed out)", fromCallback: true, failing: true, timed: true },
  skipped: { meaning: "not run, or the callback found nothing to do", fromCallback: true, failing: false, timed: false },
  abandoned: { meaning: "the process died while the run was going on (found at the next start)", fromCallback: false, failing: true, timed: false },
  missed: { meaning: "not run: it could not start in time (the store did not answer, the instance was down)", fromCallback: false, failing: true, timed: false },
  running: { meaning: "the run is going on", fromCallback: false, failing: false, timed: false },
  cancelled: { meaning: "an operator cancelled the run (cancelRun, tickd cancel, the dashboard)", fromCallback: false, failing: false, timed: false },
} as const;

export type Status = keyof typeof TABLE;

/** The statuses in their stored spelling, in the table's order. */
export const STATUSES = Object.freeze(Object.keys(TABLE) as Status[]);

/** The statuses a callback may end its run with; the others are tickd's to record. */
export type ResultStatus = { [S in Status]: (typeof TABLE)[S]["fromCallback"] extends true ? S : never }[Status];
export const RESULT_STATUSES: readonly ResultStatus[] = Object.freeze(STATUSES.filter((s): s is ResultStatus => TABLE[s].fromCallback));

/** The statuses of a run that went wrong. */
export const FAILING_STATUSES: readonly Status[] = Object.freeze(STATUSES.filter((s) => TABLE[s].failing));

/** The statuses whose duration is the work's (see the table). */
export const TIMED_STATUSES: readonly Status[] = Object.freeze(STATUSES.filter((s) => TABLE[s].timed));

/** A status as a user may write it: the stored spelling or the original's upper case. */
export type StatusName = Status | Uppercase<Status>;

type StatusTable = { readonly [S in Status]: S } & { readonly [S in Status as Uppercase<S>]: S };

/** `STATUS.success` and `STATUS.SUCCESS` are both "success", the stored spelling. */
export const STATUS: StatusTable = Object.freeze(Object.fromEntries(STATUSES.flatMap((s) => [[s, s], [s.toUpperCase(), s]]))) as StatusTable;

/** The status `value` names, in either case; undefined when it names none. */
export function toStatus(value: unknown): Status | undefined {
  if (typeof value !== "string") return undefined;
  const lower = value.toLowerCase();
  return Object.hasOwn(TABLE, lower) ? (lower as Status) : undefined;
}

/** What each status means (for help texts and documentation). */
export function statusMeaning(status: Status): string {
  return TABLE[status].meaning;
}

/** "STATUS.SUCCESS, STATUS.FAILURE, …": how to name the statuses a callback may end with. */
export const RESULT_STATUS_HINT = `${RESULT_STATUSES.map((s) => `STATUS.${s.toUpperCase()}`).join(", ")} (or their lowercase names)`;
