// The beacon scoring module (build/beacon.wasm), separate from the packet core: it scores many
// (device, endpoint) event series in one call. The host writes every series of a batch into
// the input regions (allocated once by init), calls score(nPairs), and reads FIELD_COUNT f64 per
// pair from the output region, at the field offsets exported below.
//
// Input, for pair i of a batch:
//   offsets (i32, nPairs + 1): its events are times[offsets[i] .. offsets[i + 1]);
//   times (f64): capture time in seconds, in any order; non-finite times are dropped;
//   sizes (f64, beside times): bytes the device sent; non-finite sizes are left out of the size
//     scores (NaN everywhere means "no sizes");
//   windows (f64, 2 per pair): the observation window [start, end] for RITA's histogram and
//     duration scores, which (as RITA, which scores a window of logs) see only the events inside
//     it; NaN takes the series' first and last time.
// A series has at most MAX_SERIES events (the host keeps the most recent). Bad input (NaN,
// duplicates, empty series, bad offsets, a series longer than MAX_SERIES) gives defined outputs
// (an empty series' for the last two), never a trap.
//
// The combined score (F_SCORE):
//   timing = confidence + 0.25 · max(0, ritaTs - confidence)
//     the periodicity confidence, raised by a quarter of the way to RITA's time score when that
//     is higher (RITA's time score alone is about 0.5 for Poisson arrivals, so it only lifts);
//   score  = timing · (1 + 0.2 · (ritaDs - 0.5)), at most 1, with at least 3 sizes, else timing
//     so regular sizes lift the score by up to a tenth and irregular ones lower it as much.
// RITA's histogram and duration scores are left out of it: they depend on the window, and a
// beacon that runs for two hours of a day is still a beacon.

import { at, put, sortF64, sortWhole } from "./stats";
import * as rita from "./rita";
import * as per from "./periodicity";

/** Longest series scored, in events. */
export const MAX_SERIES: i32 = 512;

// Output fields, f64 each, FIELD_COUNT per pair.
export const F_COUNT: i32 = 0;         // events scored (finite times, after the cap)
export const F_PERIOD: i32 = 1;        // seconds; 0 when none
export const F_JITTER: i32 = 2;        // median |interval / period - nearest whole number of beats|
export const F_BEATS: i32 = 3;         // fraction of the expected beats present
export const F_CONFIDENCE: i32 = 4;    // periodicity confidence 0..1
export const F_RITA_TS: i32 = 5;       // RITA time score
export const F_RITA_DS: i32 = 6;       // RITA data size score
export const F_RITA_HIST: i32 = 7;     // RITA histogram score
export const F_RITA_DUR: i32 = 8;      // RITA duration score
export const F_RITA_SCORE: i32 = 9;    // RITA's beacon score (the four, 0.25 each)
export const F_SCORE: i32 = 10;        // combined score 0..1
// Each skew is followed by its MAD: rita.ts writes the two together.
export const F_TS_SKEW: i32 = 11;      // Bowley skewness of the intervals
export const F_TS_MAD: i32 = 12;       // median absolute deviation of the intervals, seconds
export const F_DS_SKEW: i32 = 13;      // Bowley skewness of the sizes
export const F_DS_MAD: i32 = 14;       // median absolute deviation of the sizes, bytes
export const FIELD_COUNT: i32 = 15;

const TIMING_LIFT: f64 = 0.25;
const SIZE_WEIGHT: f64 = 0.2;

let pairCap: i32 = 0;
let pointCap: i32 = 0;
let offsets: usize = 0;
let times: usize = 0;
let sizes: usize = 0;
let windows: usize = 0;
let out: usize = 0;
// Scratch for one series.
let t: usize = 0;
let s: usize = 0;
let nzs: usize = 0;
let work: usize = 0;
let freq: usize = 0;
let modes: usize = 0;
let radixKeys: usize = 0;
let radixCounts: usize = 0;

