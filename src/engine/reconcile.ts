/**
 * Reload and discovery as a plan: given the jobs the engine holds and a new
 * list from one source (the job file, or discovery), which jobs to add,
 * remove, update — and whether an update touches the schedule (the next
 * occurrence is recomputed) or only how a run behaves (it is kept). Pure; the
 * engine applies the plan.
 */
import { optionKeys, optionValue } from "../config/keys.ts";
import type { Diagnostic, JobSpec } from "../config/types.ts";

export type Source = JobSpec["origin"]["source"];

export interface ReconcilePlan {
  readonly add: readonly JobSpec[];
  readonly remove: readonly string[];
  readonly update: ReadonlyArray<{ readonly spec: JobSpec; readonly reschedule: boolean }>;
  /** Unchanged in substance (e.g. only moved in the file): the engine takes the new spec, keeps its next occurrence. */
  readonly refresh: readonly JobSpec[];
  /** Labels held by a job of the other source; the incoming one is ignored. */
  readonly conflicts: readonly string[];
}

export function planReconcile(source: Source, current: ReadonlyMap<string, JobSpec>, specs: readonly JobSpec[], diagnostics: readonly Diagnostic[]): ReconcilePlan {
  const incoming = new Map<string, JobSpec>();
  for (const spec of specs) if (spec.origin.source === source && !incoming.has(spec.label)) incoming.set(spec.label, spec);
  // A job whose new section has a problem keeps its previous spec (not removed).
  const troubled = new Set(diagnostics.map((d) => d.label).filter((l): l is string => l !== undefined));
  const remove: string[] = [];
  for (const [label, spec] of current) {
    if (spec.origin.source === source && !incoming.has(label) && !troubled.has(label)) remove.push(label);
  }
  const add: JobSpec[] = [];
  const update: Array<{ spec: JobSpec; reschedule: boolean }> = [];
  const refresh: JobSpec[] = [];
  const conflicts: string[] = [];
  for (const [label, spec] of incoming) {
    const held = current.get(label);
    if (!held) add.push(spec);
    else if (held.origin.source !== source) conflicts.push(label);
    else if (sameSpec(held, spec)) refresh.push(spec);
    else update.push({ spec, reschedule: !sameSchedule(held, spec) });
  }
  return { add, remove, update, refresh, conflicts };
}

/** Fields that decide when a job runs. */
function scheduleKey(spec: JobSpec): string {
  return JSON.stringify([spec.schedule, spec.timezone ?? null, spec.until ?? null, spec.active]);
}

/** Everything a user can change, without where it was written (a moved section is unchanged). */
function fullKey(spec: JobSpec): string {
  return JSON.stringify([
    scheduleKey(spec),
    spec.target,
    spec.description,
    // Every option of the key table (timeout, overlap, retries, isolate, …).
    optionKeys().map((row) => optionValue(spec, row) ?? null),
    Object.entries(spec.kwargs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    spec.origin.source,
    spec.origin.app ?? null,
  ]);
}

export function sameSpec(a: JobSpec, b: JobSpec): boolean {
  return fullKey(a) === fullKey(b);
}

export function sameSchedule(a: JobSpec, b: JobSpec): boolean {
  return scheduleKey(a) === scheduleKey(b);
}
