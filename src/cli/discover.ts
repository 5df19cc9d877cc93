import { EXIT, type Command } from "./command.ts";

// Placeholder until the command is built; reports itself as unavailable.
export const discoverCommand: Command = {
  name: "discover",
  usage: "discover [--apps DIR,...]",
  summary: "import apps' scheduler modules and upsert their jobs",
  flags: [],
  async run(_argv, io) {
    io.err("tickd discover: not available in this build yet");
    return EXIT.failure;
  },
};
