/** Resolving dotted callback paths to functions, and their doc comments. */
export { resolveCallback, importFailure, locateModule, candidateFiles, MODULE_EXTENSIONS, type ResolveOptions } from "./resolve.ts";
export { readDocComment, docCommentIn } from "./doc-comment.ts";
export { resolveJobCallbacks, withDocDescription, type ResolvedJobs, type ResolveJobsOptions } from "./jobs.ts";
export { resolveInWorker, type IsolatedResolveOptions } from "./isolate.ts";
