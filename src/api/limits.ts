/** Limits that keep one client from tying up the server. */
export const LIMITS = {
  /** Largest request body (POST) or query string (GET) accepted, bytes; larger is 413. */
  maxBodyBytes: 64 * 1024,
  /** Deepest selection allowed (jobs -> edges -> node -> activities -> edges -> node -> job ... ). */
  depth: 12,
  /** Cost budget: each field 1, lists multiply by `first` (or 10). */
  complexity: 50_000,
  /** Most fields in one selection set. */
  breadth: 100,
  /** Largest page a connection serves. */
  maxPage: 1000,
  /** Default page size when `first` is omitted. */
  defaultPage: 50,
  /** Most next run times one `nextRuns(count)` returns. */
  maxNextRuns: 100,
} as const;
