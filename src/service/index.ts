/** A running instance: wiring, lifecycle, signals, logging. */
export { startService, startServiceApi, readJobs, defaultInstance, type Service, type ServiceSettings, type ServiceOptions } from "./service.ts";
export { createLogger, logRunEvent, type LogFormat, type ServiceLogger } from "./logger.ts";
export { processSignals, ManualSignals, type SignalSource, type ServiceSignal } from "./signals.ts";
export type { ApiHandle, ApiStarter } from "./api.ts";
