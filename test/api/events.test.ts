/** The API's event log (src/api/events.ts): ids, replay after an id, and what it cannot replay. */
import { expect, test } from "bun:test";
import { EventLog } from "../../src/api/events.ts";
import type { RunRecord } from "../../src/engine/types.ts";

const run = (n: number, output = ""): RunRecord => ({
  runId: `r${n}`,
  label: "a",
  scheduledFor: n,
  startedAt: n,
  endedAt: n + 1,
  status: "success",
  message: "",
  output,
  error: "",
  attempt: 1,
  trigger: "schedule",
  instance: "test:1",
});

async function take<T>(it: AsyncIterator<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push((await it.next()).value as T);
  return out;
}

test("a stream resumed after an id replays the topic's later events, then goes on live", async () => {
  const log = new EventLog();
  log.publish("activity", run(1));
  log.publish("runStarted", run(2));
  log.publish("activity", run(3));
  const it = log.stream("activity", `${log.boot}-1`);
  log.publish("activity", run(4));
  const events = await take(it, 2);
  expect(events.map((e) => e.value.runId)).toEqual(["r3", "r4"]);
  expect(events.map((e) => e.id)).toEqual([`${log.boot}-3`, `${log.boot}-4`]);
  await it.return!();
});

test("an id of another process, a made-up one, or one older than the log keeps is not replayed from", async () => {
  const log = new EventLog(3);
  for (let i = 1; i <= 5; i++) log.publish("activity", run(i));
  for (const id of ["other1-2", "nonsense", `${log.boot}-99`, `${log.boot}-1`]) {
    const it = log.stream("activity", id);
    log.publish("activity", run(100));
    expect((await it.next()).value!.value.runId).toBe("r100");
    await it.return!();
  }
  // Still within the log: the two after it.
  const it = log.stream("activity", `${log.boot}-7`);
  expect((await take(it, 2)).map((e) => e.value.runId)).toEqual(["r100", "r100"]);
});

test("the log holds at most its bytes of output: big outputs push old events out", async () => {
  const log = new EventLog(2000, 100_000);
  for (let i = 1; i <= 10; i++) log.publish("activity", run(i, "x".repeat(30_000)));
  // Three 30 kB outputs fit in 100 kB: resuming from the 7th replays 8, 9 and 10...
  const kept = log.stream("activity", `${log.boot}-7`);
  expect((await take(kept, 3)).map((e) => e.value.runId)).toEqual(["r8", "r9", "r10"]);
  await kept.return!();
  // ...while the 6th is gone, so from the 5th nothing is replayed: only what comes next.
  const gone = log.stream("activity", `${log.boot}-5`);
  log.publish("activity", run(11));
  expect((await gone.next()).value!.value.runId).toBe("r11");
  await gone.return!();
});
