/**
 * `tickd run-job LABEL`: run one job once, now, recorded in the store like
 * any run (trigger "manual"). Exit 0 on success or skipped (the callback
 * said there was nothing to do: not a failure, and logged as info), 1 on
 * failure/error/timeout, 2 for an unknown label or a job the file leaves out.
 */
import { resolveCallback, resolveInWorker } from "../callbacks/index.ts";
import { displayPath } from "../config/display-path.ts";
import { formatDiagnostic, type JobSpec } from "../config/types.ts";
import { commandsEnded } from "../engine/command.ts";
import { CONSOLE_TO_STDERR, consoleToStderr } from "../engine/worker/console.ts";
import { createEngine } from "../engine/engine.ts";
import { formatMs } from "../engine/execute.ts";
import type { RunRecord } from "../engine/types.ts";
import { compileSchedule } from "../schedule/index.ts";
import type { Callback } from "../sdk/index.ts";
import { defaultInstance, readJobs } from "../service/index.ts";
import { readCatalog } from "../jobs/index.ts";
import { HEARTBEAT_EVERY_MS, openStore } from "../store/index.ts";
import { UsageError, boolFlag, instanceSettings, parseArgs, requireRoot, stringFlag, type FlagDef } from "./args.ts";
import { runJson } from "./json.ts";
import { readOrReport } from "./check.ts";
import { EXIT, type Command, type Output } from "./command.ts";

const FLAGS: readonly FlagDef[] = [
  { name: "kwarg", repeat: true, value: "KEY=VALUE", help: "a parameter for this run, over the job's kwargs (repeatable; values are strings); recorded with the run" },
  { name: "json", boolean: true, help: "print the recorded run as JSON, with the fields and values of the API's runs (the job's output streams to stderr then)" },
];

/** --kwarg key=value … as the run's parameters (strings: data for the callback, never code). */
function parseKwargs(given: string[] | undefined): Record<string, string> | undefined {
  if (!given || given.length === 0) return undefined;
  const kwargs: Record<string, string> = {};
  for (const pair of given) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--kwarg ${JSON.stringify(pair)}: expected KEY=VALUE, e.g. --kwarg date=2026-01-01`);
    kwargs[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return kwargs;
}

export const runJobCommand: Command = {
  name: "run-job",
  usage: "run-job LABEL [--kwarg KEY=VALUE ...] [--json] [-P PATH]",
  summary: "run one job once, now, and record it; exit 0 on success or skipped, 1 on failure, error or timeout, 2 for an unknown label or a job left out",
  flags: FLAGS,
  uses: ["config", "root", "db", "timezone", "instance"],
  examples: [
    { run: 'run-job "nightly backup"', does: "run it now, showing its output as it comes; recorded as a manual run" },
    { run: 'run-job "nightly backup" --kwarg date=2026-01-01', does: "with a parameter for this run" },
    { run: 'run-job "nightly backup" --json', does: "the recorded run as JSON (output streams to stderr)" },
  ],
  operand: { kind: "label" },
  async run(argv, io) {
    const args = parseArgs(argv, FLAGS);
    if (args.positionals.length !== 1) throw new UsageError(`run-job takes exactly one LABEL (quote labels with spaces), got ${args.positionals.length}`);
    const label = args.positionals[0]!;
    const kwargs = parseKwargs(args.flags.kwarg as string[] | undefined);
    // stdout is the JSON alone: what a callback prints with console.log goes to
    // stderr, in this process and in the workers it starts (entry.ts reads the variable).
    if (boolFlag(args, "json")) {
      process.env[CONSOLE_TO_STDERR] = "1";
      consoleToStderr();
    }
    const settings = instanceSettings(args);
    requireRoot(args, settings);
    const loaded = await readOrReport(() => readJobs(settings, { only: label }), io);
    if (!loaded) return EXIT.usage;
    const problem = loaded.diagnostics.find((d) => d.label === label);
    if (problem) {
      io.err(formatDiagnostic({ ...problem, file: displayPath(problem.file) }));
      io.err(`run-job: "${label}" is left out of the schedule; fix the line above (tickd check lists every problem)`);
      return EXIT.usage;
    }
    const instance = stringFlag(args, "instance") ?? defaultInstance();
    const store = await openStore(settings.dbUrl, { instance });
    try {
      // The job file's job, or a discovered one of the store (the catalog: the file's copy of a label wins).
      const entry = (await readCatalog(store, loaded.jobs, settings.timezone)).entries.find((e) => e.label === label && !e.missing);
      const spec: JobSpec | undefined = entry?.spec;
      let callback: Callback | undefined = loaded.callbacks.get(label);
      if (spec && entry?.source === "discovered" && spec.target.kind === "call") {
        const dotted = spec.target.callback;
        callback = spec.isolate === "none" ? await resolveCallback(dotted, settings.root) : await resolveInWorker(dotted, settings.root);
      }
      if (!spec) {
        io.err(`run-job: no job labelled "${label}" in ${displayPath(settings.configPath)} or among discovered jobs; \`tickd list\` shows the labels`);
        return EXIT.usage;
      }
      const json = boolFlag(args, "json");
      const live = new LiveOutput(io, json ? "err" : "out");
      const engine = createEngine({
        store,
        instance,
        timezone: settings.timezone,
        workDir: settings.root,
        compile: compileSchedule,
        resolve: () => callback,
        // The run's output as it comes: a command's stdout and stderr, a callback's ctx.log lines.
        onOutput: (_label, stream, chunk) => live.chunk(stream, chunk),
        logger: { log: (_level, event, fields) => event === "job.log" && live.line(String(fields?.line ?? "")) },
      });
      io.err(`running [${label}] …`);
      // A retry starts afresh: say so, and compare the summary with its output only.
      const unsubscribe = engine.subscribe((event) => {
        if (event.type !== "run.started" || event.run.attempt === 1) return;
        live.end();
        live.reset();
        io.err(`retrying [${label}] (attempt ${event.run.attempt}) …`);
      });
      // Beat while the run goes on, as a service does: a run outlasting the lease is not taken for abandoned.
      const beating = setInterval(() => void store.heartbeat().catch(() => {}), HEARTBEAT_EVERY_MS);
      const run = await engine.runOnce(spec, kwargs).finally(() => clearInterval(beating));
      unsubscribe();
      await engine.stop({ graceMs: 0 });
      live.end();
      if (json) io.out(JSON.stringify(runJson(run), null, 2));
      else printRun(run, io, spec.target.kind === "command" ? live.raw : live.lines);
      // A command recorded at its timeout is still being ended (TERM, then
      // KILL after the grace): return once nothing it started is left.
      await commandsEnded();
      return run.status === "success" || run.status === "skipped" ? EXIT.ok : EXIT.failure;
    } finally {
      await store.close();
    }
  },
};

