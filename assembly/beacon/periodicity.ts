// Periodicity of one event series, robust to jitter and missed beats, after BAYWATCH (Hu et al.,
// DSN 2016): candidate periods from the series' own statistics and from the autocorrelation of
// the binned series, each verified in the time domain, the best one kept.
//
// Candidates, in order: the median non-zero interval; then, unless the median already explains
// the series (confidence ≥ SETTLED), the midrange of the 5th and 95th percentile intervals (the
// centre of uniformly jittered intervals, tried when the median is not far worse than the null
// model) and the autocorrelation peak: events binned at 1/16 of the mean interval, the
// histogram of lags up to 3 mean intervals (each event with its next 16 at most), smoothed
// (1 2 1); the first local maximum reaching half the highest (with missed beats 2P, 3P... have
// as many pairs as P), kept only if it stands ACF_PEAK times above the mean (Poisson arrivals
// have a flat autocorrelation). The histogram is computed straight from the pairs of events
// rather than by FFT of the binned series: with ~100 events that is the same autocorrelation in
// O(n). The best candidate is then checked against 2P, 3P and P/2, ties in confidence going to
// the longer period, so that a series with missed beats is not read at half its period nor one
// with two events per beat at the short gap.
//
// Verification of a period P: every interval d is read as k = round(d / P) beats (k ≥ 1) with a
// residual r = d / P - k. Two models of the intervals are compared by log-likelihood:
//   periodic: k ~ geometric (a beat is missed with probability q), r ~ Laplace(0, b·√k) (jitter
//             that accumulates over missed beats), mixed with 10% of intervals from the null
//             model (stray events), the mixture taken by its larger term;
//   null:     exponential intervals with the same mean (Poisson arrivals).
// b and q are fitted (b = mean |r|/√k, 0.02 ≤ b ≤ 0.5; 0.01 ≤ q ≤ 0.7); an interval shorter
// than 10% of P and than 2 s is another event of the same beat and is left out of both. The
// log-likelihood ratio, less a BIC penalty (1.5 ln m for the two extra parameters), gives
//   strength  s = 1 - exp(-L / 0.15), L the ratio per interval (a perfect beacon ≈ 4, 50%
//               uniform jitter ≈ 0.45, Poisson arrivals below 0),
//   certainty c = min(1, ratio / 12), so that a few intervals cannot be certain,
//   coverage  f = min(1, (beats present - 0.1) / 0.3), beats present = explained beats /
//               beats expected over the series' span, so that bursts (a tiny P that explains
//               only the events inside them) are not beacons,
// and confidence = s · c · f, 0 below MIN_EVENTS events. A candidate with a positive ratio is
// refined once to Σd / Σk over the intervals the periodic model explains.
//
// Reported: the best candidate's confidence; its period as Σd / Σk over the intervals it
// explains (for jitter that accumulates, the mean beat); the jitter, median |r| at that period;
// the fraction of beats present over the span. No confidence, no period: all 0.

import { at, put, medianSorted, medianUnsorted } from "./stats";

const MIN_EVENTS: i32 = 6;
const SAME_BEAT_REL: f64 = 0.1;
const SAME_BEAT_ABS: f64 = 2;
const B_MIN: f64 = 0.02;
const B_MAX: f64 = 0.5;
const Q_MIN: f64 = 0.01;
const Q_MAX: f64 = 0.7;
const LOG_STRAY: f64 = -2.302585092994046;     // ln 0.1: a tenth of intervals may be stray
const LOG_NOT_STRAY: f64 = -0.10536051565782628; // ln 0.9
const STRENGTH_SCALE: f64 = 0.15;
const CERTAINTY_NATS: f64 = 12;
const COVERAGE_FLOOR: f64 = 0.1;
const COVERAGE_SPAN: f64 = 0.3;
const MIDRANGE_FLOOR: f64 = -0.25;
const SETTLED: f64 = 0.999;
const ACF_BINS: i32 = 48;
const ACF_BINS_PER_INTERVAL: f64 = 16;
const ACF_NEIGHBOURS: i32 = 16;
const ACF_PEAK: f64 = 2.5;
/** Intervals of more than K_MAX beats are never explained by the periodic model. */
const K_MAX: i32 = 1024;

