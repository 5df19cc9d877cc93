import { EXIT, type Command } from "./command.ts";

// Placeholder until the command is built; reports itself as unavailable.
export const exportSystemdCommand: Command = {
  name: "export-systemd",
  usage: "export-systemd [-n NAME]",
  summary: "write a systemd unit",
  flags: [],
  async run(_argv, io) {
    io.err("tickd export-systemd: not available in this build yet");
    return EXIT.failure;
  },
};
