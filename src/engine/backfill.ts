/**
 * Backfill: run a job's occurrences in a past range, oldest first, each
 * recorded with trigger "backfill" and its own scheduledFor. One at a time
 * unless the job's overlap is `allow` (then BACKFILL_PARALLEL at once).
 *
 * Nothing runs twice: occurrences the activity table already records are
 * skipped before starting (unless `again`), and each run's row takes the
 * occurrence's claim like a scheduled run (write-queue.ts), so a scheduled
 * run or another instance that has it wins and the backfill's run does not
 * start. A re-run (`again`) has a run id of its own and needs no claim.
 */
import { TickdError } from "../errors.ts";
import type { Launcher } from "./admission.ts";
import type { Job } from "./job-table.ts";

/** Occurrences a backfill may span; a larger range is refused (a one-second job over a year is 31 million). */
export const BACKFILL_MAX = 100_000;
/** Runs going at once for a job whose overlap is `allow`. */
export const BACKFILL_PARALLEL = 4;

export interface BackfillRequest {
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, inclusive. */
  readonly to: number;
  /** Count what would run; run nothing. */
  readonly dryRun?: boolean;
  /** Re-run occurrences already recorded. */
  readonly again?: boolean;
  /** Who asked (the API role, "cli"). */
  readonly by: string;
}

/** Where a backfill stands, each with its meaning (the API's BackfillState enum reads this table). */
export const BACKFILL_STATES = {
  running: "Running its occurrences, oldest first.",
  done: "Every occurrence it was to run has run.",
  cancelled: "Stopped by cancelBackfill (or tickd backfill --cancel) before the end; a new backfill of the range runs what is left.",
  dry_run: "Counted only (dryRun): nothing was run.",
} as const;
export type BackfillState = keyof typeof BACKFILL_STATES;

/** A backfill's state, as the API's Job.backfill and the CLI's progress line show it. */
export interface BackfillProgress {
  readonly label: string;
  readonly from: number;
  readonly to: number;
  readonly by: string;
  /** Occurrences that will run (or would, for a dry run): in the range, minus those recorded. */
  readonly count: number;
  /** Occurrences in the range already recorded, skipped. */
  readonly skipped: number;
  /** Runs finished so far. */
  done: number;
  state: BackfillState;
}

/** Where a backfill reads what is recorded. */
export interface BackfillStore {
  /** The scheduledFor of every recorded run of `label` in [from, to]. */
  recordedOccurrences(label: string, from: number, to: number): Promise<ReadonlySet<number>>;
}

/** The job's occurrences in [from, to], oldest first, on its grid (an `every` job's anchor, stepped back when the range is before it). */
export function occurrencesIn(job: Pick<Job, "schedule" | "anchor">, from: number, to: number): number[] {
  const s = job.schedule;
  let at: number | null;
  const anchor = job.anchor;
  if (anchor === undefined) at = s.first(from - 1);
  else {
    let base = anchor;
    if (base > from) {
      const step = (s.following(base) ?? base) - base;
      if (step <= 0) return [];
      base -= Math.ceil((base - from) / step) * step;
    }
    at = base >= from ? base : s.followingAfter(base, from - 1);
  }
  const out: number[] = [];
  while (at !== null && at <= to) {
    if (out.length >= BACKFILL_MAX) {
      throw new TickdError("usage", `the range holds more than ${BACKFILL_MAX} occurrences of the job; backfill a shorter range`);
    }
    out.push(at);
    at = s.following(at);
  }
  return out;
}

/** Runs a job's backfills: at most one per job at a time. */
export class Backfills {
  readonly #progress = new Map<string, BackfillProgress>();
  readonly #stop = new Set<string>();

  constructor(
    private readonly launcher: Launcher,
    private readonly store: BackfillStore,
    private readonly stopping: AbortSignal,
  ) {}

  of(label: string): BackfillProgress | null {
    return this.#progress.get(label) ?? null;
  }

  /** Count the occurrences and, unless a dry run, start running them; resolves with the progress at the start. */
  async start(job: Job, request: BackfillRequest): Promise<BackfillProgress> {
    const label = job.spec.label;
    const { from, to } = request;
    if (!(from <= to)) throw new TickdError("usage", "backfill: --from must be before --to");
    if (this.#progress.get(label)?.state === "running") {
      throw new TickdError("conflict", `job ${JSON.stringify(label)} has a backfill going on; cancel it first (tickd backfill ${JSON.stringify(label)} --cancel)`);
    }
    const all = occurrencesIn(job, from, to);
    const recorded = request.again ? new Set<number>() : await this.store.recordedOccurrences(label, from, to);
    const todo = all.filter((at) => !recorded.has(at));
    const progress: BackfillProgress = { label, from, to, by: request.by, count: todo.length, skipped: all.length - todo.length, done: 0, state: request.dryRun ? "dry_run" : "running" };
    if (request.dryRun) return { ...progress };
    this.#progress.set(label, progress);
    this.#stop.delete(label);
    void this.#run(job, todo, progress, request.again === true);
    return { ...progress };
  }

  /** Stop after the runs going on; true when a backfill was going on. */
  cancel(label: string): boolean {
    if (this.#progress.get(label)?.state !== "running") return false;
    this.#stop.add(label);
    return true;
  }

  async #run(job: Job, todo: readonly number[], progress: BackfillProgress, again: boolean): Promise<void> {
    const parallel = job.spec.overlap === "allow" ? BACKFILL_PARALLEL : 1;
    let next = 0;
    const stopped = () => this.#stop.has(progress.label) || this.stopping.aborted;
    const lane = async (): Promise<void> => {
      while (next < todo.length && !stopped()) {
        const at = todo[next++]!;
        // One attempt each, no jitter (runner.ts runWith); a failed occurrence stays failed, the backfill goes on.
        await this.launcher.launch(job, at, "backfill", null, { again });
        progress.done += 1;
      }
    };
    await Promise.all(Array.from({ length: parallel }, lane));
    progress.state = progress.done < todo.length ? "cancelled" : "done";
    this.#stop.delete(progress.label);
  }
}
