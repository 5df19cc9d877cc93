/**
 * One reading of a `file:` URL for every command that needs the database's
 * file (the store's -shm guard, history, export-ini, export-service): the
 * file libSQL itself opens (issue 13).
 */
import { describe, expect, test } from "bun:test";
import { databaseFile } from "../../src/store/index.ts";

describe("databaseFile names the file libSQL opens", () => {
  test.each([
    ["file:config/scheduler.db", "config/scheduler.db"],
    ["file:/var/lib/tickd/scheduler.db", "/var/lib/tickd/scheduler.db"],
    ["file:///var/lib/tickd/scheduler.db", "/var/lib/tickd/scheduler.db"],
    ["file://localhost/var/lib/tickd/scheduler.db", "/var/lib/tickd/scheduler.db"],
    ["file:/srv/my%20app/scheduler.db", "/srv/my app/scheduler.db"],
    ["file:scheduler.db?mode=ro", "scheduler.db"],
    ["file:///srv/scheduler.db#x", "/srv/scheduler.db"],
    ["file:100%.db", "100%.db"],
  ])("%s is %s", (url, file) => {
    expect(databaseFile(url)).toBe(file);
  });

  test.each([":memory:", "file::memory:", "libsql://db.example.com", "http://127.0.0.1:8080", "https://db.example.com"])("%s has no file", (url) => {
    expect(databaseFile(url)).toBeNull();
  });
});
