/**
 * /healthz when the store check fails: 503 with the reason a TickdError gives
 * (the store says what fails, e.g. writes), a generic one for anything else;
 * one log line, no stack, in either case.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { TickdError } from "../../src/errors.ts";
import { startTestApi, type Api } from "./harness.ts";

let api: Api;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

/** Make the store's round trip (deps.ping) throw `error` while `body` runs. */
async function withFailingStore(error: Error, body: () => Promise<void>): Promise<void> {
  const client = api.store.client as unknown as { execute: unknown };
  const original = client.execute;
  client.execute = () => Promise.reject(error);
  try {
    await body();
  } finally {
    client.execute = original;
  }
}

test("a store check failing with a TickdError answers 503 with its message as the reason, logged in one line", async () => {
  const before = api.logs.length;
  await withFailingStore(new TickdError("store", "store writes fail: SQLITE_FULL (disk full)"), async () => {
    const res = await fetch(`${api.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "error", reason: "store writes fail: SQLITE_FULL (disk full)" });
  });
  const lines = api.logs.slice(before).filter((l) => l.includes("healthz:"));
  expect(lines).toEqual(["ERROR healthz: 503 store writes fail: SQLITE_FULL (disk full)"]);
  expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
});

test("any other failure answers 503 'store unreachable' and keeps its details (not its stack) to the log", async () => {
  const before = api.logs.length;
  await withFailingStore(new Error("connect ECONNREFUSED /var/lib/secret.sock\n    at somewhere (file.ts:1:1)"), async () => {
    const res = await fetch(`${api.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "error", reason: "store unreachable" });
  });
  const lines = api.logs.slice(before).filter((l) => l.includes("healthz:"));
  expect(lines).toEqual([`ERROR healthz: 503 store unreachable {"error":"connect ECONNREFUSED /var/lib/secret.sock"}`]);
});
