// RITA's beacon sub-scores, after RITA v5 (github.com/activecm/rita, analysis/beacons.go at
// commit 0b6db7a, the ClickHouse rewrite; default weights and histogram settings from its
// default_config.hjson). Where RITA's versions differ, v5 is followed, and the legacy v4
// (activecm/rita-legacy, pkg/beacon/analyzer.go) is not:
//   - quartiles as montanaflynn/stats.Quartile computes them (v4 took nearest-rank elements);
//   - the MAD score is 1 - MAD / median (early v4 cut it off at 30 s and 32 bytes instead);
//   - the time score is the mean of the skew and MAD scores (early v4 also averaged in a
//     connection-count score: connections / (window / 10), capped at 1);
//   - the data-size score is the mean of the skew and MAD scores (v4 also averaged in a
//     smallness score: 1 - mode / 65535).
//
// Inputs are f64 seconds and bytes; RITA works on whole seconds (uint32) and int64 bytes, so a
// sub-second series can differ slightly from RITA's numbers, never in the formulas. Where RITA
// returns an error (too few timestamps, empty window) and skips the pair, the score here is 0.

import { at, put, medianSorted, madSorted } from "./stats";

// default_config.hjson, scoring.beacon
const TS_WEIGHT: f64 = 0.25;
const DS_WEIGHT: f64 = 0.25;
const DUR_WEIGHT: f64 = 0.25;
const HIST_WEIGHT: f64 = 0.25;
const DUR_MIN_HOURS: i32 = 6;               // duration_min_hours_seen
const DUR_IDEAL_HOURS: f64 = 12;            // duration_consistency_ideal_hours_seen
const HIST_MODE_SENSITIVITY: f64 = 0.05;    // histogram_mode_sensitivity
const HIST_OUTLIER_REMOVAL: i32 = 1;        // histogram_bimodal_outlier_removal
const HIST_BIMODAL_MIN_HOURS: i32 = 11;     // histogram_bimodal_min_hours_seen
const HIST_BINS: i32 = 24;                  // getHistogramScore(..., 24): "a 24 hour period"

/** Non-empty bins and their longest run (wrapping around) of the last histogram. */
let totalBars: i32 = 0;
let longestRun: i32 = 0;

/** math.Round(x*1000)/1000, as RITA rounds every score (x is never negative here). */
@inline function round3(x: f64): f64 {
  return Math.floor(x * 1000 + 0.5) / 1000;
}

/** The skew and MAD beside a score, at out (two f64): 0 for a score RITA does not compute, and
 *  for a value that is not finite. */
@inline function skewMad(out: usize, skew: f64, mad: f64): void {
  put(out, 0, isFinite(skew) ? skew : 0);
  put(out, 1, isFinite(mad) && mad > 0 ? mad : 0);
}

/** Quartiles as montanaflynn/stats.Quartile computes them (which RITA calls): Q2 the median; Q1
 *  and Q3 the medians of the lower and upper halves, the middle element excluded when n is odd. */
function statisticalScore(p: usize, n: i32, defaultMadScore: f64, out: usize): f64 {
  const c1 = n >> 1;
  const c2 = n & 1 ? c1 + 1 : c1;
  const q1 = medianSorted(p, c1);
  const q2 = medianSorted(p, n);
  const q3 = medianSorted(p + (<usize>c2 << 3), n - c2);
  // calculateBowleySkewness: (Q1 + Q3 - 2 Q2) / (Q3 - Q1), zero when the IQR is under 10 or the
  // median equals a quartile; score 1 - |skew|.
  const den = q3 - q1;
  const skew = den >= 10 && q2 != q1 && q2 != q3 ? (q1 + q3 - 2 * q2) / den : 0;
  const skewScore = 1 - Math.abs(skew);
  // calculateMedianAbsoluteDeviation: score (median - MAD) / median when the median is at least
  // 1, else the default (1 for intervals, 0 for sizes); floored at 0.
  const mad = madSorted(p, n, q2);
  skewMad(out, skew, mad);
  let madScore = q2 >= 1 ? (q2 - mad) / q2 : defaultMadScore;
  if (!(madScore >= 0)) madScore = 0;
  // calculateStatisticalScore: round(((skewScore + madScore) / 2) * 1000) / 1000
  return round3((skewScore + madScore) / 2);
}

/** getTimestampScore: n timestamps (duplicates included), their non-zero intervals sorted at
 *  nz (nzCount of them). RITA needs 4 timestamps and 3 non-zero intervals. The intervals' skew
 *  and MAD (seconds) go to out. */
export function timestampScore(n: i32, nz: usize, nzCount: i32, out: usize): f64 {
  if (n >= 4 && nzCount >= 3) return statisticalScore(nz, nzCount, 1, out);
  skewMad(out, 0, 0);
  return 0;
}

/** getDataSizeScore: n sizes, sorted at p. RITA needs 3. Their skew and MAD (bytes) go to out. */
export function dataSizeScore(p: usize, n: i32, out: usize): f64 {
  if (n >= 3) return statisticalScore(p, n, 0, out);
  skewMad(out, 0, 0);
  return 0;
}

