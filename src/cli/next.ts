import { EXIT, type Command } from "./command.ts";

// Placeholder until the command is built; reports itself as unavailable.
export const nextCommand: Command = {
  name: "next",
  usage: "next [--from ISO] [--count N] [--json]",
  summary: "print the next run times of every job",
  flags: [],
  async run(_argv, io) {
    io.err("tickd next: not available in this build yet");
    return EXIT.failure;
  },
};
