/**
 * A running instance, wired together: job file -> callbacks -> store ->
 * engine -> API, with retention pruning, logging, and the signals an operator
 * sends (TERM/INT: drain and exit 0; HUP: reload the job file).
 *
 * Order matters: the job file is read before the store is touched (a bad
 * file exits 2 without side effects), and the API binds before the engine
 * starts (a taken port fails start-up before any job runs).
 */
import process from "node:process";
import os from "node:os";
import { resolveCallback, resolveInWorker, resolveJobCallbacks } from "../callbacks/index.ts";
import { loadJobFile } from "../config/load.ts";
import { formatDiagnostic, type Diagnostic, type JobFile, type JobSpec } from "../config/types.ts";
import { createEngine, type Engine } from "../engine/engine.ts";
import { repeat, systemClock, type Clock } from "../clock.ts";
import type { Callback } from "../sdk/index.ts";
import { compileSchedule, scheduleWarnings } from "../schedule/index.ts";
import { JobCatalog, type Problem } from "../jobs/index.ts";
import { HEARTBEAT_EVERY_MS, openStore, type AbandonReport, type Store } from "../store/index.ts";
import { jobHealth } from "../store/activity.ts";
import { createLogger, logRunEvent, type LogFormat, type ServiceLogger } from "./logger.ts";
import { processSignals, type SignalSource } from "./signals.ts";
import { instanceHeartbeat, jobPinger } from "../telemetry/pings.ts";
import type { ApiHandle, ApiStarter } from "./api.ts";
import { Notifier, Sender } from "../notify/index.ts";
import { pageOutEmbeddedFiles } from "../runtime/page-out.ts";

export interface ServiceSettings {
  readonly configPath: string;
  readonly root: string;
  readonly dbUrl: string;
  readonly timezone: string;
  readonly logFormat: LogFormat;
  /** Recorded on every run; default hostname:pid. */
  readonly instance?: string;
  /** HOST:PORT of the API. */
  readonly listen: string;
  readonly tokensPath?: string;
  /** --public-url: the address browsers use, accepted as an origin besides the listen address. */
  readonly publicUrl?: string;
  /** --notify: the channels of jobs without a `notify` of their own. */
  readonly notify?: readonly string[];
  /** --smtp: the server mailto: channels send through. */
  readonly smtp?: string;
  /** False with --no-api. */
  readonly api: boolean;
  /** Activity older than this is pruned, hourly, unless its job has its own `keep`. */
  readonly keepMs: number;
  /** How long running jobs may finish at shutdown. */
  readonly graceMs: number;
  readonly apps: readonly string[];
  readonly moduleName: string;
  /** --ping: the instance's dead man's switch, pinged every `pingEveryMs` while healthy. */
  readonly ping?: string;
  /** --ping-every; default 1 minute. */
  readonly pingEveryMs?: number;
  /** --otlp: where one span per run is exported (OTLP/HTTP). */
  readonly otlp?: string;
}

export interface ServiceOptions {
  readonly signals?: SignalSource;
  readonly clock?: Clock;
  readonly logger?: ServiceLogger;
  /** Replaces the real API (tests); null = no API. */
  readonly startApi?: ApiStarter;
}

export interface Service {
  readonly engine: Engine;
  readonly store: Store;
  /** The jobs and the operator's decisions (src/jobs/). */
  readonly catalog: JobCatalog;
  readonly instance: string;
  /** The API's base URL, when it runs. */
  readonly apiUrl: string | null;
  /** Resolves with the exit code once the service has stopped. */
  readonly done: Promise<number>;
  /** Drain and stop, as SIGTERM does. */
  shutdown(reason: string): Promise<number>;
}

const PRUNE_EVERY_MS = 3_600_000;

/**
 * The real API, loaded only when it is on: GraphQL, Pothos, yoga and the
 * dashboard are most of the binary's module graph (about half the RSS of a
 * small instance), and --no-api, `tickd next` or `tickd --version` never
 * serve them. A static string, so `bun build --compile` still bundles it.
 */
export const startServiceApi: ApiStarter = async (input) => (await import("./api.ts")).startServiceApi(input);

export function defaultInstance(): string {
  return `${os.hostname()}:${process.pid}`;
}

