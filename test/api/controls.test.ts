/**
 * Roles of the operator controls (issue 16), against the compiled binary
 * with tokens: an operator may pause, resume and run, not backfill or pass
 * kwargs; an admin may; kwargs are data, recorded with the run.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { codes, startBinaryApi, TOKENS, type ApiClient } from "./harness.ts";

let api: ApiClient;
beforeAll(async () => {
  api = await startBinaryApi({ tokens: true });
});
afterAll(async () => {
  await api?.close();
});

test("an operator pauses with a note and resumes; the pause records the role", async () => {
  const paused = await api.gql(`mutation { pauseJob(label: "ticker", note: "incident 42") { active pause { note by } } }`, undefined, TOKENS.operator);
  expect(paused.body.data!.pauseJob).toEqual({ active: false, pause: { note: "incident 42", by: "operator" } });
  const resumed = await api.gql(`mutation { resumeJob(label: "ticker") { active pause { note } } }`, undefined, TOKENS.operator);
  expect(resumed.body.data!.resumeJob).toEqual({ active: true, pause: null });
});

test("an operator cannot backfill or run with kwargs; an admin can, and the kwargs are recorded", async () => {
  const backfill = await api.gql(`mutation { backfillJob(label: "ticker", from: "2025-01-01T00:00:00Z", to: "2025-01-01T00:10:00Z", dryRun: true) { count } }`, undefined, TOKENS.operator);
  expect(codes(backfill.body)).toEqual(["FORBIDDEN"]);
  const kwargs = await api.gql(`mutation { runJobNow(label: "nightly report", kwargs: {recipients: "ops@example.com"}) { status } }`, undefined, TOKENS.operator);
  expect(codes(kwargs.body)).toEqual(["FORBIDDEN"]);
  expect(kwargs.body.errors![0]!.message).toContain("needs the admin role");

  const ran = await api.gql(`mutation { runJobNow(label: "nightly report", kwargs: {recipients: "ops@example.com"}) { status message kwargs } }`, undefined, TOKENS.admin);
  expect(ran.body.data!.runJobNow).toEqual({ status: "SUCCESS", message: "sent to ops@example.com", kwargs: { recipients: "ops@example.com" } });
  const code = await api.gql(`mutation { runJobNow(label: "nightly report", kwargs: {recipients: {nested: 1}}) { status } }`, undefined, TOKENS.admin);
  expect(codes(code.body)).toEqual(["BAD_USER_INPUT"]);
});
