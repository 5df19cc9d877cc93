/** drizzle-kit reads this (make migrations): schema/db.ts -> migrations/*.sql. */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./schema/db.ts",
  out: "./migrations",
  casing: "snake_case",
});