/** Result of detect(). */
export let period: f64 = 0;
export let jitter: f64 = 0;
export let beatsPresent: f64 = 0;
export let confidence: f64 = 0;

// Scratch regions, set once by periodicityInit.
let logK: usize = 0;     // ln k, k = 0..K_MAX
let invSqrtK: usize = 0; // 1/√k
let acf: usize = 0;      // ACF_BINS f64
let smooth: usize = 0;   // ACF_BINS f64

export function periodicityInit(): void {
  logK = heap.alloc(<usize>(K_MAX + 1) << 3);
  invSqrtK = heap.alloc(<usize>(K_MAX + 1) << 3);
  acf = heap.alloc(<usize>ACF_BINS << 3);
  smooth = heap.alloc(<usize>ACF_BINS << 3);
  put(logK, 0, 0);
  put(invSqrtK, 0, 0);
  for (let k = 1; k <= K_MAX; k++) {
    put(logK, k, Math.log(<f64>k));
    put(invSqrtK, k, 1 / Math.sqrt(<f64>k));
  }
}

// The evaluation of one candidate (module state: no allocation).
let evPeriod: f64 = 0;
let evConf: f64 = 0;
let evRatio: f64 = 0;
let evRefined: f64 = 0;
let evFitted = 0;
let evBeats: f64 = 0;

// The best candidate so far.
let bestPeriod: f64 = 0;
let bestConf: f64 = -1;
let bestRatio: f64 = 0;
let bestRefined: f64 = 0;
let bestFitted = 0;

@inline function sameBeat(d: f64, x: f64): bool {
  return x < SAME_BEAT_REL && d < SAME_BEAT_ABS;
}

/** Score period p on the m intervals sorted at d of a series of n events spanning span. The
 *  intervals being sorted, those of one beat come first, then the ones too short for a beat
 *  (under P/2), then the rest in order of k. */
function evaluate(d: usize, m: i32, n: i32, span: f64, p: f64): bool {
  if (!(p > 0) || !isFinite(p)) return false;
  const inv = 1 / p;
  let first = 0; // the intervals before first are parts of a beat
  let sameD: f64 = 0;
  while (first < m) {
    const di = at(d, first);
    if (!sameBeat(di, di * inv)) break;
    sameD += di;
    first++;
  }
  let beats = first; // intervals from beats on are at least P/2
  while (beats < m && at(d, beats) * inv < 0.5) beats++;
  const used = m - first;
  const sumD = span - sameD;
  if (used == 0 || !(sumD > 0)) return false;
  // Pass 1: the periodic model's jitter scale and missed-beat rate.
  let inBeats = 0;
  let sumK: f64 = 0;
  let sumE: f64 = 0;
  for (let i = beats; i < m; i++) {
    const x = at(d, i) * inv;
    const k = max<f64>(1, nearest(x)); // x = 0.5 rounds to even: 0
    if (k > <f64>K_MAX) break;
    inBeats++;
    sumK += k;
    sumE += Math.abs(x - k) * at(invSqrtK, <i32>k);
  }
  const b = inBeats > 0 ? min<f64>(B_MAX, max<f64>(B_MIN, sumE / <f64>inBeats)) : B_MAX;
  const q = inBeats > 0 ? min<f64>(Q_MAX, max<f64>(Q_MIN, 1 - <f64>inBeats / sumK)) : Q_MAX;
  const lam = <f64>used / sumD; // the null model's rate
  const logLam = Math.log(lam);
  const logQ = Math.log(q);
  const invB = 1 / b;
  // ln of: (1 - stray) · (1 - q) · q^(k-1) / P · Laplace(r; b√k), without the k-dependent terms.
  const base = LOG_NOT_STRAY + Math.log((1 - q) / (q * p * 2 * b));
  // Pass 2: the log-likelihood ratio, and the intervals the periodic model explains (an
  // interval the stray term explains better counts ln 0.1 against the null model).
  let ratio: f64 = 0;
  let fitted = 0;
  let fitK: f64 = 0;
  let fitD: f64 = 0;
  const strayFloor = LOG_STRAY + logLam;
  for (let i = first; i < beats; i++) { // too short: one beat with a residual of 1 - x
    const di = at(d, i);
    const gain = base + logQ - (1 - di * inv) * invB + lam * di - logLam;
    const fit = gain > LOG_STRAY;
    ratio += fit ? gain : LOG_STRAY;
    fitted += <i32>fit;
    fitK += fit ? 1 : 0;
    fitD += fit ? di : 0;
  }
  const last = beats + inBeats;
  for (let i = beats; i < last; i++) {
    const di = at(d, i);
    const x = di * inv;
    const k = max<f64>(1, nearest(x)); // x = 0.5 rounds to even: 0
    const ki = <i32>k;
    const periodic = base + k * logQ - Math.abs(x - k) * invB * at(invSqrtK, ki) - 0.5 * at(logK, ki);
    const nullLog = logLam - lam * di;
    const fit = periodic > strayFloor - lam * di;
    ratio += fit ? periodic - nullLog : LOG_STRAY;
    fitted += <i32>fit;
    fitK += fit ? k : 0;
    fitD += fit ? di : 0;
  }
  ratio += <f64>(m - last) * LOG_STRAY; // more than K_MAX beats: stray
  evPeriod = p;
  evRefined = fitK > 0 ? fitD / fitK : p;
  evFitted = fitted;
  evBeats = min<f64>(1, <f64>(fitted + 1) / (span * inv + 1));
  evRatio = ratio - 1.5 * Math.log(<f64>used);
  if (n < MIN_EVENTS || !(evRatio > 0)) {
    evConf = 0;
  } else {
    const strength = 1 - Math.exp(-(evRatio / <f64>used) / STRENGTH_SCALE);
    const certainty = min<f64>(1, evRatio / CERTAINTY_NATS);
    const coverage = min<f64>(1, max<f64>(0, (evBeats - COVERAGE_FLOOR) / COVERAGE_SPAN));
    evConf = strength * certainty * coverage;
  }
  return true;
}

