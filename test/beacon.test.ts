// The beacon scorer (build/beacon.wasm through src/engine/beacon-scorer.ts): periodicity found
// through jitter and missed beats and not in random or bursty traffic, RITA's sub-scores against
// values worked out by hand and against RITA's own test cases, and no input that breaks it. The
// series come from bench/lib/series.js, the generators the benchmark measures detection rates on.

import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import { BeaconScorer, BEACON_THRESHOLD, type BeaconScore, type BeaconSeries } from '../src/engine/beacon-scorer.js';
import { rng, beacon, poisson, human, T0 } from '../bench/lib/series.js';

const within = (value: number, expected: number, fraction: number) =>
  expect(Math.abs(value - expected) / expected, `${value} vs ${expected}`).toBeLessThanOrEqual(fraction);

let scorer: BeaconScorer;
const one = (s: BeaconSeries): BeaconScore => scorer.score([s])[0];

beforeAll(() => {
  scorer = new BeaconScorer();
});

describe('periodicity', () => {
  for (const period of [30, 60, 300, 900]) {
    it(`a perfect beacon every ${period} s`, () => {
      const b = one(beacon(rng(period), { period, beats: 100 }));
      within(b.period, period, 0.05);
      expect(b.confidence).toBeGreaterThanOrEqual(0.9);
      expect(b.score).toBeGreaterThanOrEqual(0.8);
      expect(b.jitter).toBeLessThan(0.01);
      expect(b.beatsPresent).toBeGreaterThan(0.98);
      expect(b.count).toBe(100);
    });
  }

  for (const jitter of [0.1, 0.3, 0.5]) {
    it(`jitter of ±${jitter * 100}% (uniform) is still a beacon, at its period`, () => {
      const random = rng(1000 + jitter * 100);
      for (let i = 0; i < 20; i++) {
        const period = i % 2 ? 60 : 300;
        const b = one(beacon(random, { period, beats: 100, jitter }));
        expect(b.score).toBeGreaterThanOrEqual(BEACON_THRESHOLD);
        within(b.period, period, 0.1);
        // the median |U(-j, j)| is j/2
        expect(b.jitter).toBeGreaterThan(jitter * 0.3);
        expect(b.jitter).toBeLessThan(jitter * 0.7);
      }
    });
  }

  it('30% of beats missing: detected at the period, not twice it, with 70% of beats present', () => {
    const random = rng(7);
    let sum = 0;
    for (let i = 0; i < 20; i++) {
      const period = i % 2 ? 60 : 600;
      const s = beacon(random, { period, beats: 100, missing: 0.3 });
      const b = one(s);
      expect(b.score).toBeGreaterThanOrEqual(BEACON_THRESHOLD);
      within(b.period, period, 0.05);
      // the beats present between the first and the last
      const t = s.times as number[];
      within(b.beatsPresent, t.length / (Math.round((t[t.length - 1] - t[0]) / period) + 1), 0.02);
      sum += b.beatsPresent;
    }
    expect(sum / 20).toBeGreaterThan(0.65);
    expect(sum / 20).toBeLessThan(0.75);
  });

  it('30% jitter and 20% of beats missing at once', () => {
    const random = rng(11);
    for (let i = 0; i < 20; i++) {
      const period = i % 2 ? 120 : 900;
      const b = one(beacon(random, { period, beats: 100, jitter: 0.3, missing: 0.2 }));
      expect(b.score).toBeGreaterThanOrEqual(BEACON_THRESHOLD);
      within(b.period, period, 0.1);
      expect(b.beatsPresent).toBeGreaterThan(0.65);
      expect(b.beatsPresent).toBeLessThanOrEqual(1);
    }
  });

  it('a beacon of two hours in a day (24 beats at 5 min) counts, though RITA\'s day-long scores do not', () => {
    const random = rng(5);
    for (let i = 0; i < 10; i++) {
      const s = beacon(random, { period: 300, beats: 24, jitter: 0.05, start: T0 + 10 * 3600 });
      const b = one({ ...s, windowStart: T0, windowEnd: T0 + 86400 });
      expect(b.score).toBeGreaterThanOrEqual(BEACON_THRESHOLD);
      within(b.period, 300, 0.05);
      // 24 connections in 2-3 of the day's 24 bins: RITA's histogram and duration scores are 0
      expect(b.ritaHist).toBe(0);
      expect(b.ritaDur).toBe(0);
    }
  });

  it('a beacon that opens two connections per beat is read at its period', () => {
    const s = beacon(rng(3), { period: 120, beats: 60, jitter: 0.05 });
    const times = (s.times as number[]).flatMap((t) => [t, t + 0.5]);
    const b = one({ times });
    expect(b.score).toBeGreaterThanOrEqual(BEACON_THRESHOLD);
    within(b.period, 120, 0.05);
  });

  it('Poisson arrivals at the same mean rate are not beacons', () => {
    const random = rng(21);
    for (let i = 0; i < 60; i++) {
      const b = one(poisson(random, [30, 60, 300, 900][i % 4], 100));
      expect(b.score).toBeLessThan(BEACON_THRESHOLD);
      expect(b.confidence).toBeLessThan(0.3);
    }
  });

  it('short Poisson series (10 and 30 events) are not beacons', () => {
    const random = rng(22);
    for (let i = 0; i < 60; i++) expect(one(poisson(random, 60, i % 2 ? 10 : 30)).score).toBeLessThan(BEACON_THRESHOLD);
  });

  it('bursts of human activity in office hours are not beacons', () => {
    const random = rng(23);
    for (let i = 0; i < 30; i++) {
      const b = one(human(random, 100));
      expect(b.score).toBeLessThan(BEACON_THRESHOLD);
      expect(b.confidence).toBeLessThan(0.3);
    }
  });

  it('a handful of events (fewer than 6) is never a beacon, however regular', () => {
    for (let n = 0; n < 6; n++) {
      const b = one(beacon(rng(n + 1), { period: 60, beats: n }));
      expect(b.count).toBe(n);
      expect(b.confidence).toBe(0);
      expect(b.score).toBeLessThan(BEACON_THRESHOLD);
    }
  });
});

