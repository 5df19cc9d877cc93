/**
 * Which SQL the store speaks: "sqlite" for libSQL (an embedded file or a libSQL
 * server), "postgresql" for `--db postgres://…` (pg-client.ts). The few
 * statements that differ are chosen by it where they are written.
 */
export type Dialect = "sqlite" | "postgresql";
