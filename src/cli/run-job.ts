import { EXIT, type Command } from "./command.ts";

// Placeholder until the command is built; reports itself as unavailable.
export const runJobCommand: Command = {
  name: "run-job",
  usage: "run-job LABEL",
  summary: "run one job once, now, and record it",
  flags: [],
  async run(_argv, io) {
    io.err("tickd run-job: not available in this build yet");
    return EXIT.failure;
  },
};