/** getHistogramScore over [start, end] for n sorted timestamps at t: the max of the coefficient
 *  of variation score and the bimodal fit score of the 24-bin connection histogram. Also sets
 *  totalBars and longestRun for the duration score. freq: 24 i32 of scratch, modes: 21 i32. */
export function histogramScore(t: usize, n: i32, start: f64, end: f64, freq: usize, modes: usize): f64 {
  totalBars = 0;
  longestRun = 0;
  if (n <= 0 || !(end > start)) return 0;
  memory.fill(freq, 0, <usize>HIST_BINS << 2);
  // computeHistogramBins + createHistogram: bin edges start + i * step, the last edge exactly
  // end; a timestamp belongs to the first bin whose upper edge is above it (the last bin takes
  // the rest, the first bin anything before start).
  const step = (end - start) / <f64>HIST_BINS;
  let bin = 0;
  let upper = bin + 1 == HIST_BINS ? end : start + step;
  for (let i = 0; i < n; i++) {
    const ts = at(t, i);
    while (ts >= upper && bin < HIST_BINS - 1) {
      bin++;
      upper = bin + 1 == HIST_BINS ? end : start + <f64>(bin + 1) * step;
    }
    const a = freq + (<usize>bin << 2);
    store<i32>(a, load<i32>(a) + 1);
  }
  // getFrequencyCounts: bars, the largest bar, the longest run of non-empty bins with wrap-around.
  let largest = 0;
  let total = 0;
  for (let i = 0; i < HIST_BINS; i++) {
    const f = load<i32>(freq + (<usize>i << 2));
    if (f > 0) totalBars++;
    if (f > largest) largest = f;
    total += f;
  }
  let run = 0;
  for (let i = 0; i < HIST_BINS * 2; i++) {
    if (load<i32>(freq + (<usize>(i < HIST_BINS ? i : i - HIST_BINS) << 2)) > 0) run++;
    else {
      if (run > longestRun) longestRun = run;
      run = 0;
    }
  }
  if (run > longestRun) longestRun = run;
  if (longestRun > HIST_BINS) longestRun = HIST_BINS;
  // calculateCoefficientOfVariationScore: population SD / mean; score round(1 - cv), 0 if cv > 1.
  const mean = <f64>total / <f64>HIST_BINS;
  let ss: f64 = 0;
  for (let i = 0; i < HIST_BINS; i++) {
    const d = <f64>load<i32>(freq + (<usize>i << 2)) - mean;
    ss += d * d;
  }
  const cv = Math.sqrt(ss / <f64>HIST_BINS) / mean;
  const cvScore = cv > 1 ? 0 : min<f64>(1, round3(1 - cv));
  // calculateBimodalFitScore: bars grouped by height in buckets of ceil(largest * 0.05); with at
  // least 11 bars, the share of bars in the two fullest buckets, one outlier bar forgiven.
  let bimodal: f64 = 0;
  if (totalBars >= HIST_BIMODAL_MIN_HOURS) {
    const bucket = Math.ceil(<f64>largest * HIST_MODE_SENSITIVITY);
    const buckets = <i32>Math.floor(<f64>largest / bucket) + 1; // at most 21
    memory.fill(modes, 0, <usize>buckets << 2);
    for (let i = 0; i < HIST_BINS; i++) {
      const f = load<i32>(freq + (<usize>i << 2));
      if (f > 0) {
        const a = modes + (<usize>(<i32>Math.floor(<f64>f / bucket)) << 2);
        store<i32>(a, load<i32>(a) + 1);
      }
    }
    let first = 0;
    let second = 0;
    for (let i = 0; i < buckets; i++) {
      const c = load<i32>(modes + (<usize>i << 2));
      if (c > first) { second = first; first = c; } else if (c > second) second = c;
    }
    const bars = max<i32>(totalBars - HIST_OUTLIER_REMOVAL, 1);
    bimodal = min<f64>(1, round3(<f64>(first + second) / <f64>bars));
  }
  return max<f64>(cvScore, bimodal);
}

/** getDurationScore: with at least 6 non-empty bins, the max of the coverage of the window by
 *  the series ((last - first) / (end - start)) and the consistency (longest run of non-empty
 *  bins / 12), each rounded up to 1/1000 and capped at 1. Needs histogramScore first. */
export function durationScore(first: f64, last: f64, start: f64, end: f64): f64 {
  if (!(end > start) || !(last > first) || totalBars < DUR_MIN_HOURS) return 0;
  const coverage = min<f64>(1, Math.ceil((last - first) / (end - start) * 1000) / 1000);
  const consistency = min<f64>(1, Math.ceil(<f64>longestRun / DUR_IDEAL_HOURS * 1000) / 1000);
  return max<f64>(coverage, consistency);
}

/** getBeaconScore with the default weights (0.25 each), rounded to 1/1000. */
export function beaconScore(ts: f64, ds: f64, dur: f64, hist: f64): f64 {
  return round3(ts * TS_WEIGHT + ds * DS_WEIGHT + dur * DUR_WEIGHT + hist * HIST_WEIGHT);
}
