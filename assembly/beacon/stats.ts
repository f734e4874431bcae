// Order statistics on f64 arrays in linear memory, with no allocation: in-place sorting
// (quicksort, or a radix sort for whole numbers), medians of sorted data, the median absolute
// deviation of sorted data in one pass, and selection (the k-th smallest) for unsorted scratch
// data. Callers pass finite numbers only. Arrays of f64 are read and written through at() and
// put(), which every file of the module uses.

/** The i-th f64 of the array at p. */
@inline export function at(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

/** Set the i-th f64 of the array at p. */
@inline export function put(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/** Sort n f64 at p ascending, in place: quicksort down to runs of 16, then insertion sort. */
export function sortF64(p: usize, n: i32): void {
  if (n < 2 || isSorted(p, n)) return;
  quicksort(p, 0, n - 1, false, 0);
}

/** Sort n f64 at p like sortF64, by an LSD radix sort on 8-bit digits when they are all whole
 *  numbers in [0, 2^32) (byte counts nearly always are): no comparisons to mispredict, and a
 *  digit that all of them share costs no pass. keys: 2n u32 of scratch, counts: 1024 u32. */
export function sortWhole(p: usize, n: i32, keys: usize, counts: usize): void {
  if (n < 2 || isSorted(p, n)) return;
  for (let i = 0; i < n; i++) {
    const v = at(p, i);
    if (!(v >= 0 && v < 4294967296) || v != Math.floor(v)) {
      quicksort(p, 0, n - 1, false, 0);
      return;
    }
    store<u32>(keys + (<usize>i << 2), <u32>v);
  }
  memory.fill(counts, 0, 4096);
  for (let i = 0; i < n; i++) {
    const k = load<u32>(keys + (<usize>i << 2));
    for (let b: u32 = 0; b < 4; b++) {
      const c = counts + (<usize>((b << 8) | ((k >> (b << 3)) & 0xff)) << 2);
      store<u32>(c, load<u32>(c) + 1);
    }
  }
  let src = keys;
  let dst = keys + (<usize>n << 2);
  for (let b: u32 = 0; b < 4; b++) {
    const c = counts + (<usize>(b << 8) << 2);
    if (load<u32>(c + (<usize>((load<u32>(src) >> (b << 3)) & 0xff) << 2)) == <u32>n) continue; // one digit for all
    let sum: u32 = 0;
    for (let d = 0; d < 256; d++) {
      const a = c + (<usize>d << 2);
      const x = load<u32>(a);
      store<u32>(a, sum);
      sum += x;
    }
    for (let i = 0; i < n; i++) {
      const k = load<u32>(src + (<usize>i << 2));
      const a = c + (<usize>((k >> (b << 3)) & 0xff) << 2);
      const at = load<u32>(a);
      store<u32>(a, at + 1);
      store<u32>(dst + (<usize>at << 2), k);
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < n; i++) put(p, i, <f64>load<u32>(src + (<usize>i << 2)));
}

export function isSorted(p: usize, n: i32): bool {
  for (let i = 1; i < n; i++) {
    if (at(p, i) < at(p, i - 1)) return false;
  }
  return true;
}

function insertion(p: usize, lo: i32, hi: i32): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = at(p, i);
    let j = i - 1;
    while (j >= lo) {
      const w = at(p, j);
      if (w <= v) break;
      put(p, j + 1, w);
      j--;
    }
    put(p, j + 1, v);
  }
}

@inline function swap(p: usize, i: i32, j: i32): void {
  const t = at(p, i);
  put(p, i, at(p, j));
  put(p, j, t);
}

/** Partition [lo, hi] around the median of its first, middle and last values without branches
 *  on the data (Lomuto's scheme with an unconditional swap: random data mispredicts every other
 *  comparison otherwise). Returns the pivot's final index: everything before it is smaller, and
 *  everything after it no smaller. When the pivot equals bound, a known lower bound of the range
 *  (as in pdqsort), the elements equal to it go before it instead and equalLeft is set, so that
 *  the caller drops them all at once and runs of duplicates do not make the sort quadratic. */
function partition(p: usize, lo: i32, hi: i32, bounded: bool, bound: f64): i32 {
  const mid = lo + ((hi - lo) >> 1);
  if (at(p, mid) < at(p, lo)) swap(p, mid, lo);
  if (at(p, hi) < at(p, lo)) swap(p, hi, lo);
  if (at(p, hi) < at(p, mid)) swap(p, hi, mid);
  swap(p, mid, hi); // the pivot waits at hi
  const pivot = at(p, hi);
  equalLeft = bounded && pivot == bound;
  const eq = <usize>equalLeft;
  let i = p + (<usize>lo << 3);
  const stop = p + (<usize>hi << 3);
  for (let j = i; j < stop; j += 8) {
    const v = load<f64>(j);
    store<f64>(j, load<f64>(i));
    store<f64>(i, v);
    i += (<usize>(v < pivot) | (<usize>(v == pivot) & eq)) << 3;
  }
  store<f64>(stop, load<f64>(i));
  store<f64>(i, pivot);
  return <i32>((i - p) >> 3);
}

/** Set by partition: every element before the pivot equals it. */
let equalLeft = false;

/** bounded: every element of [lo, hi] is known to be at least bound (the pivot of an enclosing
 *  partition). */
function quicksort(p: usize, lo: i32, hi: i32, bounded: bool, bound: f64): void {
  // Recurse on the smaller side, loop on the larger: stack depth stays O(log n).
  while (hi - lo >= 16) {
    const s = partition(p, lo, hi, bounded, bound);
    const pivot = at(p, s);
    if (equalLeft) {
      lo = s + 1;
    } else if (s - lo < hi - s) {
      quicksort(p, lo, s - 1, bounded, bound);
      lo = s + 1;
    } else {
      quicksort(p, s + 1, hi, true, pivot);
      hi = s - 1;
      continue;
    }
    bounded = true;
    bound = pivot;
  }
  insertion(p, lo, hi);
}

/** The k-th smallest (0-based) of n f64 at p; reorders p. */
function select(p: usize, n: i32, k: i32): f64 {
  let lo = 0;
  let hi = n - 1;
  let bounded = false;
  let bound: f64 = 0;
  while (hi - lo >= 16) {
    const s = partition(p, lo, hi, bounded, bound);
    if (k == s || (k < s && equalLeft)) return at(p, s);
    if (k < s) hi = s - 1;
    else {
      bound = at(p, s);
      bounded = true;
      lo = s + 1;
    }
  }
  insertion(p, lo, hi);
  return at(p, k);
}

/** Median of n unsorted f64 at p (mean of the two middle values when n is even); reorders p. */
export function medianUnsorted(p: usize, n: i32): f64 {
  if (n <= 0) return 0;
  const hi = select(p, n, n >> 1);
  if (n & 1) return hi;
  // After selecting n/2, everything before it is no larger: the lower middle is their maximum.
  let lo = at(p, 0);
  for (let i = 1; i < n >> 1; i++) lo = max(lo, at(p, i));
  return (lo + hi) / 2;
}

/** Median of n sorted f64 at p. */
export function medianSorted(p: usize, n: i32): f64 {
  if (n <= 0) return 0;
  const h = n >> 1;
  return n & 1 ? at(p, h) : (at(p, h - 1) + at(p, h)) / 2;
}

/** Median absolute deviation about med of n sorted f64 at p, in O(n) without a copy: the
 *  deviations below and above the median are two sorted runs, merged up to the middle. */
export function madSorted(p: usize, n: i32, med: f64): f64 {
  if (n <= 0) return 0;
  let split = 0;
  while (split < n && at(p, split) < med) split++;
  let i = split - 1; // walks down: med - x[i] ascending
  let j = split;     // walks up:   x[j] - med ascending
  const want = n >> 1;
  let prev: f64 = 0;
  for (let r = 0; r <= want; r++) {
    let v: f64;
    if (i < 0) v = at(p, j++) - med;
    else if (j >= n) v = med - at(p, i--);
    else {
      const a = med - at(p, i);
      const b = at(p, j) - med;
      if (a <= b) { v = a; i--; } else { v = b; j++; }
    }
    if (r == want) return n & 1 ? v : (prev + v) / 2;
    prev = v;
  }
  return prev;
}