/** Allocate every region once: batches of up to maxPairs series and maxPoints events in all. */
export function init(maxPairs: i32, maxPoints: i32): void {
  pairCap = max<i32>(maxPairs, 1);
  pointCap = max<i32>(maxPoints, 1);
  offsets = heap.alloc(<usize>(pairCap + 1) << 2);
  times = heap.alloc(<usize>pointCap << 3);
  sizes = heap.alloc(<usize>pointCap << 3);
  windows = heap.alloc(<usize>pairCap << 4);
  out = heap.alloc(<usize>pairCap * <usize>FIELD_COUNT << 3);
  t = heap.alloc(<usize>MAX_SERIES << 3);
  s = heap.alloc(<usize>MAX_SERIES << 3);
  nzs = heap.alloc(<usize>MAX_SERIES << 3);
  work = heap.alloc(<usize>MAX_SERIES << 3);
  freq = heap.alloc(24 << 2);
  modes = heap.alloc(32 << 2);
  radixKeys = heap.alloc(<usize>MAX_SERIES << 3);
  radixCounts = heap.alloc(1024 << 2);
  per.periodicityInit();
}

export function offsetsPtr(): usize { return offsets; }
export function timesPtr(): usize { return times; }
export function sizesPtr(): usize { return sizes; }
export function windowsPtr(): usize { return windows; }
export function outputPtr(): usize { return out; }

/** A score in [0, 1]; NaN is 0. */
@inline function unit(x: f64): f64 {
  return x > 0 ? min<f64>(x, 1) : 0;
}

/** A finite non-negative quantity; anything else is 0. */
@inline function finite(x: f64): f64 {
  return isFinite(x) && x > 0 ? x : 0;
}

/** Score the first nPairs series of the input; results at outputPtr(). Returns the pairs scored. */
export function score(nPairs: i32): i32 {
  const pairs = min<i32>(max<i32>(nPairs, 0), pairCap);
  for (let i = 0; i < pairs; i++) scorePair(i);
  return pairs;
}

function scorePair(i: i32): void {
  let from = load<i32>(offsets + (<usize>i << 2));
  let to = load<i32>(offsets + (<usize>(i + 1) << 2));
  if (from < 0 || to > pointCap || to < from || to - from > MAX_SERIES) {
    from = 0;
    to = 0;
  }
  // The finite events, and the finite sizes among them.
  let n = 0;
  let ns = 0;
  for (let j = from; j < to; j++) {
    const tj = at(times, j);
    if (!isFinite(tj)) continue;
    put(t, n++, tj);
    const sj = at(sizes, j);
    if (isFinite(sj)) put(s, ns++, sj);
  }
  sortF64(t, n);
  sortWhole(s, ns, radixKeys, radixCounts);
  let nz = 0;
  for (let j = 1; j < n; j++) {
    const d = at(t, j) - at(t, j - 1);
    if (d > 0) put(nzs, nz++, d);
  }
  sortF64(nzs, nz);

  let start = at(windows, i << 1);
  let end = at(windows, (i << 1) + 1);
  if (!isFinite(start)) start = n > 0 ? at(t, 0) : 0;
  if (!isFinite(end)) end = n > 0 ? at(t, n - 1) : 0;
  // The events inside the window, for the histogram and duration scores.
  let lo = 0;
  while (lo < n && at(t, lo) < start) lo++;
  let hi = n;
  while (hi > lo && at(t, hi - 1) > end) hi--;
  const tw = t + (<usize>lo << 3);

  const o = out + (<usize>i * <usize>FIELD_COUNT << 3);
  const ts = rita.timestampScore(n, nzs, nz, o + (<usize>F_TS_SKEW << 3));
  const ds = rita.dataSizeScore(s, ns, o + (<usize>F_DS_SKEW << 3));
  const hist = rita.histogramScore(tw, hi - lo, start, end, freq, modes);
  const dur = hi > lo ? rita.durationScore(at(tw, 0), at(tw, hi - lo - 1), start, end) : 0;

  per.detect(t, n, nzs, nz, work);
  const confidence = unit(per.confidence);
  const timing = confidence + TIMING_LIFT * max<f64>(0, unit(ts) - confidence);
  const combined = ns >= 3 ? min<f64>(1, timing * (1 + SIZE_WEIGHT * (unit(ds) - 0.5))) : timing;

  put(o, F_COUNT, <f64>n);
  put(o, F_PERIOD, finite(per.period));
  put(o, F_JITTER, finite(per.jitter));
  put(o, F_BEATS, unit(per.beatsPresent));
  put(o, F_CONFIDENCE, confidence);
  put(o, F_RITA_TS, unit(ts));
  put(o, F_RITA_DS, unit(ds));
  put(o, F_RITA_HIST, unit(hist));
  put(o, F_RITA_DUR, unit(dur));
  put(o, F_RITA_SCORE, unit(rita.beaconScore(unit(ts), unit(ds), unit(dur), unit(hist))));
  put(o, F_SCORE, unit(combined));
}
