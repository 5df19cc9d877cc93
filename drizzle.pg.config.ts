/** drizzle-kit reads this (make migrations): schema/db.pg.ts -> migrations/pg/*.sql, for --db postgres://… */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./schema/db.pg.ts",
  out: "./migrations/pg",
  casing: "snake_case",
});
