/**
 * The deprecated `...Ms` fields are GraphQL Ints, which stop at 2^31-1
 * (24.8 days of milliseconds). A longer value is not clamped (a wrong number
 * read as right) nor an INTERNAL error: the field is null with an
 * OUT_OF_RANGE error that names the Duration field to read instead.
 */
import { formatDuration } from "../config/durations.ts";
import { apiError } from "./errors.ts";

export const GRAPHQL_INT_MAX = 2 ** 31 - 1;

/** `ms` as an Int field `name` returns it; throws OUT_OF_RANGE past GraphQL's Int, naming `replacement`. */
export function intMs(name: string, replacement: string, ms: number | null | undefined): number | null {
  if (ms == null) return null;
  if (Math.abs(ms) <= GRAPHQL_INT_MAX) return ms;
  throw apiError(
    "OUT_OF_RANGE",
    `${name}: ${formatDuration(Math.abs(ms))} is more milliseconds than a GraphQL Int holds (2^31-1, about 24.8 days); read ${replacement} (a Duration) instead`,
  );
}
