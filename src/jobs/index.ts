/** The catalog of jobs and the operator's decisions: used by the service, the CLI and the API alike. */
export { readCatalog, isOn, fileProblem, fileSpecs, discoveredSpecs, leftOutBecause, activeWords, pauseWords, formatProblem, STORED_PROBLEM, type ActiveBy, type CatalogEntry, type Pause, type CatalogView, type Problem } from "./catalog.ts";
export { JobCatalog, discoveryProblem, type JobCatalogOptions, type ScheduleEdit, type PauseRequest, type DiscoverOutcome, type ExportedIni } from "./operator.ts";
export { exportView } from "./export.ts";
export { openCatalogStore } from "./store.ts";
