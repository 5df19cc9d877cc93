/** The schedule calculator: pure time math, spec + instant -> next instants. */
export type { CompileSchedule, Schedule } from "./types.ts";
export { compileSchedule, nextRuns } from "./compile.ts";
export { describeAt, describeRule } from "./describe.ts";
export { cronProblem, zoneProblem } from "./validate.ts";
