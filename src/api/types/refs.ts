/**
 * References of the types that point at each other (Job <-> Run),
 * declared before either is implemented so TypeScript can infer both.
 */
import type { RunRecord } from "../../engine/types.ts";
import { builder } from "../builder.ts";
import type { JobModel } from "../models.ts";

export const JobRef = builder.objectRef<JobModel>("Job");
/** One run of a job: the one word for it across the schema (the type was called Activity before). */
export const RunRef = builder.objectRef<RunRecord>("Run");
