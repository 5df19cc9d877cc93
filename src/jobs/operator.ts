/**
 * The catalog of a running instance and the operator's decisions on it:
 * switch a job on or off, give a discovered job a schedule, discover, export,
 * run now, reload. Each decision is written to the store and applied to the
 * live engine here, once; the API's resolvers and the service's signals call
 * these and nothing else.
 */
import path from "node:path";
import type { JobSpec } from "../config/types.ts";
import { discoverJobs, rowToSpec, type DiscoverAppsOptions, type DiscoveryProblem } from "../discovery/index.ts";
import type { ReloadSummary, RunKwargs, RunRecord, SchedulerControl } from "../engine/types.ts";
import { TickdError } from "../errors.ts";
import { writeFileAtomic } from "../export/atomic.ts";
import { getJob, setActive, syncIniJobs, updateSchedule, type Store } from "../store/index.ts";
import { discoveredSpecs, fileProblem, fileSpecs, formatProblem, leftOutBecause, readCatalog, STORED_PROBLEM, type CatalogEntry, type CatalogView, type Problem } from "./catalog.ts";
import { exportView } from "./export.ts";
import { ResumeTimers } from "./resume.ts";
import type { Diagnostic } from "../config/types.ts";

export interface JobCatalogOptions {
  readonly store: Store;
  /** The instance zone. */
  readonly zone: string;
  /** The job file; exports never overwrite it. */
  readonly configPath: string;
  /** --apps, --module-name, --root: what `discover` imports. Undefined = discovery not configured. */
  readonly discovery?: Omit<DiscoverAppsOptions, "zone">;
  /** Where exportIni (not preview) writes. Default: `scheduler.export.ini` beside the job file. */
  readonly exportPath?: string;
  /** The service's log, for what happens on no one's request (a pause ending by itself that fails). Default: nothing logged. */
  readonly log?: (level: "warn" | "error", event: string, fields: Readonly<Record<string, unknown>>) => void;
}

/** An operator's pause: why, who, until when (epoch ms; null = until resumed). */
export interface PauseRequest {
  readonly note: string;
  readonly by: string;
  readonly until?: number | null;
}

function stored(p: PauseRequest): { note: string; by: string; until: number | null } {
  return { note: p.note, by: p.by, until: p.until ?? null };
}

/** A schedule given by an operator: the job-file keys, as text, validated like the job file. */
export interface ScheduleEdit {
  readonly every?: string | null;
  readonly at?: string | null;
  readonly cron?: string | null;
  readonly timezone?: string | null;
}

export interface DiscoverOutcome {
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly missing: readonly string[];
  /** Registered without a schedule: manual jobs (every = manual), run only by hand until an operator gives one a schedule. */
  readonly unscheduled: readonly string[];
  /** What the CLI's `discover` reports (and exits 1 for). */
  readonly problems: readonly Problem[];
}

export interface ExportedIni {
  readonly text: string;
  /** Where the file was written; null for a preview. */
  readonly path: string | null;
}

export function discoveryProblem(p: DiscoveryProblem): Problem {
  return { file: p.file, line: 0, ...(p.label !== undefined && { label: p.label }), code: p.kind, message: p.message };
}

export class JobCatalog {
  readonly #options: JobCatalogOptions;
  #engine: SchedulerControl | undefined;
  /** The job file's jobs as the file says them, and its problems, as last read. */
  #file: readonly JobSpec[] = [];
  #fileProblems: readonly Problem[] = [];
  readonly #resumes: ResumeTimers;
  /**
   * Decisions and syncFromStore one at a time: a sync that read the store
   * before an operator's switch was written must not undo it in the engine.
   */
  #serial: Promise<unknown> = Promise.resolve();

