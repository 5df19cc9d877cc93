import { EXIT, type Command } from "./command.ts";

// Placeholder until the command is built; reports itself as unavailable.
export const migrateCommand: Command = {
  name: "migrate",
  usage: "migrate",
  summary: "apply database migrations and exit",
  flags: [],
  async run(_argv, io) {
    io.err("tickd migrate: not available in this build yet");
    return EXIT.failure;
  },
};
