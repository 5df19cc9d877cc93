import { EXIT, type Command } from "./command.ts";

// Placeholder until the command is built; reports itself as unavailable.
export const exportSupervisordCommand: Command = {
  name: "export-supervisord",
  usage: "export-supervisord SCRIPT_PATH [-w] [-n NAME]",
  summary: "write a supervisord program and its script",
  flags: [],
  async run(_argv, io) {
    io.err("tickd export-supervisord: not available in this build yet");
    return EXIT.failure;
  },
};
