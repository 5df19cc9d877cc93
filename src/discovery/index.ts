/** Discovery: importing app scheduler modules and syncing their jobs into the store. */
export { discoverApps, formatProblem, DEFAULT_MODULE_NAME, type DiscoverAppsOptions, type DiscoverAppsResult, type DiscoveredJob, type DiscoveryProblem, type ProblemKind } from "./apps.ts";
export { discoverJobs, type DiscoverJobsOptions, type DiscoverJobsResult, type JobsStore } from "./discover.ts";
export { rowToSpec, rowPairs, registrationColumns } from "./rows.ts";
export { registrationPairs, validatePairs } from "./validate.ts";
export { openJobsDb, type OpenedDb } from "./db.ts";
