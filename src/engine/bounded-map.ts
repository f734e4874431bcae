// The engine's one bounded map: at most `capacity` entries, the least recently used evicted first,
// every eviction counted (DESIGN: every bound counts the drop). A Map keeps insertion order, so
// using an entry is re-inserting it, and the least recently used is the first key.
//
// A map whose values hold entries of their own (a device's endpoints, a series' points) can also
// have a budget on their total: weigh() gives a value's weight when it is added or removed, the
// holder reports every change in between (reweigh), and while the total is over the budget the
// least recently used entries go (never the most recent one).

/** A count of evictions; the maps of one kind (every device's endpoints) share one. */
export class Evictions {
  count = 0;
}

/** The most that a map's values may weigh together, and how much one weighs. */
export interface Budget<V> {
  limit: number;
  weigh(value: V): number;
}

export class BoundedMap<K, V> implements Iterable<[K, V]> {
  private readonly map = new Map<K, V>();
  private total = 0;

  constructor(readonly capacity: number, readonly evictions = new Evictions(), private readonly budget?: Budget<V>) {}

  get size(): number {
    return this.map.size;
  }

  /** The values' total weight (0 without a budget). */
  get weight(): number {
    return this.total;
  }

  /** The value under key, leaving it where it is in the order of use. */
  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** The value under key, now the most recently used; when absent, make()'s (if given), added. */
  touch(key: K): V | undefined;
  touch(key: K, make: () => V): V;
  touch(key: K, make?: () => V): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
      return v;
    }
    if (!make) return undefined;
    const made = make();
    this.set(key, made);
    return made;
  }

  /** Set key's value, now the most recently used; past capacity (or budget) the least recently used go. */
  set(key: K, value: V): void {
    this.delete(key);
    this.map.set(key, value);
    if (this.budget) this.total += this.budget.weigh(value);
    this.trim();
  }

  delete(key: K): boolean {
    const v = this.map.get(key);
    if (v === undefined) return false;
    this.map.delete(key);
    if (this.budget) this.total -= this.budget.weigh(v);
    return true;
  }

  /** A value of this map gained (or lost) `delta` of weight; past the budget the least recently
   *  used go, never the most recent. */
  reweigh(delta: number): void {
    this.total += delta;
    if (delta > 0) this.trim();
  }

  keys(): IterableIterator<K> {
    return this.map.keys();
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }

  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.map.entries();
  }

  private trim(): void {
    while (this.map.size > this.capacity || (this.budget && this.total > this.budget.limit && this.map.size > 1)) {
      this.delete(this.map.keys().next().value as K);
      this.evictions.count++;
    }
  }
}
