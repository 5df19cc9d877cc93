/**
 * A failed Drizzle query reaches the user as the database's own words, then
 * where: "no such table: nope (Failed query: SELECT …)", not the SQL alone.
 */
import { expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { errorLine } from "../../src/cli/index.ts";
import { open, tempDb } from "../store/fixtures.ts";

test("a failed query's line says what the database said, then which query", async () => {
  const db = tempDb();
  const store = await open(db.url);
  try {
    const failure = await store.db.run(sql`SELECT * FROM nope`).then(
      () => null,
      (error: unknown) => error,
    );
    expect(errorLine(failure)).toMatch(/^.*no such table: nope \(Failed query: SELECT \* FROM nope…\)$/);
  } finally {
    await store.close();
    db.cleanup();
  }
});
