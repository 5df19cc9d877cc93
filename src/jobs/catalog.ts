/**
 * The catalog of jobs: every job an instance knows — the job file's and the
 * discovered ones — with the operator's state applied, and the problems of
 * the jobs left out. It is the one answer to "is this job on, and who said
 * so": the service schedules from it, `list`, `next` and `export-ini` print
 * it, the API serves it.
 *
 * Rules, each stated once here:
 * - a job-file job is on as the file says, unless an operator switched it
 *   since (the switch holds while the file still says what it said then;
 *   store/jobs.ts `operatorSwitch`);
 * - a discovered job is on as its row says (inactive when registered, until
 *   `active: true` or an operator's switch), never while missing or while it
 *   has no schedule;
 * - a label in the job file wins over a discovered job of the same label
 *   (what `export-ini` wrote and the operator put back in the file): the
 *   discovered copy stays out of the schedule and of the catalog, silently.
 */
import { brandJobSpec, type Diagnostic, type JobSpec } from "../config/types.ts";
import { rowToSpec } from "../discovery/index.ts";
import { listJobs, operatorSwitch, type Store } from "../store/index.ts";
import type { JobRow } from "../../schema/db.ts";

/** Who decided that a job is on or off. */
export type ActiveBy = "file" | "registration" | "operator";

/**
 * An operator's switch-off, with what they said: the same state as the plain
 * switch (`active` false by an operator), with a note, who and until when.
 */
export interface Pause {
  /** Why; "" for a plain switch (deactivateJob). */
  readonly note: string;
  /** Who: the API caller's role, or "cli"; "" when not recorded. */
  readonly by: string;
  /** When, epoch ms. */
  readonly at: number | null;
  /** When it resumes by itself, epoch ms; null = until resumed. */
  readonly until: number | null;
}

export interface CatalogEntry {
  readonly label: string;
  readonly source: "ini" | "discovered";
  /** The job, with the operator's switch applied (`spec.active === active`). */
  readonly spec: JobSpec;
  readonly active: boolean;
  readonly activeBy: ActiveBy;
  /** When the operator switched it; null when the file or the registration decides. */
  readonly activeAt: number | null;
  /** A discovered job whose registration vanished; kept for its history. */
  readonly missing: boolean;
  /** Switched off by an operator: why, who, until when; null when on or off by the file or registration. */
  readonly pause: Pause | null;
}

/**
 * A job left out of the schedule, or a file-level problem: a job-file
 * diagnostic, or a discovered job whose stored form does not load.
 */
export interface Problem {
  readonly file: string;
  /** 1-based line in the job file; 0 for discovered jobs. */
  readonly line: number;
  readonly label?: string;
  readonly code: string;
  readonly message: string;
}

/** The code of a discovered job whose stored form does not load (e.g. an operator's schedule the rules now reject). */
export const STORED_PROBLEM = "invalid-registration";

export interface CatalogView {
  /** The job file's jobs in file order, then the discovered ones by label. */
  readonly entries: readonly CatalogEntry[];
  readonly problems: readonly Problem[];
}

/** On, and able to run: what a scheduler schedules and an export writes. */
export function isOn(entry: CatalogEntry): boolean {
  return entry.active && !entry.missing;
}

/** A job-file diagnostic as a catalog problem. */
export function fileProblem(d: Diagnostic): Problem {
  return { file: d.file, line: d.line, ...(d.label !== undefined && { label: d.label }), code: d.code, message: d.message };
}

/**
 * The catalog from the job file's jobs (as the file says them) and the
 * store's rows. `store` null: no database yet, so no operator state and no
 * discovered jobs.
 */