  #oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#serial.then(fn);
    this.#serial = result.catch(() => {});
    return result;
  }

  constructor(options: JobCatalogOptions) {
    this.#options = options;
    this.#resumes = new ResumeTimers(
      options.store.clock,
      (label, until) => this.#resumeIfDue(label, until),
      ({ label, until, error, retryInMs }) =>
        options.log?.("error", "pause.resume.failed", {
          label,
          until: new Date(until).toISOString(),
          message: error instanceof Error ? error.message : String(error),
          retryInMs,
        }),
    );
  }

  /** The live engine decisions are applied to (created after the catalog: its reloads read the file through `useFile`). */
  attach(engine: SchedulerControl): void {
    this.#engine = engine;
  }

  /**
   * The job file as just read: its jobs recorded in the store, and given back
   * as the engine schedules them (with the operator's switches).
   */
  async useFile(jobs: readonly JobSpec[], diagnostics: readonly Diagnostic[]): Promise<JobSpec[]> {
    await syncIniJobs(this.#options.store, jobs);
    this.#file = jobs;
    this.#fileProblems = diagnostics.map(fileProblem);
    return fileSpecs(await this.read());
  }

  read(): Promise<CatalogView> {
    return readCatalog(this.#options.store, this.#file, this.#options.zone, this.#fileProblems);
  }

  /** The discovered jobs that are on, and the stored ones that do not load. */
  async discovered(): Promise<{ specs: JobSpec[]; problems: Problem[] }> {
    const view = await this.read();
    return { specs: discoveredSpecs(view), problems: view.problems.filter((p) => p.code === STORED_PROBLEM) };
  }

  /** Re-read the job file (through the engine's reload source) and the store's discovered jobs. */
  async reload(): Promise<ReloadSummary> {
    const engine = this.#live();
    const summary = await engine.reload();
    const fromStore = await engine.setDiscoveredJobs((await this.discovered()).specs);
    return {
      ...summary,
      added: [...summary.added, ...fromStore.added],
      removed: [...summary.removed, ...fromStore.removed],
      updated: [...summary.updated, ...fromStore.updated],
    };
  }

  /**
   * Switch a job on or off as an operator: recorded (it outlives restarts and
   * reloads, for a job-file job until the file's `active` changes) and applied
   * live. Throws TickdError not-found (saying why a left-out job is left out)
   * or usage (a missing job). A manual job (every = manual) switched on is
   * still never scheduled: on, it may be run by hand.
   */
  setActive(label: string, active: boolean, pause?: PauseRequest): Promise<void> {
    return this.#oneAtATime(() => this.#setActive(label, active, pause));
  }

  async #setActive(label: string, active: boolean, pause?: PauseRequest): Promise<void> {
    const entry = await this.require(label);
    if (entry.missing) throw new TickdError("usage", `job ${JSON.stringify(label)} is missing (its app no longer registers it)`);
    const { store } = this.#options;
    if (entry.source === "ini") {
      const engine = this.#live();
      // The store first: the engine's switch announces the change (jobChanged), and
      // whoever reads the job then must find the pause's note, who and when already there.
      const fileActive = this.#file.find((job) => job.label === label)?.active ?? entry.spec.active;
      if (await getJob(store, label)) await setActive(store, label, active, store.clock.now(), fileActive, pause && stored(pause));
      if (active) await engine.activate(label);
      else await engine.deactivate(label);
    } else {
      await setActive(store, label, active, store.clock.now(), undefined, pause && stored(pause));
      await this.#applyDiscovered();
    }
    this.#resumes.disarm(label);
    if (!active && pause?.until != null) this.#resumes.arm(label, pause.until);
  }

  /**
   * Pause a job as an operator: switched off (the same switch as setActive),
   * with why, who and until when; it resumes by itself at `until` (on the
   * store's clock, also after a restart). Throws usage for an `until` past.
   */
  async pause(label: string, request: PauseRequest): Promise<void> {
    if (request.until != null && !(request.until > this.#options.store.clock.now())) {
      throw new TickdError("usage", `pause until ${new Date(request.until).toISOString()}: that is not in the future`);
    }
    await this.setActive(label, false, request);
  }

  /** Pause every job of an app and/or the labels given, in one step; returns the labels paused. */
  async pauseMany(select: { app?: string | null; labels?: readonly string[] | null }, request: PauseRequest): Promise<string[]> {
    if (select.app == null && (select.labels == null || select.labels.length === 0)) throw new TickdError("usage", "pauseJobs: give app or labels");
    const view = await this.read();
    const labels = new Set(select.labels ?? []);
    for (const label of labels) if (!view.entries.some((e) => e.label === label)) await this.require(label);
    if (select.app != null) {
      const ofApp = view.entries.filter((e) => e.spec.origin.app === select.app);
      if (ofApp.length === 0) throw new TickdError("not-found", `no job of app ${JSON.stringify(select.app)}`);
      for (const e of ofApp) labels.add(e.label);
    }
    const paused: string[] = [];
    for (const label of labels) {
      const entry = view.entries.find((e) => e.label === label)!;
      if (entry.missing) continue;
      await this.pause(label, request);
      paused.push(label);
    }
    return paused;
  }

  /** Arm the resumes of stored pauses with an `until` (at start); due ones resume now. */
  async armResumes(): Promise<void> {
    for (const entry of (await this.read()).entries) {
      if (entry.pause?.until != null) this.#resumes.arm(entry.label, entry.pause.until);
    }
  }

  /**
   * Follow the store: apply what another instance (or `tickd discover`) changed
   * in it — an operator's switch or pause, a schedule, discovered jobs — to the
   * live engine, without writing anything. Returns the labels it changed.
   */
  syncFromStore(): Promise<string[]> {
    return this.#oneAtATime(() => this.#syncFromStore());
  }

  async #syncFromStore(): Promise<string[]> {
    const engine = this.#live();
    const view = await this.read();
    const changed: string[] = [];
    for (const entry of view.entries) {
      if (entry.source !== "ini") continue;
      const state = engine.job(entry.label);
      if (!state || state.active === entry.active) continue;
      if (entry.active) await engine.activate(entry.label);
      else await engine.deactivate(entry.label);
      changed.push(entry.label);
    }
    const summary = await engine.setDiscoveredJobs(discoveredSpecs(view));
    changed.push(...summary.added, ...summary.removed, ...summary.updated);
    // Pauses set elsewhere resume here too (each instance's resume finds the others' done).
    for (const entry of view.entries) {
      if (entry.pause?.until != null) this.#resumes.arm(entry.label, entry.pause.until);
      else this.#resumes.disarm(entry.label);
    }
    return changed;
  }

  /** Stop the resume timers (service stop). */
  close(): void {
    this.#resumes.close();
  }

  /**
   * Give a discovered job a schedule as an operator: validated like the job
   * file, recorded (discovery keeps it), applied live. A job-file job's
   * schedule is changed in the file.
   */
  updateSchedule(label: string, edit: ScheduleEdit): Promise<void> {
    return this.#oneAtATime(() => this.#updateSchedule(label, edit));
  }

  async #updateSchedule(label: string, edit: ScheduleEdit): Promise<void> {
    const entry = await this.require(label);
    if (entry.source !== "discovered") {
      throw new TickdError("usage", `job ${JSON.stringify(label)} comes from ${entry.spec.origin.file}; change its schedule there and reload`);
    }
    if ((edit.every == null) === (edit.cron == null)) throw new TickdError("usage", "give exactly one of every or cron");
    if (edit.cron != null && edit.at != null) throw new TickdError("usage", "at goes with every, not with cron");
    const { store, zone } = this.#options;
    const row = await getJob(store, label);
    if (!row) throw new TickdError("not-found", `no job labelled ${JSON.stringify(label)}`);
    const fields = { every: edit.every ?? null, at: edit.at ?? null, cron: edit.cron ?? null, timezone: edit.timezone ?? null };
    // Validate the edited row exactly as the catalog will load it (the job-file rules).
    const candidate = rowToSpec({ ...row, ...fields }, zone);
    if (!candidate.spec) throw new TickdError("config-invalid", candidate.problems.join("; ") || "the schedule could not be read");
    await updateSchedule(store, label, fields);
    await this.#applyDiscovered();
  }

  /** Run a job once now; resolves once its record is durable, so a query right after sees it. */
  async runNow(label: string, kwargs?: RunKwargs): Promise<RunRecord> {
    const entry = await this.require(label);
    if (entry.missing) throw new TickdError("usage", `job ${JSON.stringify(label)} is missing (its app no longer registers it); it cannot run`);
    if (entry.source === "discovered" && !entry.active) {
      throw new TickdError("usage", `job ${JSON.stringify(label)} is an inactive discovered job; activate it first`);
    }
    const run = await this.#live().runNow(label, kwargs);
    await this.#options.store.flush();
    return run;
  }

  /** Import the apps' scheduler modules, update the store, apply the discovered jobs live. */
  discover(): Promise<DiscoverOutcome> {
    return this.#oneAtATime(() => this.#discover());
  }

  async #discover(): Promise<DiscoverOutcome> {
    const { discovery, store, zone } = this.#options;
    if (!discovery) throw new TickdError("usage", "discovery is not configured: start tickd with --apps DIR,... to discover jobs");
    const result = await discoverJobs(store, { ...discovery, zone });
    if (!result.applied) throw new TickdError("usage", result.problems.map((p) => p.message).join("; ") || "discovery did not run");
    const { problems: stored } = await this.#applyDiscovered();
    return {
      added: result.added,
      updated: result.updated,
      missing: result.missing,
      unscheduled: result.unscheduled,
      problems: [...result.problems.map(discoveryProblem), ...stored],
    };
  }

  /** Write (or preview) the jobs that are on as a job file; never over the live job file. */
  async exportIni(preview: boolean): Promise<ExportedIni> {
    const { text } = exportView(await this.read(), this.#options.store.clock.now());
    if (preview) return { text, path: null };
    const { configPath } = this.#options;
    const target = this.#options.exportPath ?? path.join(path.dirname(configPath || "."), "scheduler.export.ini");
    if (configPath && path.resolve(target) === path.resolve(configPath)) {
      throw new TickdError("forbidden", "exportIni will not overwrite the live job file; choose another export path");
    }
    writeFileAtomic(target, text);
    return { text, path: path.resolve(target) };
  }

  /** The catalog entry of `label`; throws not-found, saying why when the job is left out. */
  async require(label: string): Promise<CatalogEntry> {
    const view = await this.read();
    const entry = view.entries.find((e) => e.label === label);
    if (entry) return entry;
    const why = leftOutBecause(view, label);
    if (why) {
      throw new TickdError("not-found", `job ${JSON.stringify(label)} is left out of the schedule: ${formatProblem(why)}; fix it and reload (the problems query lists every one)`);
    }
    throw new TickdError("not-found", `no job labelled ${JSON.stringify(label)}`);
  }

  /** A pause's `until` came: resume the job, unless it was resumed or paused anew meanwhile. */
  async #resumeIfDue(label: string, until: number): Promise<void> {
    const entry = (await this.read()).entries.find((e) => e.label === label);
    if (!entry?.pause || entry.pause.until !== until) return;
    await this.setActive(label, true);
  }

  #live(): SchedulerControl {
    if (!this.#engine) throw new TickdError("internal", "the job catalog has no engine attached");
    return this.#engine;
  }

  async #applyDiscovered(): Promise<{ problems: Problem[] }> {
    const { specs, problems } = await this.discovered();
    if (this.#engine) await this.#engine.setDiscoveredJobs(specs);
    return { problems };
  }
}