describe("RITA's sub-scores", () => {
  const at = (intervals: number[], start = T0) => intervals.reduce((t, d) => [...t, t[t.length - 1] + d], [start]);

  it('intervals [10, 10, 10, 11]: quartiles 10, 10, 10.5, an IQR under 10 so no skew, MAD 0: time score 1', () => {
    const b = one({ times: at([10, 10, 10, 11]) });
    expect(b.tsSkew).toBe(0);
    expect(b.tsMad).toBe(0);
    expect(b.ritaTs).toBe(1);
  });

  it('intervals [10, 20, 40, 80, 160]: Bowley skew 55/105, MAD 30 about the median 40', () => {
    // sorted intervals 10 20 40 80 160: Q1 = median(10, 20) = 15, Q2 = 40, Q3 = median(80, 160) = 120;
    // skew = (15 + 120 - 80) / (120 - 15) = 55/105; |x - 40| = 30 20 0 40 120, median 30;
    // score = round(((1 - 55/105) + (40 - 30)/40) / 2, 3) = round(0.36310, 3) = 0.363
    const b = one({ times: at([10, 20, 40, 80, 160]) });
    expect(b.tsSkew).toBeCloseTo(55 / 105, 12);
    expect(b.tsMad).toBe(30);
    expect(b.ritaTs).toBe(0.363);
  });

  // RITA v5's own cases, analysis/beacons_test.go (TestGetTimestampScore, TestGetDataSizeScore)
  it('RITA: perfect 60 s intervals score 1', () => {
    const b = one({ times: [1517338924, 1517338984, 1517339044, 1517339104, 1517339164, 1517339224, 1517339284, 1517339344, 1517339404, 1517339464] });
    expect([b.tsSkew, b.tsMad, b.ritaTs]).toEqual([0, 0, 1]);
  });

  it('RITA: closely valued intervals (98..102): skew 0, MAD 1, score 0.995', () => {
    const b = one({ times: [1517338924, 1517339022, 1517339121, 1517339220, 1517339320, 1517339420, 1517339520, 1517339621, 1517339722, 1517339824] });
    expect([b.tsSkew, b.tsMad, b.ritaTs]).toEqual([0, 1, 0.995]);
  });

  it('RITA: bimodal intervals (98, 300): skew 0, MAD 101, score 0.746', () => {
    const b = one({ times: [1517338924, 1517339022, 1517339322, 1517339420, 1517339720, 1517339818, 1517340118, 1517340216, 1517340516, 1517340614, 1517340914] });
    expect([b.tsSkew, b.tsMad, b.ritaTs]).toEqual([0, 101, 0.746]);
  });

  it('RITA: random intervals: skew 0.845, MAD 89, score 0.083', () => {
    const b = one({ times: [1517338924, 1517338925, 1517339224, 1517339249, 1517344224, 1517344314, 1517344316, 1517344358, 1517344858, 1517346358] });
    expect(b.tsSkew).toBeCloseTo(833.5 / 986.5, 12);
    expect(b.tsMad).toBe(89);
    expect(b.ritaTs).toBe(0.083);
  });

  it('RITA: data sizes (random; 1..10; all 0; all 60)', () => {
    const times = (n: number) => Array.from({ length: n }, (_, i) => T0 + i * 60);
    const random = one({ times: times(8), sizes: [524885, 1, 5000, 98654, 50, 41, 965842, 3] });
    expect(random.dsSkew).toBeCloseTo(306741.5 / 311747.5, 12);
    expect(random.dsMad).toBe(2523);
    expect(random.ritaDs).toBe(0.008);
    const simple = one({ times: times(10), sizes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    expect([simple.dsSkew, simple.dsMad, simple.ritaDs]).toEqual([0, 2.5, 0.773]);
    expect(one({ times: times(10), sizes: new Array(10).fill(0) }).ritaDs).toBe(0.5);
    expect(one({ times: times(9), sizes: new Array(9).fill(60) }).ritaDs).toBe(1);
  });

  it('histogram and duration over a day: 2 events an hour for 8 hours', () => {
    // bins 2 ×8, 0 ×16: mean 2/3, SD √(8/9), CV √2 > 1 → 0; 8 bars < 11 → no bimodal fit: histogram 0.
    // duration: coverage ceil((7 h 15 min) / 24 h) = 0.303, consistency ceil(8/12) = 0.667 → 0.667
    const times = Array.from({ length: 8 }, (_, h) => [T0 + h * 3600 + 1800, T0 + h * 3600 + 2700]).flat();
    const b = one({ times, sizes: times.map(() => 1000), windowStart: T0, windowEnd: T0 + 86400 });
    expect(b.ritaHist).toBe(0);
    expect(b.ritaDur).toBe(0.667);
    expect(b.ritaScore).toBe(Math.round((b.ritaTs + b.ritaDs + 0 + 0.667) * 0.25 * 1000) / 1000);
  });

  it('histogram and duration over a day see only the day\'s events, as RITA sees a day of logs', () => {
    // 2 events an hour for 8 hours (as above: histogram 0, duration 0.667), and 10 the day before
    const day = Array.from({ length: 8 }, (_, h) => [T0 + h * 3600 + 1800, T0 + h * 3600 + 2700]).flat();
    const before = Array.from({ length: 10 }, (_, i) => T0 - 50000 + i * 600);
    const b = one({ times: [...before, ...day], windowStart: T0, windowEnd: T0 + 86400 });
    expect([b.ritaHist, b.ritaDur]).toEqual([0, 0.667]);
    expect(b.count).toBe(26); // the other scores see every event
  });

  it('histogram and duration over a day: one event an hour', () => {
    const times = Array.from({ length: 24 }, (_, h) => T0 + h * 3600 + 1800);
    const b = one({ times, windowStart: T0, windowEnd: T0 + 86400 });
    expect(b.ritaHist).toBe(1);
    expect(b.ritaDur).toBe(1);
    expect(b.ritaTs).toBe(1);
    expect(b.ritaDs).toBe(0); // no sizes
  });

  /** RITA's formulas in JS (quartiles as montanaflynn/stats computes them). */
  function reference(values: number[], defaultMad: number): { skew: number; mad: number; score: number } {
    const v = [...values].sort((a, b) => a - b);
    const median = (a: number[]) => (a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2);
    const c1 = v.length >> 1;
    const c2 = v.length % 2 ? c1 + 1 : c1;
    const [q1, q2, q3] = [median(v.slice(0, c1)), median(v), median(v.slice(c2))];
    const den = q3 - q1;
    const skew = den >= 10 && q2 !== q1 && q2 !== q3 ? (q1 + q3 - 2 * q2) / den : 0;
    const mad = median(v.map((x) => Math.abs(x - q2)).sort((a, b) => a - b));
    let madScore = q2 >= 1 ? (q2 - mad) / q2 : defaultMad;
    if (!(madScore >= 0)) madScore = 0;
    return { skew, mad, score: Math.round(((1 - Math.abs(skew) + madScore) / 2) * 1000) / 1000 };
  }

  it('match a reference implementation on random series with many duplicates', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.oneof(fc.integer({ min: 0, max: 9 }), fc.double({ min: 0, max: 1e6, noNaN: true }))),
        { minLength: 4, maxLength: 300 }),
      (events) => {
        const times = events.map(([t]) => T0 + t * 7);
        const sizes = events.map(([, s]) => s);
        const b = one({ times, sizes });
        const sorted = [...times].sort((a, b) => a - b);
        const nz = sorted.slice(1).map((t, i) => t - sorted[i]).filter((d) => d > 0);
        const ts = nz.length >= 3 ? reference(nz, 1) : { skew: 0, mad: 0, score: 0 };
        const ds = reference(sizes, 0);
        expect(b.tsSkew).toBeCloseTo(ts.skew, 9);
        expect(b.tsMad).toBeCloseTo(ts.mad, 9);
        expect(b.ritaTs).toBeCloseTo(ts.score, 9);
        expect(b.dsSkew).toBeCloseTo(ds.skew, 9);
        expect(b.dsMad).toBeCloseTo(ds.mad, 6);
        expect(b.ritaDs).toBeCloseTo(ds.score, 9);
      }), { seed: 31, numRuns: 300 });
  });

  it('match it on whole-byte sizes too, up to 2^32 - 1 (sorted by radix)', () => {
    fc.assert(fc.property(
      fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 0xffffffff })), { minLength: 3, maxLength: 512 }),
      (sizes) => {
        const b = one({ times: sizes.map((_, i) => T0 + i), sizes });
        const ds = reference(sizes, 0);
        expect(b.dsSkew).toBeCloseTo(ds.skew, 9);
        expect(b.dsMad).toBe(ds.mad);
        expect(b.ritaDs).toBeCloseTo(ds.score, 9);
      }), { seed: 33, numRuns: 300 });
  });
});

