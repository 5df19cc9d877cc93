import { describe, expect, test } from "bun:test";
import { TimerQueue } from "../../src/engine/queue.ts";

describe("TimerQueue", () => {
  test("pops in time order, equal instants first-in first-out, whatever the insertion order", () => {
    const q = new TimerQueue<string>();
    const times = [50, 10, 40, 10, 30, 20, 10];
    times.forEach((t, i) => q.push(t, `${t}#${i}`));
    const out: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.value);
    expect(out).toEqual(["10#1", "10#3", "10#6", "20#5", "30#4", "40#2", "50#0"]);
  });

  test("a cancelled entry is never popped and no longer counts", () => {
    const q = new TimerQueue<string>();
    const a = q.push(1, "a");
    q.push(2, "b");
    q.cancel(a);
    q.cancel(a);
    expect(q.size).toBe(1);
    expect(q.peek()?.value).toBe("b");
  });

  test("10,000 random instants come out sorted", () => {
    const q = new TimerQueue<number>();
    const values = Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 10_007);
    for (const v of values) q.push(v, v);
    const out: number[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.at);
    expect(out).toEqual([...values].sort((x, y) => x - y));
  });
});
