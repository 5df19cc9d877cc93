import { describe, expect, test } from "bun:test";
import { TimerQueue, type Queued } from "../../src/engine/queue.ts";

interface Item extends Queued {
  readonly name: string;
}
const item = (next: number, name = String(next)): Item => ({ next, name, seq: 0, slot: -1 });

function drain(q: TimerQueue<Item>): Item[] {
  const out: Item[] = [];
  for (let e = q.pop(); e; e = q.pop()) out.push(e);
  return out;
}

describe("TimerQueue", () => {
  test("pops in time order, equal instants first-in first-out, whatever the insertion order", () => {
    const q = new TimerQueue<Item>();
    const times = [50, 10, 40, 10, 30, 20, 10];
    times.forEach((t, i) => q.push(item(t, `${t}#${i}`)));
    expect(drain(q).map((e) => e.name)).toEqual(["10#1", "10#3", "10#6", "20#5", "30#4", "40#2", "50#0"]);
  });

  test("a removed item is never popped and no longer counts; removing it again, or one never queued, does nothing", () => {
    const q = new TimerQueue<Item>();
    const a = item(1, "a");
    q.push(a);
    q.push(item(2, "b"));
    q.remove(a);
    q.remove(a);
    q.remove(item(0, "never"));
    expect(q.size).toBe(1);
    expect(a.slot).toBe(-1);
    expect(q.peek()?.name).toBe("b");
  });

  test("an item pushed again moves to its new instant, once", () => {
    const q = new TimerQueue<Item>();
    const a = item(5, "a");
    q.push(a);
    q.push(item(3, "b"));
    q.remove(a);
    a.next = 1;
    q.push(a);
    // Queued already: pushed again, it is still there once.
    q.push(a);
    expect(q.size).toBe(2);
    expect(q.peek()?.name).toBe("a");
    q.remove(a);
    a.next = 4;
    q.push(a);
    expect(q.size).toBe(2);
    expect(drain(q).map((e) => `${e.name}@${e.next}`)).toEqual(["b@3", "a@4"]);
  });

  test("10,000 random instants come out sorted, also after removing every third from the middle", () => {
    const q = new TimerQueue<Item>();
    const items = Array.from({ length: 10_000 }, (_, i) => item((i * 7919) % 10_007));
    for (const it of items) q.push(it);
    const kept = items.filter((_, i) => i % 3 !== 0);
    items.forEach((it, i) => i % 3 === 0 && q.remove(it));
    expect(q.size).toBe(kept.length);
    expect(drain(q).map((e) => e.next)).toEqual(kept.map((e) => e.next).sort((x, y) => x! - y!));
  });
});