export async function startService(settings: ServiceSettings, options: ServiceOptions = {}): Promise<Service> {
  const logger = options.logger ?? createLogger(settings.logFormat);
  const signals = options.signals ?? processSignals;
  // Signals that come while the service starts are held, not left to their
  // default action (TERM, INT and HUP would end the process at once, with runs
  // recorded `running`): a stop is carried out, a reload done, once it has started.
  const held: { stop: string | null; reload: boolean } = { stop: null, reload: false };
  const whileStarting = [
    signals.on("SIGTERM", () => void (held.stop ??= "SIGTERM")),
    signals.on("SIGINT", () => void (held.stop ??= "SIGINT")),
    signals.on("SIGHUP", () => void (held.reload = true)),
  ];
  const instance = settings.instance ?? defaultInstance();
  const zone = settings.timezone;
  const clock = options.clock ?? systemClock;

  // 1. The job file and its callbacks; problems are logged, those jobs left out.
  const first = await readJobs(settings, { clock });
  logDiagnostics(logger, first.diagnostics);
  logWarnings(logger, [...first.file.warnings, ...scheduleWarnings(first.jobs, zone, clock.now())]);
  const callbacks = first.callbacks;

  // 2. The store: migrations, runs left `running` by dead processes.
  const store = await openStore(settings.dbUrl, { instance, clock, log: (line) => logger.error("store.error", { message: line }) });
  let api: ApiHandle | null = null;
  try {
    // Each job's history as recorded, read once, before this start records
    // anything (the runs found abandoned later arrive as events on top):
    // where the alerts' streaks and /metrics start from.
    const health = await jobHealth(store);
    const notifier = new Notifier({ store, clock, defaultChannels: settings.notify ?? [], ...(settings.publicUrl !== undefined && { publicUrl: settings.publicUrl }) });
    await notifier.seed(health);
    const catalog = new JobCatalog({
      store,
      zone,
      configPath: settings.configPath,
      ...(settings.apps.length > 0 && { discovery: { apps: settings.apps, moduleName: settings.moduleName, root: settings.root } }),
      log: (level, event, fields) => logger[level](event, fields),
    });
    const firstJobs = await catalog.useFile(first.jobs, first.diagnostics);
    const discovered = await catalog.discovered();
    logStoredProblems(logger, discovered.problems);

    // Discovered jobs resolve lazily (they may be added live by discoverJobs),
    // in their module's worker like the job file's unless they say isolate = none.
    const lazy = new Map<string, Callback>();
    const resolve = (spec: JobSpec): Callback | undefined => {
      if (spec.target.kind !== "call") return undefined;
      if (spec.origin.source === "ini") return callbacks.get(spec.label);
      const dotted = spec.target.callback;
      const key = `${spec.isolate ?? "worker"} ${dotted}`;
      let fn = lazy.get(key);
      if (!fn) {
        const loading = spec.isolate === "none" ? resolveCallback(dotted, settings.root) : resolveInWorker(dotted, settings.root, { clock });
        loading.catch(() => lazy.delete(key));
        fn = async (kwargs, ctx) => (await loading)(kwargs, ctx);
        lazy.set(key, fn);
      }
      return fn;
    };

    // Spans of runs, when --otlp is given; url and command jobs then carry their run's traceparent.
    // OpenTelemetry (about 1 MB of modules) is loaded only then.
    const tracing = settings.otlp !== undefined ? await import("../telemetry/traces.ts") : null;
    const tracer = tracing && settings.otlp !== undefined ? tracing.runTracer({ url: settings.otlp, instance }) : null;
    const engine = createEngine({
      clock,
      ...(tracing && { traceparent: tracing.traceparentOf }),
      store,
      instance,
      timezone: zone,
      configPath: settings.configPath,
      workDir: settings.root,
      compile: compileSchedule,
      resolve,
      logger,
      backfillStore: store,
      // Runs start only under this instance's lease; with others on the store, occurrences are claimed ahead.
      lease: store.lease,
      claimAhead: () => store.others > 0,
      reloadSource: async () => {
        const next = await readJobs(settings, { fresh: true, clock });
        logDiagnostics(logger, next.diagnostics);
        logWarnings(logger, [...next.file.warnings, ...scheduleWarnings(next.jobs, zone, clock.now())]);
        callbacks.clear();
        for (const [label, fn] of next.callbacks) callbacks.set(label, fn);
        return { jobs: await catalog.useFile(next.jobs, next.diagnostics), diagnostics: next.diagnostics };
      },
    });
    catalog.attach(engine);
    engine.subscribe((event) => logRunEvent(logger, event));
    // Pings and spans follow the events: after a run starts or ends, never on the path that starts it.
    // A job's settings: the engine's, or before it starts (the runs found abandoned are told then) the ones it will start with.
    const starting = new Map([...firstJobs, ...discovered.specs].map((spec) => [spec.label, spec]));
    const specOf = (label: string): JobSpec | undefined => engine.job(label)?.spec ?? (engine.startedAt === 0 ? starting.get(label) : undefined);
    engine.subscribe(jobPinger((label) => specOf(label)?.ping, logger).listener);
    if (tracer) engine.subscribe(tracer.listener);
    notifier.attach(specOf);
    engine.subscribe(notifier.listener);
    // Delivery stays out of the moments before each due instant (sender.ts).
    const sender = new Sender({
      store,
      clock,
      nextDueAt: () => engine.nextDueAt(),
      ...(settings.smtp !== undefined && { smtp: settings.smtp }),
      log: (level, event, fields) => logger[level](event, fields),
    });
    sender.start();

    // 3. The API binds before any job runs.
    if (settings.api) {
      api = await (options.startApi ?? startServiceApi)({ settings, engine, store, catalog, logger, clock, sender, health });
      logger.info("api.listening", { url: api.url });
    }
    // The runs left `running` by processes that are gone: recorded abandoned and
    // told to every listener (/metrics's among them) at once, each pinging its
    // job's failure address and raising its `abandoned` alert as a run that ended
    // so would; the alerts are committed straight after. Done here, with everything
    // started that hears of them, so a start that fails (or is killed) before this
    // point leaves them `running` for the next start to record and alert, not
    // recorded and never alerted.
    // Occurrences they had claimed and never started are run here (engine.takeOver).
    const abandonDead = async (at: number, atStart = false): Promise<AbandonReport> => {
      const report = await store.markAbandoned(at, atStart);
      engine.reportAbandoned(report.runs);
      if (report.runs.length > 0) await store.flush();
      if (report.abandoned > 0 || report.claimsDropped > 0) {
        logger.warn("runs.abandoned", { count: report.abandoned, claimsDropped: report.claimsDropped, instances: report.deadInstances.join(",") });
      }
      return report;
    };
    const { takenOver } = await abandonDead(clock.now(), true);

    // 4. Schedule.
    await engine.start([...firstJobs, ...discovered.specs]);
    engine.takeOver(takenOver);
    // Pauses with an `until` resume by themselves, also those set before a restart.
    await catalog.armResumes();
    logger.info("scheduler.started", {
      instance,
      config: settings.configPath,
      jobs: engine.jobs().length,
      active: engine.jobs().filter((j) => j.active).length,
      problems: first.diagnostics.length,
      zone,
    });
    // Everything is loaded: the executable's embedded files need not stay resident (runtime/page-out.ts).
    void pageOutEmbeddedFiles();

    // 4b. Operator changes made through another instance (PostgreSQL): followed
    // one re-read at a time, a change during one read answered by the next.
    let syncing = false;
    let syncAgain = false;
    const syncJobs = (): void => {
      if (syncing) {
        syncAgain = true;
        return;
      }
      syncing = true;
      void catalog
        .syncFromStore()
        .then((labels) => {
          if (labels.length > 0) logger.info("jobs.synced", { labels: labels.join(",") });
        })
        .catch((error) => logger.error("jobs.sync.failed", { message: String(error) }))
        .finally(() => {
          syncing = false;
          if (syncAgain) {
            syncAgain = false;
            syncJobs();
          }
        });
    };
    const stopWatching = store.watchJobs(syncJobs);

    // 5. Retention.
    const prune = async () => {
      try {
        const jobs = engine.jobs().map(({ spec }) => ({ label: spec.label, ...(spec.keep && { keep: spec.keep }), ...(spec.keepFailuresMs !== undefined && { keepFailuresMs: spec.keepFailuresMs }) }));
        const { deleted, rolledUp } = await store.prune({ keepMs: settings.keepMs, jobs });
        if (deleted > 0 || rolledUp > 0) logger.info("retention.pruned", { deleted, rolledUp });
      } catch (error) {
        logger.error("retention.failed", { message: String(error) });
      }
    };
    void prune();
    const stopPruning = repeat(clock, PRUNE_EVERY_MS, () => void prune());

    // 5b. Heartbeat: other instances on a shared store learn this one is alive,
    // and this one records as abandoned the runs of instances that stopped beating.
    const heartbeat = async () => {
      try {
        if (!(await store.heartbeat())) {
          logger.error("instance.taken_over", {
            instance,
            message: "another instance took this one for dead (it was stopped, suspended or out of touch with the store past its lease) and took over what it held; continuing, registered again",
          });
        }
        engine.takeOver((await abandonDead(clock.now())).takenOver);
      } catch (error) {
        logger.error("heartbeat.failed", { message: String(error) });
      }
    };
    const stopBeating = repeat(clock, HEARTBEAT_EVERY_MS, () => void heartbeat());
    // 5c. The instance's dead man's switch: pinged while the store takes writes.
    const stopPinging =
      settings.ping !== undefined ? instanceHeartbeat({ url: settings.ping, everyMs: settings.pingEveryMs ?? 60_000, clock, healthy: () => store.health(), log: logger }) : () => {};

    // 6. Signals.
    let resolveDone: (code: number) => void = () => {};
    const done = new Promise<number>((r) => (resolveDone = r));
    let stopping: Promise<number> | null = null;
    let finished = false;
    const unsubscribe: Array<() => void> = [];
    const shutdown = (reason: string): Promise<number> => {
      if (stopping) {
        if (finished) return stopping;
        // A second TERM/INT while draining: stop waiting, abort the runs now.
        logger.warn("shutdown.now", { reason, message: "second signal: aborting running jobs without waiting for the grace period" });
        void engine.stop({ graceMs: 0 });
        return stopping;
      }
      stopping ??= (async () => {
        logger.info("shutdown", { reason, graceMs: settings.graceMs, running: engine.jobs().reduce((n, j) => n + j.running, 0) });
        stopWatching();
        stopPruning();
        stopBeating();
        stopPinging();
        catalog.close();
        let code = 0;
        try {
          await engine.stop({ graceMs: settings.graceMs });
        } catch (error) {
          logger.error("shutdown.failed", { message: String(error) });
          code = 1;
        }
        notifier.stop();
        // What is not delivered now stays pending in the outbox for the next start.
        await sender.stop();
        try {
          // The last runs' spans go out before the process does.
          await tracer?.shutdown();
        } catch (error) {
          logger.error("otlp.failed", { message: String(error) });
        }
        try {
          await api?.stop();
        } catch (error) {
          logger.error("api.stop.failed", { message: String(error) });
        }
        try {
          await store.close();
        } catch (error) {
          logger.error("store.close.failed", { message: String(error) });
          code = 1;
        }
        // Handlers stay until here, so a second signal aborts instead of killing the process.
        unsubscribe.forEach((off) => off());
        finished = true;
        logger.info("stopped", { code });
        resolveDone(code);
        return code;
      })();
      return stopping;
    };
    unsubscribe.push(signals.on("SIGTERM", () => void shutdown("SIGTERM")));
    unsubscribe.push(signals.on("SIGINT", () => void shutdown("SIGINT")));
    const reloadAll = async () => {
      const summary = await catalog.reload();
      logStoredProblems(logger, (await catalog.discovered()).problems);
      return summary;
    };
    // A reload also picks up what `tickd discover` changed in the store
    // since start, so discovered jobs reach a running service without a restart.
    const reload = () =>
      reloadAll().then(
        (s) => logger.info("reloaded", { added: s.added.join(","), removed: s.removed.join(","), updated: s.updated.join(","), unchanged: s.unchanged, problems: s.diagnostics.length }),
        (error) => logger.error("reload.failed", { message: error instanceof Error ? error.message : String(error) }),
      );
    unsubscribe.push(signals.on("SIGHUP", () => void reload()));
    // The service's own handlers are on: what came while it started is done now.
    whileStarting.forEach((off) => off());
    if (held.stop !== null) void shutdown(held.stop);
    else if (held.reload) void reload();

    return { engine, store, catalog, instance, apiUrl: api?.url ?? null, done, shutdown };
  } catch (error) {
    whileStarting.forEach((off) => off());
    await api?.stop().catch(() => {});
    await store.close().catch(() => {});
    throw error;
  }
}

