/** Enums shared by several types. GraphQL names are upper case; values are tickd's own strings. */
import { STATUSES, type Status } from "../../sdk/index.ts";
import { TRIGGERS, type JobChange, type Trigger } from "../../engine/types.ts";
import { builder } from "../builder.ts";

function upperValues<T extends string>(values: readonly T[]): Record<string, { value: T }> {
  return Object.fromEntries(values.map((v) => [v.toUpperCase(), { value: v }]));
}

export const StatusEnum = builder.enumType("Status", {
  description: "How a run ended (RUNNING while it goes on).",
  values: upperValues<Status>(STATUSES) as { [K in Uppercase<Status>]: { value: Status } },
});

export const TriggerEnum = builder.enumType("Trigger", {
  description: "Why a run happened.",
  values: upperValues<Trigger>(TRIGGERS) as { [K in Uppercase<Trigger>]: { value: Trigger } },
});

export const JobSourceEnum = builder.enumType("JobSource", {
  description: "Where a job is defined: the job file, or an app's scheduler module (discovery).",
  values: { INI: { value: "ini" as const }, DISCOVERED: { value: "discovered" as const } },
});

export const JobKindEnum = builder.enumType("JobKind", {
  description: "What a job runs: a callback (dotted path), a shell command, or an HTTP request.",
  values: { CALL: { value: "call" as const }, COMMAND: { value: "command" as const }, URL: { value: "url" as const } },
});

const CHANGES: readonly JobChange[] = ["added", "removed", "updated", "activated", "deactivated"];
export const JobChangeEnum = builder.enumType("JobChange", {
  values: upperValues<JobChange>(CHANGES) as { [K in Uppercase<JobChange>]: { value: JobChange } },
});

export const ScheduleKindEnum = builder.enumType("ScheduleKind", {
  description:
    "MANUAL: no schedule (every = manual); the job runs only by hand (runJobNow, run-job, the dashboard). A discovered job registered without a schedule is one until an operator gives it a schedule (updateJobSchedule).",
  values: { EVERY: { value: "every" as const }, CRON: { value: "cron" as const }, MANUAL: { value: "manual" as const } },
});

export const ActiveByEnum = builder.enumType("ActiveBy", {
  description: "Who decided whether a job is on: its job file, its registration (discovered jobs), or an operator (activateJob/deactivateJob).",
  values: { FILE: { value: "file" as const }, REGISTRATION: { value: "registration" as const }, OPERATOR: { value: "operator" as const } },
});
