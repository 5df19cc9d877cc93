/** Export: job file text, supervisord and systemd units, atomic writes. */
export { exportIni, formatIni, formatKwarg, jobPairs, checkKey, IniFormatError, type ExportInput, type ExportResult, type IniSection, type Pair } from "./ini.ts";
export { exportSupervisord, type SupervisordFiles, type SupervisordOptions } from "./supervisord.ts";
export { exportSystemd, systemdWord, systemdEscape, systemdQuote, type SystemdFiles } from "./systemd.ts";
export { runCommandLine, tickdExecutable, shellQuote, DEFAULT_STOP_WAIT_SECONDS, SERVICE_NAME, type ServiceSpec, type RunFlags } from "./service.ts";
export { writeFileAtomic, assertWritable, type WriteOptions } from "./atomic.ts";
