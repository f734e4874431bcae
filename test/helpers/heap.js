// A binary min-heap ordered by a comparator, for the capture generators that merge the frames of
// many open conversations into time order: the evaluation scenario (test/scenario/generate.ts)
// and the application-layer benchmark's capture (bench/lib/app-capture.js). Break ties in
// `less` (an insertion number, say) and the order is the same on every run.

export class MinHeap {
  #items = [];
  #less;

  /** `less(a, b)`: a comes out before b. */
  constructor(less) {
    this.#less = less;
  }

  get size() {
    return this.#items.length;
  }

  peek() {
    return this.#items[0];
  }

  push(x) {
    const a = this.#items;
    let i = a.push(x) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(a[i], a[parent])) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }

  /** The least item, removed; undefined when empty. */
  pop() {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.#less(a[l], a[m])) m = l;
        if (r < a.length && this.#less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
