/**
 * `tickd cancel RUN_ID`: cancel a run going on in the running service (its
 * API, see service-api.ts): the callback's signal is aborted, a command's
 * process group gets TERM, then KILL after the grace; recorded `cancelled`.
 * RUN_IDs are in `tickd history` and the dashboard's running row.
 */
import { UsageError, boolFlag, parseArgs } from "./args.ts";
import { RUN_FIELDS, apiRun } from "./json.ts";
import { EXIT, type Command } from "./command.ts";
import { SERVICE_FLAGS, callService } from "./service-api.ts";

export const cancelCommand: Command = {
  name: "cancel",
  usage: "cancel RUN_ID [--url URL] [--json]",
  summary: "cancel a run going on in the running service; it is recorded cancelled, with who cancelled it",
  flags: SERVICE_FLAGS,
  uses: ["listen"],
  examples: [
    { run: `cancel "$(tickd history --status running --json | jq -r '.[0].runId')"`, does: "cancel the latest run going on" },
    { run: 'cancel "$RUN_ID" --url http://127.0.0.1:7371', does: "a run of the service on another port" },
  ],
  async run(argv, io) {
    const args = parseArgs(argv, SERVICE_FLAGS);
    if (args.positionals.length !== 1) throw new UsageError(`cancel takes exactly one RUN_ID (from tickd history), got ${args.positionals.length}`);
    const runId = args.positionals[0]!;
    const data = await callService<{ cancelRun: { label: string; status: string; message: string } }>(
      args,
      `mutation ($runId: String!) { cancelRun(runId: $runId) { ${RUN_FIELDS.join(" ")} } }`,
      { runId },
    );
    const run = data.cancelRun;
    if (boolFlag(args, "json")) {
      io.out(JSON.stringify(apiRun(run), null, 2));
      return EXIT.ok;
    }
    io.out(`${run.label}: ${run.status.toLowerCase()}${run.message ? ` (${run.message})` : ""}`);
    return EXIT.ok;
  },
};
