import { EXIT, type Command } from "./command.ts";

// Placeholder until the command is built; reports itself as unavailable.
export const historyCommand: Command = {
  name: "history",
  usage: "history [LABEL] [--json]",
  summary: "show recent runs from the store",
  flags: [],
  async run(_argv, io) {
    io.err("tickd history: not available in this build yet");
    return EXIT.failure;
  },
};