/**
 * The run's output while it runs, on stdout (stderr under --json, where
 * stdout is the JSON alone): a command's stdout and stderr each to its own,
 * ctx.log lines as lines. Remembers what it showed, so the summary does not
 * show it again.
 */
class LiveOutput {
  /** The ctx.log lines shown, joined as the record's output begins with them (a callback's). */
  lines = "";
  /** A command's output shown, in the order it came: the capture the record keeps begins with it. */
  raw = "";
  #decoder = new TextDecoder();
  #endsLine = true;
  constructor(
    private readonly io: Output,
    private readonly to: "out" | "err",
  ) {}
  #write(stream: "out" | "err", chunk: Uint8Array | string): void {
    const text = typeof chunk === "string" ? chunk : undefined;
    this.#endsLine = text !== undefined ? text.endsWith("\n") : (chunk as Uint8Array).at(-1) === 10;
    if (this.io.write) this.io.write(stream, chunk);
    else (stream === "out" ? this.io.out : this.io.err)(text ?? new TextDecoder().decode(chunk as Uint8Array));
  }
  chunk(stream: "stdout" | "stderr", chunk: Uint8Array): void {
    this.raw += this.#decoder.decode(chunk, { stream: true });
    this.#write(this.to === "err" || stream === "stderr" ? "err" : "out", chunk);
  }
  line(text: string): void {
    this.lines = this.lines === "" ? text : `${this.lines}\n${text}`;
    this.#write(this.to, `${this.#endsLine ? "" : "\n"}${text}\n`);
  }
  /** Forget what was shown (a retry's output is its own). */
  reset(): void {
    this.lines = "";
    this.raw = "";
    this.#decoder = new TextDecoder();
  }
  /** A last newline when the output did not end with one, so the summary starts on its own line. */
  end(): void {
    if (!this.#endsLine) this.#write(this.to, "\n");
  }
}

/**
 * The summary after the run. `shown` is its output as streamed (ctx.log
 * lines; a command's stdout and stderr): only what the record has beyond
 * that is printed — what a callback returned, the mark of a capped output,
 * tickd's note of a leftover process ended.
 */
function printRun(run: RunRecord, io: Output, shown: string): void {
  const took = formatMs((run.endedAt ?? run.startedAt) - run.startedAt);
  const lines = [`${run.label}: ${run.status} in ${took}${run.attempt > 1 ? ` (attempt ${run.attempt})` : ""}`];
  if (run.kwargs) lines.push(`kwargs: ${JSON.stringify(run.kwargs)}`);
  if (run.message) lines.push(`message: ${run.message}`);
  let same = 0;
  while (same < shown.length && same < run.output.length && shown[same] === run.output[same]) same++;
  const rest = run.output.slice(same).replace(/^\n/, "");
  if (rest) lines.push("output:", indent(rest));
  if (run.error) lines.push("error:", indent(run.error));
  const text = lines.join("\n");
  io.out(text);
}

function indent(text: string): string {
  return text.replace(/\n$/, "").split("\n").map((l) => `  ${l}`).join("\n");
}
