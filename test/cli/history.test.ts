import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import path from "node:path";
import type { RunRecord } from "../../src/engine/types.ts";
import { openStore } from "../../src/store/index.ts";
import { tempDir, tickd } from "../helpers/binary.ts";

/** 2026-03-02T09:00:00Z, a Monday. */
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const tmp = tempDir();
const url = `file:${path.join(tmp.dir, "history.db")}`;
const flags = ["--db", url, "--timezone", "Europe/Berlin"];

function finished(label: string, minutes: number, status: RunRecord["status"], durationMs: number | undefined, message = ""): RunRecord {
  const startedAt = T0 + minutes * 60_000;
  return {
    runId: `h:1:${label}:${startedAt}:1`,
    label,
    scheduledFor: startedAt,
    startedAt,
    ...(durationMs === undefined ? {} : { endedAt: startedAt + durationMs }),
    status,
    message,
    output: "",
    error: status === "error" ? "Error: boom\n    at job (jobs.ts:3)" : "",
    attempt: 1,
    trigger: "schedule",
    instance: "h:1",
  };
}

beforeAll(async () => {
  const store = await openStore(url, { instance: "h:1" });
  store.finished(finished("nightly backup", 0, "success", 1500, "3 files copied"));
  store.finished(finished("send reports", 1, "failure", 250, "SMTP refused"));
  store.finished(finished("nightly backup", 2, "error", 80));
  void store.begin(finished("send reports", 3, "running", undefined));
  await store.close();
});
afterAll(() => tmp.cleanup());

describe("tickd history", () => {
  test("prints the latest runs newest first as a table in the instance zone", async () => {
    const result = await tickd(["history", ...flags]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "STARTED (Europe/Berlin)  LABEL           STATUS   DURATION  MESSAGE",
        "2026-03-02 10:03:00      send reports    running  -",
        "2026-03-02 10:02:00      nightly backup  error    80ms      Error: boom",
        "2026-03-02 10:01:00      send reports    failure  250ms     SMTP refused",
        "2026-03-02 10:00:00      nightly backup  success  1.5s      3 files copied",
        "",
      ].join("\n"),
    );
  });

  test("a label, --status and --limit narrow the list", async () => {
    const result = await tickd(["history", "nightly backup", "--status", "success,error", "--limit", "1", ...flags]);
    expect(result.stdout).toBe(
      ["STARTED (Europe/Berlin)  LABEL           STATUS  DURATION  MESSAGE", "2026-03-02 10:02:00      nightly backup  error   80ms      Error: boom", ""].join("\n"),
    );
  });

  test("--json prints every field with ISO instants", async () => {
    const result = await tickd(["history", "send reports", "--json", ...flags]);
    expect(result.code).toBe(0);
    const runs = JSON.parse(result.stdout);
    expect(runs.map((r: { status: string }) => r.status)).toEqual(["running", "failure"]);
    // The names and values of the API's runs (src/cli/json.ts).
    expect(runs[1]).toEqual({
      runId: `h:1:send reports:${T0 + 60_000}:1`,
      label: "send reports",
      status: "failure",
      scheduledFor: "2026-03-02T09:01:00.000Z",
      startedAt: "2026-03-02T09:01:00.000Z",
      endedAt: "2026-03-02T09:01:00.250Z",
      duration: 250,
      durationMs: 250,
      lateness: 0,
      message: "SMTP refused",
      output: "",
      error: "",
      attempt: 1,
      trigger: "schedule",
      kwargs: null,
      instance: "h:1",
    });
  });

  test("a label without runs says so and exits 0", async () => {
    const result = await tickd(["history", "nobody", ...flags]);
    expect(result).toEqual({ code: 0, stdout: "", stderr: 'no runs of "nobody" recorded\n' });
  });

  test("no database yet: says there are no runs and creates nothing", async () => {
    const result = await tickd(["history", "--db", `file:${path.join(tmp.dir, "absent.db")}`]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`no runs recorded yet: there is no database at ${path.join(tmp.dir, "absent.db")} (tickd run creates it)\n`);
    expect(await Bun.file(path.join(tmp.dir, "absent.db")).exists()).toBe(false);
  });

  test("an unknown status is bad usage naming the valid ones", async () => {
    const result = await tickd(["history", "--status", "ok", ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toStartWith('tickd history: --status: "ok" is not a status; expected one of success, failure, error, timeout, skipped, abandoned, missed, running');
  });
});
