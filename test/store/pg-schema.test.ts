/**
 * schema/db.ts (SQLite) and schema/db.pg.ts (PostgreSQL) describe the same
 * tables: a column, key or index added to one and not the other fails here,
 * before a PostgreSQL store would miss it.
 */
import { describe, expect, test } from "bun:test";
import { getTableConfig as pgConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import * as pg from "../../schema/db.pg.ts";
import * as lite from "../../schema/db.ts";

type Shape = {
  columns: { name: string; notNull: boolean; hasDefault: boolean }[];
  primaryKey: string[];
  indexes: { name: string; unique: boolean; on: string[] }[];
};

function shape(config: ReturnType<typeof pgConfig> | ReturnType<typeof sqliteConfig>): Shape {
  const pk = config.columns.filter((c) => c.primary).map((c) => c.name);
  for (const k of config.primaryKeys) pk.push(...k.columns.map((c) => c.name));
  return {
    columns: config.columns
      .map((c) => ({ name: c.name, notNull: c.notNull, hasDefault: c.hasDefault || ("generatedIdentity" in c && c.generatedIdentity !== undefined) || (c as { autoIncrement?: boolean }).autoIncrement === true }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    primaryKey: pk.sort(),
    indexes: config.indexes
      .map((i) => ({ name: i.config.name!, unique: i.config.unique, on: i.config.columns.map((c) => (c as { name: string }).name) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

const sqliteTables = Object.fromEntries(Object.values(lite).filter((t) => t instanceof SQLiteTable).map((t) => [sqliteConfig(t as SQLiteTable).name, shape(sqliteConfig(t as SQLiteTable))]));
const pgTables = Object.fromEntries(Object.values(pg).filter((t) => t instanceof PgTable).map((t) => [pgConfig(t as PgTable).name, shape(pgConfig(t as PgTable))]));

describe("the PostgreSQL schema is the SQLite schema", () => {
  test("the same tables", () => {
    expect(Object.keys(pgTables).sort()).toEqual(Object.keys(sqliteTables).sort());
  });

  test.each(Object.keys(sqliteTables))("%s: the same columns, nullability, defaults, keys and indexes", (name) => {
    expect(pgTables[name]).toEqual(sqliteTables[name]!);
  });
});
