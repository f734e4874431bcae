// A binary min-heap on (time, insertion number): the generator merges the frames of every open
// conversation through it, so the capture comes out in time order, and ties break the same way
// on every run.

export interface Keyed {
  us: number;
  seq: number;
}

export class MinHeap<T extends Keyed> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && less(a[l], a[m])) m = l;
        if (r < a.length && less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

const less = (x: Keyed, y: Keyed): boolean => x.us < y.us || (x.us === y.us && x.seq < y.seq);