export async function readCatalog(store: Store | null, fileJobs: readonly JobSpec[], zone: string, fileProblems: readonly Problem[] = []): Promise<CatalogView> {
  const rows = store ? await listJobs(store) : [];
  const byLabel = new Map(rows.map((row) => [row.label, row]));
  const entries: CatalogEntry[] = [];
  const problems: Problem[] = [...fileProblems];
  const inFile = new Set<string>();
  for (const job of fileJobs) {
    inFile.add(job.label);
    const switched = operatorSwitch(byLabel.get(job.label), job.active);
    const active = switched?.active ?? job.active;
    entries.push({
      label: job.label,
      source: "ini",
      spec: active === job.active ? job : brandJobSpec({ ...job, active }),
      active,
      activeBy: switched ? "operator" : "file",
      activeAt: switched?.at ?? null,
      missing: false,
      pause: switched && !active ? pauseOf(byLabel.get(job.label)!, switched.at) : null,
    });
  }
  for (const row of rows) {
    if (row.source !== "discovered" || inFile.has(row.label)) continue;
    const loaded = rowToSpec(row, zone);
    if (!loaded.spec) {
      for (const message of loaded.problems) problems.push({ file: row.file, line: 0, label: row.label, code: STORED_PROBLEM, message });
      continue;
    }
    const active = row.active;
    const byOperator = row.operatorEdited?.active === true;
    entries.push({
      label: row.label,
      source: "discovered",
      spec: loaded.spec.active === active ? loaded.spec : brandJobSpec({ ...loaded.spec, active }),
      active,
      activeBy: byOperator ? "operator" : "registration",
      activeAt: byOperator ? (row.operatorEdited.activeAt ?? null) : null,
      missing: row.missing,
      pause: byOperator && !active ? pauseOf(row, row.operatorEdited.activeAt ?? null) : null,
    });
  }
  return { entries, problems };
}

function pauseOf(row: JobRow, at: number | null): Pause {
  const p = row.operatorEdited.pause;
  return { note: p?.note ?? "", by: p?.by ?? "", at, until: p?.until ?? null };
}

/** "paused by operator at …: deploy (until …)": a pause in words, for list and next. */
export function pauseWords(pause: Pause): string {
  const parts = ["paused"];
  if (pause.by) parts.push(`by ${pause.by}`);
  if (pause.at !== null) parts.push(`at ${new Date(pause.at).toISOString()}`);
  let text = parts.join(" ");
  if (pause.note) text += `: ${pause.note}`;
  if (pause.until !== null) text += ` (until ${new Date(pause.until).toISOString()})`;
  return text;
}

/** The job file's jobs as the engine schedules them: every one (inactive ones are listed, not run), with the operator's switches. */
export function fileSpecs(view: CatalogView): JobSpec[] {
  return view.entries.filter((e) => e.source === "ini").map((e) => e.spec);
}

/** The discovered jobs the engine schedules: those that are on. */
export function discoveredSpecs(view: CatalogView): JobSpec[] {
  return view.entries.filter((e) => e.source === "discovered" && isOn(e)).map((e) => e.spec);
}

/** One line, as the CLI prints problems: `file:line [label] message` (a job file's), `file [label] message` (a module's). */
export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}` : p.file;
  return p.label === undefined ? `${where}${p.line > 0 ? "" : ":"} ${p.message}` : `${where} [${p.label}] ${p.message}`;
}

/** The problems that name `label`: why a job is left out. */
export function leftOutBecause(view: CatalogView, label: string): Problem | undefined {
  return view.problems.find((p) => p.label === label);
}

/** "by the job file", "by an operator at 2026-…": where a job's on/off came from, in words. */
export function activeWords(entry: CatalogEntry): string {
  const state = entry.active ? "yes" : "no";
  switch (entry.activeBy) {
    case "file":
      return state;
    case "registration":
      return `${state} (as registered)`;
    case "operator":
      // A pause that says something; the plain switch keeps its words.
      if (entry.pause && (entry.pause.note || entry.pause.until !== null)) return `no (${pauseWords(entry.pause)})`;
      return `${state} (switched by an operator${entry.activeAt !== null ? ` at ${new Date(entry.activeAt).toISOString()}` : ""})`;
  }
}
