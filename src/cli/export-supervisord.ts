/**
 * `tickd export-supervisord SCRIPT_PATH [-w] [-n NAME]`: the `[program:NAME]`
 * section and the script it runs. Prints both; with -w writes the
 * script (mode 755) and the conf beside it as NAME.conf (or --conf PATH).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { TickdError } from "../errors.ts";
import { assertWritable, exportSupervisord, writeFileAtomic } from "../export/index.ts";
import { INSTANCE_FLAGS, UsageError, boolFlag, parseArgs, stringFlag, type FlagDef } from "./args.ts";
import { displayPath } from "./check.ts";
import { EXIT, type Command } from "./command.ts";
import { SERVICE_FLAGS, serviceSpec } from "./export-service.ts";

const FLAGS: readonly FlagDef[] = [
  ...SERVICE_FLAGS,
  { name: "conf", value: "PATH", complete: "file", help: "with -w: where the [program:NAME] file goes (default NAME.conf beside the script)" },
  { name: "log-dir", value: "DIR", complete: "dir", help: "folder of the program's stdout/stderr logs (default ROOT/logs)" },
];

export const exportSupervisordCommand: Command = {
  name: "export-supervisord",
  usage: "export-supervisord SCRIPT_PATH [-w] [-n NAME] [--conf PATH] [--log-dir DIR]",
  summary: "print (or -w write) a supervisord program and the script it runs",
  flags: FLAGS,
  uses: INSTANCE_FLAGS.map((f) => f.name),
  examples: [
    { run: "export-supervisord /srv/acme/cron/scheduler.sh", does: "print the [program:tickd] section and its script" },
    { run: "export-supervisord /srv/acme/cron/scheduler.sh -n tickd_acme -w", does: "write them, for the tenant acme" },
  ],
  operand: { kind: "file" },
  async run(argv, io) {
    const args = parseArgs(argv, FLAGS);
    if (args.positionals.length !== 1) throw new UsageError("give exactly one SCRIPT_PATH: where the start script lives (e.g. /srv/acme/cron/scheduler.sh)");
    const service = await serviceSpec(args);
    const logDir = stringFlag(args, "log-dir");
    const files = exportSupervisord(service, args.positionals[0]!, logDir !== undefined ? { logDir } : {});
    const confPath = path.resolve(stringFlag(args, "conf") ?? files.confPath);
    if (!boolFlag(args, "write")) {
      io.out(`; ==> ${confPath} <==\n${files.conf}\n# ==> ${files.scriptPath} <==\n${files.script.replace(/\n$/, "")}`);
      return EXIT.ok;
    }
    try {
      assertWritable(files.scriptPath);
      assertWritable(confPath);
      const logFolder = path.resolve(logDir ?? path.join(service.root, "logs"));
      assertWritable(path.join(logFolder, `${service.name}.out.log`), { mkdir: true });
      // Script first: a conf pointing at a script that is not there would fail at `supervisorctl update`.
      writeFileAtomic(files.scriptPath, files.script, { mode: 0o755 });
      writeFileAtomic(confPath, files.conf);
      mkdirSync(logFolder, { recursive: true });
    } catch (error) {
      // What the writes refuse is already a write-failed TickdError; mkdir's errno is made one.
      if (!(error instanceof TickdError) && (error as NodeJS.ErrnoException).code) {
        throw new TickdError("write-failed", `cannot create the log folder: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    }
    io.out(`wrote ${displayPath(files.scriptPath)} (executable) and ${displayPath(confPath)}`);
    io.out(`include ${confPath} from supervisord.conf, then: supervisorctl update ${service.name}`);
    return EXIT.ok;
  },
};
