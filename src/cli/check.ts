import { EXIT, type Command } from "./command.ts";

// Placeholder until the command is built; reports itself as unavailable.
export const checkCommand: Command = {
  name: "check",
  usage: "check [--config PATH]",
  summary: "validate the job file and resolve every callback; exit 2 on any problem",
  flags: [],
  async run(_argv, io) {
    io.err("tickd check: not available in this build yet");
    return EXIT.failure;
  },
};
