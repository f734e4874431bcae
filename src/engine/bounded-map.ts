// The engine's one bounded map: at most `capacity` entries, the least recently used evicted first,
// every eviction counted (DESIGN: every bound counts the drop). A Map keeps insertion order, so
// using an entry is re-inserting it, and the least recently used is the first key.

/** A count of evictions; the maps of one kind (every device's endpoints) share one. */
export class Evictions {
  count = 0;
}

export class BoundedMap<K, V> implements Iterable<[K, V]> {
  private readonly map = new Map<K, V>();

  constructor(readonly capacity: number, readonly evictions = new Evictions()) {}

  get size(): number {
    return this.map.size;
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

  /** Set key's value, now the most recently used; past capacity the least recently used goes. */
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) {
      this.map.delete(this.map.keys().next().value as K);
      this.evictions.count++;
    }
  }

  delete(key: K): boolean {
    return this.map.delete(key);
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
}