/** Keep the evaluation if it beats the best: higher confidence, then the higher ratio; when
 *  checking multiples of the best period, a tie in confidence goes to the longer period (the
 *  fundamental rather than a harmonic). */
function consider(multiple: bool): void {
  const tie = Math.abs(evConf - bestConf) <= 1e-6;
  if (evConf > bestConf + 1e-6 || (tie && (multiple && evConf > 0 ? evPeriod > bestPeriod : evRatio > bestRatio))) {
    bestPeriod = evPeriod;
    bestConf = evConf;
    bestRatio = evRatio;
    bestRefined = evRefined;
    bestFitted = evFitted;
  }
}

/** Evaluate p, then once more at its refinement, keeping the better of the two. */
function tryCandidate(d: usize, m: i32, n: i32, span: f64, p: f64, multiple: bool): void {
  if (!evaluate(d, m, n, span, p)) return;
  consider(multiple);
  // Refining a candidate that does no better than the null model is not worth a pass.
  const refined = evRefined;
  if (evRatio > 0 && Math.abs(refined - p) > 1e-6 * p && evaluate(d, m, n, span, refined)) consider(multiple);
}

/** First significant peak of the autocorrelation of the event series binned at w, for lags in
 *  [4w, ACF_BINS·w); 0 when there is none. */
