import { EXIT, type Command } from "./command.ts";

// Placeholder until the command is built; reports itself as unavailable.
export const runCommand: Command = {
  name: "run",
  usage: "run",
  summary: "start the scheduler and the API (the service)",
  flags: [],
  async run(_argv, io) {
    io.err("tickd run: not available in this build yet");
    return EXIT.failure;
  },
};
