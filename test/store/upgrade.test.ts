/**
 * A store written before claims were keyed by (instant, label): the upgrade
 * keeps every claim and every run, and the claims still decide who runs an
 * occurrence. Runs on PostgreSQL too (test/postgres/store.test.ts).
 */
import { afterEach, describe, expect, test } from "bun:test";
import { createClient } from "@libsql/client";
import { getActivity } from "../../src/store/index.ts";
import { applyMigrations, applyPgMigrations } from "../../src/store/migrate.ts";
import { MIGRATIONS, PG_MIGRATIONS } from "../../src/store/migrations.generated.ts";
import { createPgClient, type PgClient } from "../../src/store/pg-client.ts";
import { MINUTE, T0, open, tempDb } from "./fixtures.ts";

let cleanup = () => {};
afterEach(() => cleanup());

/** The run id an earlier version gave a run: instance, label, occurrence, attempt. */
const OLD_RUN_ID = `web-1:backup:${T0}:1`;

/** Migrate `url` up to (not including) the claims-by-time migration, and write what that version wrote. */
async function storeBeforeUpgrade(url: string): Promise<string> {
  const pg = url.startsWith("postgres");
  const migrations = pg ? PG_MIGRATIONS : MIGRATIONS;
  const upgrade = migrations.findIndex((m) => m.tag.endsWith("_claims_by_time"));
  expect(upgrade).toBeGreaterThan(0);
  const client = pg ? createPgClient(url) : createClient({ url });
  await (pg ? applyPgMigrations : applyMigrations)(client, migrations.slice(0, upgrade));
  await client.batch(
    [
      { sql: "INSERT INTO claims (label, scheduled_for, instance, claimed_at) VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)", args: ["backup", T0, "web-1", T0, "backup", T0 + MINUTE, "web-1", T0, "report", T0, "web-1", T0] },
      {
        sql: "INSERT INTO activity (run_id, label, scheduled_for, started_at, ended_at, status, instance) VALUES (?, ?, ?, ?, ?, ?, ?)",
        args: [OLD_RUN_ID, "backup", T0, T0, T0 + 5, "success", "web-1"],
      },
    ],
    "write",
  );
  if (pg) await (client as PgClient).end();
  else client.close();
  return migrations[upgrade]!.tag;
}

describe("upgrading a store to claims keyed by (instant, label)", () => {
  test("keeps every claim and run; the claims still say who may run each occurrence", async () => {
    const db = tempDb();
    cleanup = db.cleanup;
    const tag = await storeBeforeUpgrade(db.url);

    // The same instance name restarts on the new version: the occurrence that ran is not its again, the one claimed ahead is.
    const same = await open(db.url, "web-1");
    expect(same.migrations.applied).toEqual([tag]);
    const claims = await same.client.execute("SELECT label, scheduled_for, instance FROM claims ORDER BY label, scheduled_for");
    expect(claims.rows.map((r) => [r.label, Number(r.scheduled_for), r.instance])).toEqual([
      ["backup", T0, "web-1"],
      ["backup", T0 + MINUTE, "web-1"],
      ["report", T0, "web-1"],
    ]);
    expect((await getActivity(same, OLD_RUN_ID))?.status).toBe("success");
    expect(await same.claim("backup", T0)).toBe(false);
    expect(await same.claim("backup", T0 + MINUTE)).toBe(true);

    // Another instance gets none of what web-1 holds, and the next occurrence only once.
    const other = await open(db.url, "web-2");
    expect(other.migrations.applied).toEqual([]);
    expect(await other.claim("backup", T0 + MINUTE)).toBe(false);
    expect(await other.claim("report", T0)).toBe(false);
    const next = await Promise.all([other.claim("backup", T0 + 2 * MINUTE), same.claim("backup", T0 + 2 * MINUTE)]);
    expect(next.filter(Boolean)).toHaveLength(1);
    await other.close();
    await same.close();
  });
});
