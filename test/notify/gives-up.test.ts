/**
 * Issue 15: an alert whose channel keeps failing ends `failed` after its
 * last attempt, is reported, and is not tried forever. Its seven attempts
 * span 43 minutes of backoff, so the sender runs in-process on a fake clock
 * (the only fake part): the store is a real libSQL file, the channel a real
 * HTTP server on loopback answering 500. The compiled binary then reads
 * what the user reads — `tickd history --alerts`, the API of a `tickd run`
 * on the same store — and that instance's sender leaves the alert alone.
 */
import { afterAll, expect, test } from "bun:test";
import path from "node:path";
import { Notifier, Sender, MAX_ATTEMPTS, RETRY_DELAYS_MS } from "../../src/notify/index.ts";
import { openStore } from "../../src/store/index.ts";
import { listNotifications } from "../../src/store/notifications.ts";
import type { RunRecord } from "../../src/engine/types.ts";
import { tickd } from "../helpers/binary.ts";
import { FakeClock } from "../helpers/fake-clock.ts";
import { receiver, until } from "../helpers/receiver.ts";
import { startService, writeProject, type Project } from "../helpers/service.ts";

const projects: Project[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

test("a channel that keeps failing: seven attempts with backoff, then failed, reported by history --alerts and the API, and never tried again", async () => {
  const broken = receiver({ status: 500 });
  const working = receiver();
  const project = writeProject(`[probe]\ncommand = exit 1\nevery = 1 second\nnotify = ${working.url}/probe\n`);
  projects.push(project);
  const dbUrl = `file:${path.join(project.dir, "config", "scheduler.db")}`;
  const channel = `${broken.url}/hook?token=SECRET-TOKEN`;
  // Three hours ago, so the binary, on the real clock, finds nothing of this due in its future.
  const clock = new FakeClock({ start: Date.now() - 3 * 3_600_000 });
  const store = await openStore(dbUrl, { instance: "alerts-test", clock });
  const logged: Array<{ event: string; fields: Record<string, unknown> }> = [];
  const sender = new Sender({ store, clock, log: (_level, event, fields) => logged.push({ event, fields }) });
  try {
    const notifier = new Notifier({ store, clock, defaultChannels: [channel] });
    await notifier.seed(new Map());
    const at = clock.now();
    const run: RunRecord = {
      runId: `alerts-test:nightly:${at}:1`,
      label: "nightly",
      scheduledFor: at,
      startedAt: at,
      endedAt: at + 1200,
      status: "failure",
      message: "disk full",
      output: "",
      error: "",
      attempt: 1,
      trigger: "schedule",
      instance: "alerts-test",
    };
    // As the engine tells it: the run and its alert go into the store together.
    store.finished(run);
    notifier.listener({ type: "run.finished", run });
    await store.flush();
    sender.start();

    const alert = async () => (await listNotifications(store, { first: 10 }))[0]!;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await until(`attempt ${attempt} recorded`, async () => broken.got.length === attempt && (await alert()).attempts === attempt, 10_000);
      const row = await alert();
      if (attempt < MAX_ATTEMPTS) {
        expect(row).toMatchObject({ state: "pending", attempts: attempt, nextAttemptAt: expect.any(Number) });
        // The sender has armed its timer for the next attempt (it reads when from the store).
        await until("the next attempt armed", () => clock.pending > 0, 5_000);
        // Not a moment earlier than its backoff says.
        await clock.advance(RETRY_DELAYS_MS[attempt - 1]! - 1);
        expect(broken.got.length).toBe(attempt);
        await clock.advance(1);
      }
    }
    expect(await alert()).toMatchObject({ label: "nightly", event: "failure", state: "failed", attempts: MAX_ATTEMPTS, nextAttemptAt: null, channel: `${broken.url}/***?***` });
    expect((await alert()).lastError).toContain("500");
    // Hours later nothing more has been tried.
    await clock.advance(6 * 3_600_000);
    await clock.settle();
    expect(broken.got.length).toBe(MAX_ATTEMPTS);
    expect(sender.counts).toEqual({ delivered: 0, retry: MAX_ATTEMPTS - 1, failed: 1 });
    const gaveUp = logged.filter((l) => l.event === "notify.failed");
    expect(gaveUp).toHaveLength(1);
    expect(gaveUp[0]!.fields).toMatchObject({ channel: `${broken.url}/***?***`, attempts: MAX_ATTEMPTS });
  } finally {
    await sender.stop();
    await store.close();
  }

  // What the user sees, from the binary.
  const history = await tickd(["history", "--alerts", "--config", project.configPath]);
  expect(history.code).toBe(0);
  expect(history.stdout.trim().split("\n").slice(1).map((l) => l.split(/\s{2,}/).slice(1, 6))).toEqual([["nightly", "failure", "failed", String(MAX_ATTEMPTS), `${broken.url}/***?***`]]);
  const json = JSON.parse((await tickd(["history", "--alerts", "nightly", "--json", "--config", project.configPath])).stdout) as Array<Record<string, unknown>>;
  expect(json).toMatchObject([{ event: "failure", state: "failed", attempts: MAX_ATTEMPTS, nextAttemptAt: null }]);
  // The API's Notification, field for field: the outbox's row id is not one of them.
  expect(Object.keys(json[0]!).sort()).toEqual(["attempts", "channel", "createdAt", "endedAt", "event", "label", "lastError", "nextAttemptAt", "runId", "state"]);
  expect(String(json[0]!.lastError)).toContain("500");
  expect(history.stdout + JSON.stringify(json)).not.toContain("SECRET-TOKEN");

  // A running instance on the store reports it and does not try it again: its sender's round
  // delivers the new alert of `probe` and leaves the failed one be.
  const service = await startService(project.dir);
  try {
    await until("probe's alert", () => working.got.length >= 1, 10_000);
    const api = await service.gql(`{ notifications(label: "nightly", first: 10) { event state attempts } notificationChannels { channel failing gaveUp pending } }`);
    expect(api.errors).toBeUndefined();
    expect(api.data!.notifications).toEqual([{ event: "failure", state: "failed", attempts: MAX_ATTEMPTS }]);
    expect(api.data!.notificationChannels).toContainEqual({ channel: `${broken.url}/***?***`, failing: true, gaveUp: 1, pending: 0 });
    expect(broken.got.length).toBe(MAX_ATTEMPTS);
  } finally {
    await service.stop();
    broken.stop();
    working.stop();
  }
}, 60_000);
