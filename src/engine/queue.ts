/**
 * A binary min-heap of timed items: the engine's priority queue. The engine
 * arms one timer for the earliest item's instant; nothing scans the job list.
 *
 * The items are the heap's entries themselves (a job is queued at most once):
 * each keeps its instant, its insertion order and where it sits, so a queued
 * job costs no object of its own (100,000 jobs: 100,000 fewer), and removing
 * one of 100,000 jobs is a sift of O(log n), not a search.
 */
export interface Queued {
  /** When the item is due, epoch ms; read only while it is queued. */
  next: number | null;
  /** Insertion order; breaks ties so equal instants pop first-in, first-out. */
  seq: number;
  /** Where it sits in the heap; -1 when not queued. */
  slot: number;
}

export class TimerQueue<T extends Queued> {
  #heap: T[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  /** Queue `item` at `item.next` (a number); an item queued already is moved. */
  push(item: T): void {
    this.remove(item);
    item.seq = this.#seq++;
    item.slot = this.#heap.length;
    this.#heap.push(item);
    this.#up(item.slot);
  }

  /** Take `item` out; nothing when it is not queued. */
  remove(item: T): void {
    const i = item.slot;
    if (i < 0) return;
    item.slot = -1;
    const last = this.#heap.pop()!;
    if (last === item) return;
    this.#heap[i] = last;
    last.slot = i;
    this.#down(i);
    this.#up(last.slot);
  }

  /** The earliest item, without removing it. */
  peek(): T | undefined {
    return this.#heap[0];
  }

  /** Remove and return the earliest item. */
  pop(): T | undefined {
    const top = this.#heap[0];
    if (top) this.remove(top);
    return top;
  }

  #less(a: T, b: T): boolean {
    return a.next! < b.next! || (a.next === b.next && a.seq < b.seq);
  }

  #up(i: number): void {
    const heap = this.#heap;
    const item = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!;
      if (!this.#less(item, above)) break;
      heap[i] = above;
      above.slot = i;
      i = parent;
    }
    heap[i] = item;
    item.slot = i;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const item = heap[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.#less(heap[right]!, heap[left]!) ? right : left;
      const below = heap[child]!;
      if (!this.#less(below, item)) break;
      heap[i] = below;
      below.slot = i;
      i = child;
    }
    heap[i] = item;
    item.slot = i;
  }
}
