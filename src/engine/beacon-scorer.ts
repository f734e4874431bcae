// Beacon scoring through build/beacon.wasm (assembly/beacon/): RITA's sub-scores and a
// jitter-tolerant periodicity detector for many (device, endpoint) event series at once. The
// module is instantiated once; a call copies the series into its input regions in as few batches
// as its capacity allows and makes one WASM call per batch. Output field offsets come from the
// module's exported constants.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const WASM_PATH = fileURLToPath(new URL('../../build/beacon.wasm', import.meta.url));

/** Scores at or above this are beacons: the alert threshold of beacon.periodic. */
export const BEACON_THRESHOLD = 0.7;

export interface BeaconSeries {
  /** Event times, seconds of capture time, in any order; non-finite times are ignored. */
  times: Float64Array | readonly number[];
  /** Bytes the device sent per event, beside times; omit when unknown. */
  sizes?: Float64Array | readonly number[];
  /** Observation window for RITA's histogram and duration scores, which see only the events
   *  inside it (RITA scores a day of logs); the series' first and last time when omitted. */
  windowStart?: number;
  windowEnd?: number;
}

export interface BeaconScore {
  /** Events scored: the finite times, the most recent MAX_SERIES of them. */
  count: number;
  /** Period in seconds (0 when none). */
  period: number;
  /** Median |interval / period - nearest whole number of beats|: 0 exact, 0.25 for ±50% uniform jitter. */
  jitter: number;
  /** Fraction of the beats expected over the series' span that are present. */
  beatsPresent: number;
  /** Periodicity confidence 0..1. */
  confidence: number;
  /** RITA's time score (interval skew and MAD), data size score, histogram and duration scores. */
  ritaTs: number;
  ritaDs: number;
  ritaHist: number;
  ritaDur: number;
  /** RITA's beacon score: the four above, 0.25 each. */
  ritaScore: number;
  /** The combined score 0..1 compared with BEACON_THRESHOLD. */
  score: number;
  /** Bowley skewness and median absolute deviation of the intervals (seconds) and of the sizes (bytes). */
  tsSkew: number;
  tsMad: number;
  dsSkew: number;
  dsMad: number;
}

/** The module's name for the offset of each field. */
const FIELDS: Record<keyof BeaconScore, string> = {
  count: 'F_COUNT', period: 'F_PERIOD', jitter: 'F_JITTER', beatsPresent: 'F_BEATS', confidence: 'F_CONFIDENCE',
  ritaTs: 'F_RITA_TS', ritaDs: 'F_RITA_DS', ritaHist: 'F_RITA_HIST', ritaDur: 'F_RITA_DUR', ritaScore: 'F_RITA_SCORE',
  score: 'F_SCORE', tsSkew: 'F_TS_SKEW', tsMad: 'F_TS_MAD', dsSkew: 'F_DS_SKEW', dsMad: 'F_DS_MAD',
};

type Exports = Record<string, unknown> & {
  memory: WebAssembly.Memory;
  init(maxPairs: number, maxPoints: number): void;
  score(nPairs: number): number;
  offsetsPtr(): number;
  timesPtr(): number;
  sizesPtr(): number;
  windowsPtr(): number;
  outputPtr(): number;
};

let compiled: WebAssembly.Module | undefined;

export interface BeaconScorerOptions {
  /** Series per WASM call (default 8192). */
  maxPairs?: number;
  /** Events per WASM call, all series together (default 2^20; at least MAX_SERIES). */
  maxPoints?: number;
}

export class BeaconScorer {
  /** Longest series scored; longer ones keep their most recent events. */
  readonly maxSeries: number;
  private readonly exports: Exports;
  private readonly maxPairs: number;
  private readonly maxPoints: number;
  private readonly fieldCount: number;
  private readonly f: Record<keyof BeaconScore, number>;
  private buffer: ArrayBuffer | undefined;
  private offsetView!: Int32Array;
  private timeView!: Float64Array;
  private sizeView!: Float64Array;
  private windowView!: Float64Array;
  private outView!: Float64Array;

  constructor(opts: BeaconScorerOptions = {}) {
    compiled ??= new WebAssembly.Module(readFileSync(WASM_PATH));
    const instance = new WebAssembly.Instance(compiled, {
      env: { abort: () => { throw new Error('beacon.wasm aborted'); } },
    });
    this.exports = instance.exports as Exports;
    this.maxSeries = this.constant('MAX_SERIES');
    this.maxPairs = Math.max(1, Math.floor(opts.maxPairs ?? 8192));
    this.maxPoints = Math.max(this.maxSeries, Math.floor(opts.maxPoints ?? 1 << 20));
    this.exports.init(this.maxPairs, this.maxPoints);
    this.fieldCount = this.constant('FIELD_COUNT');
    this.f = Object.fromEntries(Object.entries(FIELDS).map(([k, name]) => [k, this.constant(name)])) as Record<keyof BeaconScore, number>;
  }

