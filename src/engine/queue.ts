/**
 * A binary min-heap of timed entries: the engine's priority queue. The engine
 * arms one timer for `peek().at`; nothing scans the job list.
 *
 * Removal is lazy: `cancel(entry)` marks the entry and it is dropped when it
 * reaches the top, so deactivating one of 100,000 jobs costs O(1), not a
 * search. `size` counts live entries only.
 */
export interface QueueEntry<T> {
  /** When the entry is due, epoch ms. */
  readonly at: number;
  readonly value: T;
  /** Insertion order; breaks ties so equal instants pop first-in, first-out. */
  readonly seq: number;
  cancelled: boolean;
}

export class TimerQueue<T> {
  #heap: QueueEntry<T>[] = [];
  #seq = 0;
  #live = 0;

  get size(): number {
    return this.#live;
  }

  push(at: number, value: T): QueueEntry<T> {
    const entry: QueueEntry<T> = { at, value, seq: this.#seq++, cancelled: false };
    this.#heap.push(entry);
    this.#up(this.#heap.length - 1);
    this.#live++;
    return entry;
  }

  cancel(entry: QueueEntry<T> | null | undefined): void {
    if (!entry || entry.cancelled) return;
    entry.cancelled = true;
    this.#live--;
  }

  /** The earliest live entry, without removing it. */
  peek(): QueueEntry<T> | undefined {
    this.#dropCancelled();
    return this.#heap[0];
  }

  /** Remove and return the earliest live entry. */
  pop(): QueueEntry<T> | undefined {
    this.#dropCancelled();
    const top = this.#heap[0];
    if (!top) return undefined;
    this.#removeTop();
    this.#live--;
    // Popped entries count as spent: a later cancel() is a no-op.
    top.cancelled = true;
    return top;
  }

  #dropCancelled(): void {
    while (this.#heap.length > 0 && this.#heap[0]!.cancelled) this.#removeTop();
  }

  #removeTop(): void {
    const last = this.#heap.pop()!;
    if (this.#heap.length > 0) {
      this.#heap[0] = last;
      this.#down(0);
    }
  }

  #less(a: QueueEntry<T>, b: QueueEntry<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #up(i: number): void {
    const heap = this.#heap;
    const item = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(item, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
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
      if (!this.#less(heap[child]!, item)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = item;
  }
}
