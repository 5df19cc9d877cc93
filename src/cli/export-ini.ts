import { EXIT, type Command } from "./command.ts";

// Placeholder until the command is built; reports itself as unavailable.
export const exportIniCommand: Command = {
  name: "export-ini",
  usage: "export-ini [-p] [-o PATH]",
  summary: "write the active jobs as a job file",
  flags: [],
  async run(_argv, io) {
    io.err("tickd export-ini: not available in this build yet");
    return EXIT.failure;
  },
};
