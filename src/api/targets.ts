/**
 * How a field or mutation names what it acts on: a job by its label or its
 * global id, a run by its runId or its global id — exactly one of the two,
 * else BAD_USER_INPUT naming the argument (extensions.field).
 */
import { decodeGlobalID } from "@pothos/plugin-relay";
import { apiError } from "./errors.ts";

/**
 * The label a field or mutation targets: its `label` or its global `id`
 * (a Job's), exactly one of the two; BAD_USER_INPUT naming the argument otherwise.
 */
export function labelOf(args: { label?: string | null; id?: string | number | null }, field: string): string {
  if ((args.label == null) === (args.id == null)) throw apiError("BAD_USER_INPUT", `${field}: pass exactly one of label or id`, args.label == null ? "label" : "id");
  return args.label ?? globalIdOf(String(args.id), "Job", "id");
}

/** The argument that names the job: for a not-found error and the like. */
export const targetArg = (args: { label?: string | null }) => (args.label != null ? "label" : "id");

/** The two ways every job mutation names its job: exactly one of them. */
export const LABEL_ARG_DOC = "The job's label (or give id).";
export const ID_ARG_DOC = "The job's global id, Job.id (or give label).";

/**
 * The runId a field or mutation targets: its `runId` or its global `id`
 * (decoded; a Run's, not another type's), exactly one of the two.
 */
export function runIdOf(args: { runId?: string | null; id?: string | number | null }, field: string): string {
  if ((args.runId == null) === (args.id == null)) throw apiError("BAD_USER_INPUT", `${field}: pass exactly one of runId or id`, args.runId == null ? "runId" : "id");
  if (args.runId != null) return args.runId;
  return globalIdOf(String(args.id), "Run", "id");
}

/** The local id inside a global id of `typename`; BAD_USER_INPUT naming `arg` when it is not one. */
export function globalIdOf(id: string, typename: string, arg: string): string {
  let decoded: { typename: string; id: string } | null;
  try {
    decoded = decodeGlobalID(id);
  } catch {
    decoded = null;
  }
  // The type was called Activity before: its ids still name runs.
  const accepted = typename === "Run" ? ["Run", "Activity"] : [typename];
  if (!decoded || !accepted.includes(decoded.typename)) throw apiError("BAD_USER_INPUT", `${arg}: ${JSON.stringify(id)} is not the global id of a ${typename}; pass the id field of a ${typename}`, arg);
  return decoded.id;
}

