/**
 * The alarm's precise wake on a scripted clock: time moves only when the
 * alarm reads it (a little per reading, as a real clock does while watched)
 * or sleeps, and timers fire when the test says, as late as it says.
 */
import { describe, expect, test } from "bun:test";
import type { Clock, TimerHandle } from "../../src/clock.ts";
import { SPIN_BUDGET_MS, SPIN_BURST_MS } from "../../src/engine/constants.ts";
import { Alarm } from "../../src/engine/wake.ts";

class ScriptedClock implements Clock {
  /** Monotonic ms; the wall clock is the same, in whole milliseconds like Date.now(). */
  t = 1_000_000;
  /** Time spent reading the clock in a loop (every reading moves it 1 µs). */
  read = 0;
  slept = 0;
  timer: { fn: () => void; at: number } | null = null;
  now(): number {
    this.t += 0.001;
    this.read += 0.001;
    return Math.floor(this.t);
  }
  monotonic(): number {
    return this.t;
  }
  setTimer(fn: () => void, ms: number): TimerHandle {
    this.timer = { fn, at: this.t + ms };
    return { id: this.timer };
  }
  clearTimer(): void {
    this.timer = null;
  }
  block(ms: number): void {
    this.t += ms + 0.1;
    this.slept += ms + 0.1;
  }
  /** Fire the armed timer `lateMs` after its time. */
  fire(lateMs: number): void {
    const timer = this.timer!;
    this.timer = null;
    this.t = Math.max(this.t, timer.at + lateMs);
    timer.fn();
  }
}

/** Wake for `instant` in two stages as the engine does; returns when the watch ended, relative to the instant. */
function meet(clock: ScriptedClock, alarm: Alarm, instant: number, lateMs: number): { prepared: boolean; openedAfterMs: number } {
  alarm.set(instant, "prepare");
  clock.fire(lateMs);
  const prepared = alarm.shouldPrepare(clock.now(), clock.monotonic(), instant);
  if (!prepared) return { prepared, openedAfterMs: clock.t - instant };
  clock.t += 3; // preparing the runs
  alarm.prepared(3);
  if (!alarm.openNow(clock.now(), instant)) {
    alarm.set(instant, "open");
    clock.fire(lateMs);
  }
  const { now } = alarm.watch(instant, clock.now(), clock.monotonic());
  expect(now).toBeGreaterThanOrEqual(instant);
  return { prepared, openedAfterMs: clock.t - instant };
}

describe("the alarm", () => {
  test("instants one second apart, timers up to 3 ms late: every one is prepared ahead and opened within 0.1 ms, mostly asleep", () => {
    const clock = new ScriptedClock();
    const alarm = new Alarm(clock, { maxSleepMs: 60_000, earlyWakeMs: 4, prepareAheadMs: 25 }, () => {});
    const late = [0.2, 3, 1.1, 2.7, 0.5, 2.9, 0.1, 3, 3, 1.8];
    for (let i = 1; i <= 200; i++) {
      const { prepared, openedAfterMs } = meet(clock, alarm, 1_000_000 + i * 1_000, late[i % late.length]!);
      expect(prepared).toBe(true);
      expect(openedAfterMs).toBeLessThan(0.1);
    }
    // Reading the clock took under 2 ms per instant; the rest of the wait was asleep.
    expect(clock.read / 200).toBeLessThan(2);
    expect(clock.slept).toBeGreaterThan(clock.read);
  });

  test("reading the clock stays within its budget when instants come every 10 ms: the rest are met by the timer alone", () => {
    const clock = new ScriptedClock();
    const alarm = new Alarm(clock, { maxSleepMs: 60_000, earlyWakeMs: 4, prepareAheadMs: 25 }, () => {});
    const from = clock.t;
    let unprepared = 0;
    // The sleep before each open is skipped: watch from the moment of the wake, the costly case.
    const block = clock.block.bind(clock);
    clock.block = () => {};
    for (let i = 1; i <= 1_000; i++) {
      const instant = Math.ceil(clock.t) + 10;
      alarm.set(instant, "prepare");
      clock.fire(0);
      if (!alarm.shouldPrepare(clock.now(), clock.monotonic(), instant)) {
        unprepared++;
        clock.t = Math.max(clock.t, instant);
        continue;
      }
      alarm.watch(instant, clock.now(), clock.monotonic());
    }
    clock.block = block;
    const seconds = (clock.t - from) / 1000;
    expect(unprepared).toBeGreaterThan(0);
    expect(clock.read).toBeLessThanOrEqual(SPIN_BURST_MS + SPIN_BUDGET_MS * seconds + 20);
  });
});
