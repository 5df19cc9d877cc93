/** The GraphQL schema: imports every type module, then builds (STYLE 8). */
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { builder } from "./builder.ts";
import "./types/enums.ts";
import "./types/job.ts";
import "./types/job-operations.ts";
import "./types/run.ts";
import "./types/scheduler.ts";
import "./types/controls.ts";
import "./types/history.ts";
import "./types/notification.ts";
import "./types/health.ts";

export const schema: GraphQLSchema = builder.toSchema();

/** The SDL committed as schema/schema.graphql (sorted, so it diffs cleanly). */
export function printSdl(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
