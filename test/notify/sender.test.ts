/**
 * The sender (notify/sender.ts) delivers each alert once, however many are
 * pending (it records their outcomes a chunk at a time while deliveries go
 * on), and keeps out of the moments before a due instant:
 * nothing is delivered from QUIET_BEFORE_MS before the engine's next instant
 * until QUIET_AFTER_MS after it, and instants that never leave a gap hold
 * delivery back at most MAX_QUIET_WAIT_MS. A real store file and a real HTTP
 * receiver on loopback; the clock is fake, and says it can be watched
 * (`block`), as the system clock does: only there does the sender keep quiet.
 */
import { afterEach, expect, test } from "bun:test";
import path from "node:path";
import { MAX_QUIET_WAIT_MS, Notifier, QUIET_AFTER_MS, QUIET_BEFORE_MS, Sender } from "../../src/notify/index.ts";
import { openStore, type Store } from "../../src/store/index.ts";
import type { RunRecord } from "../../src/engine/types.ts";
import { tempDir } from "../helpers/binary.ts";
import { FakeClock } from "../helpers/fake-clock.ts";
import { receiver, until, type Receiver } from "../helpers/receiver.ts";

/** A fake clock with the real one's capability: its instant can be watched. */
class WatchableClock extends FakeClock {
  block(_ms: number): void {}
}

const T0 = Date.parse("2026-03-02T03:00:00.000Z");
let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

/** A store with `count` pending alerts (of as many jobs) for `hook`, and a sender on it that sees the engine's next instant as `nextDueAt()`. */
async function pendingAlert(hook: Receiver, clock: FakeClock, nextDueAt: () => number | null, count = 1): Promise<{ store: Store; sender: Sender }> {
  const dir = tempDir("tickd-quiet-");
  const store = await openStore(`file:${path.join(dir.dir, "scheduler.db")}`, { instance: "quiet-test", clock });
  const sender = new Sender({ store, clock, nextDueAt, log: () => {} });
  cleanup.push(dir.cleanup, () => store.close(), () => sender.stop());
  const notifier = new Notifier({ store, clock, defaultChannels: [`${hook.url}/hook`] });
  await notifier.seed(new Map());
  for (let i = 0; i < count; i++) {
    const label = i === 0 ? "nightly" : `nightly ${i}`;
    const run: RunRecord = { runId: `quiet-test:${label}:${T0}:1`, label, scheduledFor: T0, startedAt: T0, endedAt: T0 + 5, status: "failure", message: "disk full", output: "", error: "", attempt: 1, trigger: "schedule", instance: "quiet-test" };
    store.finished(run);
    notifier.listener({ type: "run.finished", run });
  }
  await store.flush();
  return { store, sender };
}

test(`an alert due ${QUIET_BEFORE_MS - 30} ms before an instant waits until ${QUIET_AFTER_MS} ms after it, then goes out`, async () => {
  const hook = receiver();
  cleanup.push(() => hook.stop());
  const clock = new WatchableClock({ start: T0 + 10 });
  const instant = T0 + 40;
  const { sender } = await pendingAlert(hook, clock, () => (clock.now() < instant ? instant : null));
  sender.start();
  // Real time passes, the fake instant does not come: nothing is sent (an absence, so a bounded wait).
  await Bun.sleep(300);
  expect(hook.got).toEqual([]);
  await clock.advanceTo(instant + QUIET_AFTER_MS - 1);
  await Bun.sleep(100);
  expect(hook.got).toEqual([]);
  await clock.advance(1);
  await until("the alert", () => hook.got.length === 1, 5_000);
  expect(hook.got[0]!.body).toMatchObject({ event: "failure", label: "nightly" });
});

test("far from an instant an alert goes out at once", async () => {
  const hook = receiver();
  cleanup.push(() => hook.stop());
  const clock = new WatchableClock({ start: T0 + 10 });
  const { sender } = await pendingAlert(hook, clock, () => T0 + 10 + QUIET_BEFORE_MS + 500);
  sender.start();
  await until("the alert", () => hook.got.length === 1, 5_000);
});

test(`instants closer together than the window hold an alert back ${MAX_QUIET_WAIT_MS} ms at most`, async () => {
  const hook = receiver();
  cleanup.push(() => hook.stop());
  const clock = new WatchableClock({ start: T0 + 10 });
  // Always an instant 10 ms ahead: never a gap.
  const { sender } = await pendingAlert(hook, clock, () => clock.now() + 10);
  sender.start();
  await Bun.sleep(200);
  expect(hook.got).toEqual([]);
  for (let waited = 0; waited < MAX_QUIET_WAIT_MS + 20 && hook.got.length === 0; waited += 15) await clock.advance(15);
  await until("the alert", () => hook.got.length === 1, 5_000);
  expect(clock.now() - (T0 + 10)).toBeGreaterThanOrEqual(MAX_QUIET_WAIT_MS);
  expect(clock.now() - (T0 + 10)).toBeLessThan(MAX_QUIET_WAIT_MS + 60);
});

test("450 alerts pending at once are each delivered once, and recorded delivered", async () => {
  const hook = receiver();
  cleanup.push(() => hook.stop());
  const clock = new FakeClock({ start: T0 + 10 });
  const { store, sender } = await pendingAlert(hook, clock, () => null, 450);
  sender.start();
  await until("450 deliveries", () => hook.got.length >= 450, 15_000);
  await until("every one recorded", async () => (await store.client.execute("SELECT COUNT(*) AS n FROM notifications WHERE state = 'delivered'")).rows[0]!.n === 450, 5_000);
  await sender.stop();
  expect(hook.got.length).toBe(450);
  expect(new Set(hook.got.map((r) => r.body!.label)).size).toBe(450);
  expect(sender.counts).toEqual({ delivered: 450, retry: 0, failed: 0 });
}, 20_000);
