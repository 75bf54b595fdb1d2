/** Anything stored by step number. */
export interface Stepped {
  step: number;
}

/**
 * A bounded ring buffer of records in increasing step order (gaps allowed): the newest `capacity`
 * are kept, older ones are overwritten. Lookup by step is a binary search.
 */
export class FrameRing<T extends Stepped> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`FrameRing: capacity must be ≥ 1, got ${capacity}`);
    this.items = new Array(capacity);
  }

  /** Records held. */
  get size(): number {
    return this.count;
  }

  /** Appends a record; a record not newer than the newest one clears the ring first (a reset). */
  push(item: T): void {
    const newest = this.newest();
    if (newest && item.step <= newest.step) this.clear();
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** The k-th oldest record (0 = oldest). */
  at(k: number): T | undefined {
    if (k < 0 || k >= this.count) return undefined;
    return this.items[(this.start + k) % this.capacity];
  }

  /** The newest record. */
  newest(): T | undefined {
    return this.at(this.count - 1);
  }

  /** The record of exactly this step, if held. */
  get(step: number): T | undefined {
    const k = this.indexOf(step);
    return k >= 0 ? this.at(k) : undefined;
  }

  /** Position (0 = oldest) of the record of this step, or −1. */
  indexOf(step: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.at(mid)!.step;
      if (s === step) return mid;
      if (s < step) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Forgets every record. */
  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.count = 0;
  }
}
