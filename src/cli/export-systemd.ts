/**
 * `tickd export-systemd [-n NAME] [-w] [-d DIR]`: NAME.service for this tenant
 * and the template tickd@.service whose instance name picks a tenant folder.
 * Prints both; -w writes them into DIR (default /etc/systemd/system).
 */
import path from "node:path";
import { assertWritable, exportSystemd, writeFileAtomic } from "../export/index.ts";
import { INSTANCE_FLAGS, boolFlag, parseArgs, stringFlag, type FlagDef } from "./args.ts";
import { noPositionals } from "./check.ts";
import { EXIT, type Command } from "./command.ts";
import { SERVICE_FLAGS, serviceSpec } from "./export-service.ts";

const FLAGS: readonly FlagDef[] = [...SERVICE_FLAGS, { name: "dir", short: "d", value: "DIR", complete: "dir", help: "with -w: folder for the unit files (default /etc/systemd/system)" }];

export const exportSystemdCommand: Command = {
  name: "export-systemd",
  usage: "export-systemd [-n NAME] [-w] [-d DIR]",
  summary: "print (or -w write) a systemd unit for this tenant and the tickd@.service template",
  flags: FLAGS,
  uses: INSTANCE_FLAGS.map((f) => f.name),
  examples: [
    { run: "export-systemd", does: "print tickd.service and the tickd@.service template" },
    { run: "export-systemd -n tickd_acme -w", does: "write them to /etc/systemd/system" },
  ],
  async run(argv, io) {
    const args = parseArgs(argv, FLAGS);
    noPositionals(args, "export-systemd");
    const service = await serviceSpec(args);
    const files = exportSystemd(service);
    const dir = path.resolve(stringFlag(args, "dir") ?? "/etc/systemd/system");
    const unitPath = path.join(dir, files.unitName);
    const templatePath = path.join(dir, files.templateName);
    if (!boolFlag(args, "write")) {
      io.out(`# ==> ${unitPath} <==\n${files.unit}\n# ==> ${templatePath} <==\n${files.template.replace(/\n$/, "")}`);
      return EXIT.ok;
    }
    assertWritable(unitPath);
    assertWritable(templatePath);
    writeFileAtomic(unitPath, files.unit);
    writeFileAtomic(templatePath, files.template);
    io.out(`wrote ${unitPath} and ${templatePath}`);
    io.out(`then: systemctl daemon-reload && systemctl enable --now ${files.unitName}`);
    io.out(`tenants: systemctl enable --now tickd@TENANT.service (TENANT = a folder beside ${path.basename(service.root)}; port in TENANT/config/tickd.env)`);
    return EXIT.ok;
  },
};
