/**
 * Issue 13, move 5: main() turns every command's error into one line and an
 * exit code (exitCodeFor). A --db that cannot be opened used to end some
 * commands (run-job, discover, export-ini) in a stack trace.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tempDir, tickd } from "../helpers/binary.ts";

let tmp: { dir: string; cleanup: () => void };
beforeAll(() => {
  tmp = tempDir();
  mkdirSync(path.join(tmp.dir, "config"));
  mkdirSync(path.join(tmp.dir, "app"));
  writeFileSync(path.join(tmp.dir, "config/scheduler.ini"), "[hello]\ncommand = echo hi\nevery = 1 minute\n");
});
afterAll(() => tmp?.cleanup());

/** Each command as it reaches the store, and the name it prints before its message. */
const COMMANDS: readonly (readonly [name: string, args: readonly string[]])[] = [
  ["run", ["run", "--no-api"]],
  ["run-job", ["run-job", "hello"]],
  ["history", ["history"]],
  ["discover", ["discover", "--apps", "app"]],
  ["migrate", ["migrate"]],
  ["export-ini", ["export-ini", "-p"]],
];

/** The whole of stderr: one line naming the command and the database, and what to check. */
function expectOneLine(stderr: string, name: string, url: string): void {
  expect(stderr).toStartWith(`tickd ${name}: cannot open the database ${url}: `);
  expect(stderr).toEndWith("; check --db (file:PATH, libsql://HOST or http(s)://HOST)\n");
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(stderr).not.toContain("    at ");
}

describe("a --db URL that is not a URL ends every command that opens the store in one line and exit 1", () => {
  const url = "not a url";
  for (const [name, args] of COMMANDS) {
    test(name, async () => {
      const r = await tickd([...args, "--db", url], { cwd: tmp.dir });
      expect(r.code).toBe(1);
      expectOneLine(r.stderr, name, url);
    });
  }
});

describe("a --db URL with a scheme libSQL does not take ends in one line and exit 1", () => {
  const url = "ftp://example.com/tickd.db";
  for (const [name, args] of COMMANDS) {
    test(name, async () => {
      const r = await tickd([...args, "--db", url], { cwd: tmp.dir });
      expect(r.code).toBe(1);
      expectOneLine(r.stderr, name, url);
    });
  }
});

// Issue 14, item 12: the store said `ConnectionFailed("… 14")`, history said
// "no runs recorded yet" and export-ini dropped the discovered jobs without a word.
describe("a --db file in a folder that does not exist: every command says so in one line, exit 1", () => {
  const url = "file:/nonexistent-tickd-folder/sub/tickd.db";
  for (const [name, args] of COMMANDS) {
    test(name, async () => {
      const r = await tickd([...args, "--db", url], { cwd: tmp.dir });
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
        code: 1,
        stdout: "",
        stderr: `tickd ${name}: cannot open the database ${url}: folder /nonexistent-tickd-folder/sub does not exist; create it, or point --db at a file in an existing folder\n`,
      });
    });
  }

  test("a relative --db names its folder as given", async () => {
    const r = await tickd(["migrate", "--db", "file:nothere/tickd.db"], { cwd: tmp.dir });
    expect(r.stderr).toBe("tickd migrate: cannot open the database file:nothere/tickd.db: folder nothere does not exist; create it, or point --db at a file in an existing folder\n");
  });
});

describe("a database file not created yet, in a folder that exists", () => {
  // These two only read: a database not created yet holds no runs and no discovered jobs, and is not created.
  test("history says no runs are recorded yet, exit 0", async () => {
    const r = await tickd(["history", "--db", "file:config/none.db"], { cwd: tmp.dir });
    expect(r).toEqual({ code: 0, stdout: "", stderr: "no runs recorded yet: there is no database at config/none.db (tickd run creates it)\n" });
  });

  test("export-ini exports the job file alone, exit 0", async () => {
    const r = await tickd(["export-ini", "-p", "--db", "file:config/none.db"], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("[hello]\ncommand = echo hi\n");
    expect(r.stderr).toBe("");
    expect(existsSync(path.join(tmp.dir, "config/none.db"))).toBe(false);
  });
});

test("bad flags still end in the command's line and its help, exit 2", async () => {
  const r = await tickd(["history", "--db"], { cwd: tmp.dir });
  expect(r.code).toBe(2);
  expect(r.stderr).toStartWith("tickd history: --db needs a value (URL)\n\nUsage: tickd history");
});