interface ReadJobs {
  readonly file: JobFile;
  readonly jobs: readonly JobSpec[];
  readonly callbacks: Map<string, Callback>;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Load the job file and resolve its callbacks: afresh on reload (`fresh`),
 * or only job `only`'s (run-job, which starts no worker for the others).
 */
export async function readJobs(settings: Pick<ServiceSettings, "configPath" | "root" | "timezone">, options: { fresh?: boolean; only?: string; clock?: Clock } = {}): Promise<ReadJobs> {
  const file = await loadJobFile(settings.configPath, settings.timezone);
  const wanted = options.only === undefined ? file : { ...file, jobs: file.jobs.filter((job) => job.label === options.only) };
  const resolved = await resolveJobCallbacks(wanted, settings.root, { fresh: options.fresh === true, ...(options.clock && { clock: options.clock }) });
  return { file, jobs: resolved.jobs, callbacks: resolved.callbacks, diagnostics: [...file.diagnostics, ...resolved.diagnostics] };
}

/** Discovered jobs whose stored form does not load: left out, said at start and reload. */
function logStoredProblems(logger: ServiceLogger, problems: readonly Problem[]): void {
  for (const problem of problems) logger.warn("discovered.invalid", { label: problem.label, file: problem.file, message: problem.message });
}

/** Problems that leave no job out (a schedule that never fires, an unreadable comment). */
function logWarnings(logger: ServiceLogger, warnings: readonly Diagnostic[]): void {
  for (const d of warnings) logger.warn("config.warning", { label: d.label, code: d.code, message: formatDiagnostic(d) });
}

function logDiagnostics(logger: ServiceLogger, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    logger.warn("config.problem", { label: d.label, code: d.code, message: formatDiagnostic(d), left_out: true });
  }
}