function acfPeak(t: usize, n: i32, w: f64): f64 {
  if (!(w > 0) || !isFinite(w)) return 0;
  memory.fill(acf, 0, <usize>ACF_BINS << 3);
  const inv = 1 / w;
  for (let i = 0; i < n; i++) {
    const ti = at(t, i);
    const last = min<i32>(n - 1, i + ACF_NEIGHBOURS);
    for (let j = i + 1; j <= last; j++) {
      const bin = (at(t, j) - ti) * inv;
      if (bin >= <f64>ACF_BINS) break;
      const b = <i32>bin;
      put(acf, b, at(acf, b) + 1);
    }
  }
  // Smoothed (1 2 1) from bin 4 on; then the first local maximum that reaches half the highest:
  // a series with missed beats has as many pairs at 2P, 3P... as at P.
  let prev = at(acf, 3);
  let highest: f64 = 0;
  let total: f64 = 0;
  for (let b = 4; b < ACF_BINS - 1; b++) {
    const c = at(acf, b);
    const s = prev + 2 * c + at(acf, b + 1);
    prev = c;
    put(smooth, b, s);
    if (s > highest) highest = s;
    total += s;
  }
  // A peak no higher than ACF_PEAK times the mean is noise (Poisson arrivals have a flat
  // autocorrelation): no candidate.
  if (highest == 0 || highest < ACF_PEAK * total / <f64>(ACF_BINS - 5)) return 0;
  let peak = 4;
  for (let b = 4; b < ACF_BINS - 1; b++) {
    const s = at(smooth, b);
    if (s >= 0.5 * highest && (b == ACF_BINS - 2 || s >= at(smooth, b + 1))) {
      peak = b;
      break;
    }
  }
  // Centroid of the peak bin and its neighbours, bins taken at their centres.
  const l = at(acf, peak - 1);
  const c = at(acf, peak);
  const r = at(acf, peak + 1);
  return (<f64>peak + 0.5 + (r - l) / (l + c + r)) * w;
}

/** Median |r| (r the residual to the nearest whole number of beats, a too-short interval
 *  measured against one beat) of the intervals at d for period p, relative to p. */
function jitterOf(d: usize, m: i32, p: f64, scratch: usize): f64 {
  const inv = 1 / p;
  let k = 0;
  for (let i = 0; i < m; i++) {
    const di = at(d, i);
    const x = di * inv;
    if (sameBeat(di, x)) continue;
    put(scratch, k, x < 0.5 ? 1 - x : Math.abs(x - max<f64>(1, nearest(x))));
    k++;
  }
  return medianUnsorted(scratch, k);
}

/** Periodicity of n sorted finite times at t, with their nz non-zero intervals sorted at d (a
 *  zero interval is always part of a beat, so the others are all that matter, in any order).
 *  scratch: nz f64. Sets period, jitter, beatsPresent, confidence. */
export function detect(t: usize, n: i32, d: usize, nz: i32, scratch: usize): void {
  period = 0;
  jitter = 0;
  beatsPresent = 0;
  confidence = 0;
  if (n < 3 || nz < 2) return;
  const m = nz;
  const span = at(t, n - 1) - at(t, 0);
  if (!(span > 0) || !isFinite(span)) return;
  bestPeriod = 0;
  bestConf = -1;
  bestRatio = -Infinity;
  bestRefined = 0;
  bestFitted = 0;

  const median = medianSorted(d, nz);
  tryCandidate(d, m, n, span, median, false);
  // Searched further unless the median already explains the series.
  if (bestConf < SETTLED) {
    // The midrange of the 5th and 95th percentiles matters when the median is near a period
    // but off (uniform jitter): not when the median does far worse than the null model.
    const p5 = at(d, <i32>Math.floor(0.05 * <f64>(nz - 1)));
    const p95 = at(d, <i32>Math.ceil(0.95 * <f64>(nz - 1)));
    const midrange = (p5 + p95) / 2;
    if (bestRatio > MIDRANGE_FLOOR * <f64>m && Math.abs(midrange - median) > 0.005 * median) tryCandidate(d, m, n, span, midrange, false);
    const peak = acfPeak(t, n, span / <f64>nz / ACF_BINS_PER_INTERVAL);
    if (Math.abs(peak - median) > 0.005 * median && Math.abs(peak - midrange) > 0.005 * midrange) tryCandidate(d, m, n, span, peak, false);
  }
  if (bestConf > 0) {
    const p = bestPeriod;
    tryCandidate(d, m, n, span, p * 2, true);
    tryCandidate(d, m, n, span, p * 3, true);
    tryCandidate(d, m, n, span, p * 0.5, false);
  }
  if (!(bestConf > 0)) return; // no period
  // The period reported is the explained intervals' time over their beats (for jitter that
  // accumulates, the mean beat), beside which the best candidate may sit off centre.
  period = bestRefined;
  jitter = jitterOf(d, m, period, scratch);
  beatsPresent = min<f64>(1, <f64>(bestFitted + 1) / (span / period + 1));
  confidence = max<f64>(0, bestConf);
}