describe('the batch API', () => {
  it('scores a batch as it scores each series alone, however the batch is split', () => {
    const random = rng(41);
    const series = Array.from({ length: 25 }, (_, i) => (i % 3 ? poisson(random, 60, 20 + i * 7) : beacon(random, { period: 60, beats: 30 + i, jitter: 0.2 })));
    const alone = series.map((s) => one(s));
    expect(scorer.score(series)).toEqual(alone);
    expect(new BeaconScorer({ maxPairs: 4, maxPoints: 600 }).score(series)).toEqual(alone);
  });

  it('keeps the most recent 512 events of a longer series, in any order', () => {
    const random = rng(43);
    const old = poisson(random, 30, 700).times as number[];
    const recent = beacon(random, { period: 60, beats: 512, start: old[old.length - 1] + 100 }).times as number[];
    const times = [...old, ...recent];
    const shuffled = [...times].sort(() => random() - 0.5);
    for (const t of [times, shuffled]) {
      const b = one({ times: t });
      expect(b.count).toBe(scorer.maxSeries);
      expect(b.score).toBeGreaterThanOrEqual(0.8);
      within(b.period, 60, 0.01);
    }
  });

  it('never throws and keeps every score in [0, 1], whatever the input', () => {
    const value = fc.oneof(
      fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1e308, -1e308, 5e-324),
      fc.integer({ min: -5, max: 5 }), fc.double({ min: 1.7e9, max: 1.7e9 + 1e5, noNaN: true }),
    );
    const series = fc.record({
      times: fc.array(value, { maxLength: 700 }),
      sizes: fc.option(fc.array(value, { maxLength: 700 }), { nil: undefined }),
      windowStart: fc.option(value, { nil: undefined }),
      windowEnd: fc.option(value, { nil: undefined }),
    });
    fc.assert(fc.property(fc.array(series, { maxLength: 8 }), (batch) => {
      const scores = scorer.score(batch);
      expect(scores).toHaveLength(batch.length);
      scores.forEach((b, i) => {
        for (const k of ['confidence', 'beatsPresent', 'ritaTs', 'ritaDs', 'ritaHist', 'ritaDur', 'ritaScore', 'score'] as const) {
          expect(b[k], k).toBeGreaterThanOrEqual(0);
          expect(b[k], k).toBeLessThanOrEqual(1);
        }
        for (const k of ['period', 'jitter', 'tsMad', 'dsMad', 'count'] as const) {
          expect(Number.isFinite(b[k]) && b[k] >= 0, k).toBe(true);
        }
        expect(Number.isFinite(b.tsSkew) && Number.isFinite(b.dsSkew)).toBe(true);
        expect(b.count).toBeLessThanOrEqual(Math.min(batch[i].times.length, scorer.maxSeries));
      });
    }), { seed: 37, numRuns: 300 });
  });
});
