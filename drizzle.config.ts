import { defineConfig } from "drizzle-kit";

// drizzle-kit reads the tables from schema/db.ts and writes SQL into
// migrations/; the build embeds that folder in the binary (src/store/migrations.ts).
export default defineConfig({
  dialect: "sqlite",
  schema: "./schema/db.ts",
  out: "./migrations",
  casing: "snake_case",
});
