/**
 * `tickd pause LABEL --note TEXT [--until ISO]` and `tickd resume LABEL`:
 * switch a job off with why (and until when; it resumes by itself then), or
 * on again, in the running service (through its API, see service-api.ts).
 */
import { UsageError, boolFlag, parseArgs, stringFlag, type FlagDef } from "./args.ts";
import { EXIT, type Command } from "./command.ts";
import { SERVICE_FLAGS, callService } from "./service-api.ts";

const PAUSE_FLAGS: readonly FlagDef[] = [
  { name: "note", value: "TEXT", help: "why the job is paused (shown in list, next, the API and the dashboard)" },
  { name: "until", value: "ISO", help: "resume by itself at this instant (e.g. 2026-05-01T06:00:00Z); default: until `tickd resume`" },
  ...SERVICE_FLAGS,
];

/** What pause and resume ask the API for, and --json prints: the Job's fields. */
const JOB_FIELDS = "label active nextRunAt pause { note by at until }";

function oneLabel(positionals: readonly string[], command: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one LABEL (quote labels with spaces), got ${positionals.length}`);
  return positionals[0]!;
}

export const pauseCommand: Command = {
  name: "pause",
  usage: "pause LABEL --note TEXT [--until ISO] [--url URL] [--json]",
  summary: "switch a job off in the running service, saying why (and until when)",
  flags: PAUSE_FLAGS,
  uses: ["listen"],
  examples: [
    { run: 'pause "nightly backup" --note "disk full, see OPS-12"', does: "off in the running service until `tickd resume`" },
    { run: 'pause "nightly backup" --note "maintenance" --until 2026-12-02T06:00:00Z', does: "back on by itself at 06:00 UTC" },
  ],
  operand: { kind: "label" },
  async run(argv, io) {
    const args = parseArgs(argv, PAUSE_FLAGS);
    const label = oneLabel(args.positionals, "pause");
    const note = stringFlag(args, "note");
    if (note === undefined || note.trim() === "") throw new UsageError("pause needs --note TEXT: say why, for whoever looks next");
    const untilText = stringFlag(args, "until");
    let until: string | null = null;
    if (untilText !== undefined) {
      const ms = Date.parse(untilText);
      if (Number.isNaN(ms)) throw new UsageError(`--until ${JSON.stringify(untilText)}: expected an ISO-8601 instant, e.g. 2026-05-01T06:00:00Z`);
      until = new Date(ms).toISOString();
    }
    const data = await callService<{ pauseJob: { label: string; pause: { note: string; until: string | null } } }>(
      args,
      `mutation ($label: String!, $note: String!, $until: DateTime) { pauseJob(label: $label, note: $note, until: $until) { ${JOB_FIELDS} } }`,
      { label, note, until },
    );
    if (boolFlag(args, "json")) {
      io.out(JSON.stringify(data.pauseJob, null, 2));
      return EXIT.ok;
    }
    const p = data.pauseJob.pause;
    io.out(`${label}: paused: ${p.note}${p.until ? ` (until ${p.until})` : ""}`);
    return EXIT.ok;
  },
};

export const resumeCommand: Command = {
  name: "resume",
  usage: "resume LABEL [--url URL] [--json]",
  summary: "switch a paused job on again in the running service",
  flags: SERVICE_FLAGS,
  uses: ["listen"],
  examples: [
    { run: 'resume "nightly backup"', does: "on again, with its next run" },
    { run: 'resume "nightly backup" --url http://127.0.0.1:7371 --token "$TICKD_TOKEN"', does: "a service elsewhere, with --tokens" },
  ],
  operand: { kind: "label" },
  async run(argv, io) {
    const args = parseArgs(argv, SERVICE_FLAGS);
    const label = oneLabel(args.positionals, "resume");
    const data = await callService<{ resumeJob: { label: string; nextRunAt: string | null } }>(
      args,
      `mutation ($label: String!) { resumeJob(label: $label) { ${JOB_FIELDS} } }`,
      { label },
    );
    if (boolFlag(args, "json")) {
      io.out(JSON.stringify(data.resumeJob, null, 2));
      return EXIT.ok;
    }
    io.out(`${label}: resumed${data.resumeJob.nextRunAt ? `; next run ${data.resumeJob.nextRunAt}` : ""}`);
    return EXIT.ok;
  },
};
