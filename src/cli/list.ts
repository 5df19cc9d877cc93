import { EXIT, type Command } from "./command.ts";

// Placeholder until the command is built; reports itself as unavailable.
export const listCommand: Command = {
  name: "list",
  usage: "list [-P PATH] [--json]",
  summary: "list the jobs of a job file",
  flags: [],
  async run(_argv, io) {
    io.err("tickd list: not available in this build yet");
    return EXIT.failure;
  },
};
