/**
 * References of the types that point at each other (Job <-> Activity),
 * declared before either is implemented so TypeScript can infer both.
 */
import type { RunRecord } from "../../engine/types.ts";
import { builder } from "../builder.ts";
import type { JobModel } from "../models.ts";

export const JobRef = builder.objectRef<JobModel>("Job");
export const ActivityRef = builder.objectRef<RunRecord>("Activity");