  private constant(name: string): number {
    const g = this.exports[name] as WebAssembly.Global | undefined;
    if (!g) throw new Error(`beacon.wasm has no export ${name}`);
    return g.value as number;
  }

  /** Typed views of the regions, rebuilt only when memory has grown. */
  private views(): void {
    const buf = this.exports.memory.buffer;
    if (buf === this.buffer) return;
    this.buffer = buf;
    const e = this.exports;
    this.offsetView = new Int32Array(buf, e.offsetsPtr() >>> 0, this.maxPairs + 1);
    this.timeView = new Float64Array(buf, e.timesPtr() >>> 0, this.maxPoints);
    this.sizeView = new Float64Array(buf, e.sizesPtr() >>> 0, this.maxPoints);
    this.windowView = new Float64Array(buf, e.windowsPtr() >>> 0, this.maxPairs * 2);
    this.outView = new Float64Array(buf, e.outputPtr() >>> 0, this.maxPairs * this.fieldCount);
  }

  /** Scores for every series, in order. */
  score(series: readonly BeaconSeries[]): BeaconScore[] {
    this.views();
    const results: BeaconScore[] = new Array(series.length);
    let first = 0;
    let pairs = 0;
    let points = 0;
    this.offsetView[0] = 0;
    for (let i = 0; i < series.length; i++) {
      const s = series[i];
      const n = Math.min(s.times.length, this.maxSeries);
      if (pairs === this.maxPairs || points + n > this.maxPoints) {
        this.run(first, pairs, results);
        first = i;
        pairs = 0;
        points = 0;
      }
      points += this.write(s, points);
      this.windowView[pairs * 2] = s.windowStart ?? NaN;
      this.windowView[pairs * 2 + 1] = s.windowEnd ?? NaN;
      this.offsetView[++pairs] = points;
    }
    if (pairs > 0) this.run(first, pairs, results);
    return results;
  }

  /** Copy one series at point offset `at`; returns the events written (at most maxSeries). */
  private write(s: BeaconSeries, at: number): number {
    const { times, sizes } = s;
    const keep = times.length > this.maxSeries ? this.mostRecent(times) : null;
    if (keep === null) {
      const n = times.length;
      this.timeView.set(times, at);
      const given = sizes ? Math.min(sizes.length, n) : 0;
      if (given > 0) this.sizeView.set(given === sizes!.length ? sizes! : sizes!.slice(0, given), at);
      this.sizeView.fill(NaN, at + given, at + n);
      return n;
    }
    keep.forEach((j, k) => {
      this.timeView[at + k] = times[j];
      this.sizeView[at + k] = sizes && j < sizes.length ? sizes[j] : NaN;
    });
    return keep.length;
  }

  /** Indices of the maxSeries most recent finite times, oldest first. */
  private mostRecent(times: Float64Array | readonly number[]): number[] {
    const idx: number[] = [];
    for (let j = 0; j < times.length; j++) if (Number.isFinite(times[j])) idx.push(j);
    let sorted = true;
    for (let k = 1; k < idx.length && sorted; k++) sorted = times[idx[k]] >= times[idx[k - 1]];
    if (!sorted) idx.sort((a, b) => times[a] - times[b]);
    return idx.slice(Math.max(0, idx.length - this.maxSeries));
  }

  private run(first: number, pairs: number, results: BeaconScore[]): void {
    this.exports.score(pairs);
    this.views();
    const o = this.outView;
    const f = this.f;
    for (let p = 0, b = 0; p < pairs; p++, b += this.fieldCount) {
      results[first + p] = {
        count: o[b + f.count], period: o[b + f.period], jitter: o[b + f.jitter], beatsPresent: o[b + f.beatsPresent],
        confidence: o[b + f.confidence], ritaTs: o[b + f.ritaTs], ritaDs: o[b + f.ritaDs], ritaHist: o[b + f.ritaHist],
        ritaDur: o[b + f.ritaDur], ritaScore: o[b + f.ritaScore], score: o[b + f.score], tsSkew: o[b + f.tsSkew],
        tsMad: o[b + f.tsMad], dsSkew: o[b + f.dsSkew], dsMad: o[b + f.dsMad],
      };
    }
  }
}
