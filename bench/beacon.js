// Scenario "beacon": the WASM beacon scorer (build/beacon.wasm through dist/engine/beacon-scorer.js)
// on BENCH_PAIRS synthetic (device, endpoint) series of 100 events each, on one core, in batches
// of 10,000 series. A tenth are beacons with jitter, the rest Poisson arrivals; the generators
// (bench/lib/series.js, which test/beacon.test.ts uses too) are seeded, so every run scores the
// same series. The floor is generating the series in JS; the scorer's time is its score() calls
// alone (copy in, one WASM call per batch, result objects). Then, untimed, detection by case:
// CASE_SERIES seeded series of each kind of beacon (jitter, missed beats, short) and of each
// kind of traffic that is not one (Poisson arrivals of 100, 30 and 10 events, a person's
// bursts), the share that reaches the threshold and the lowest (beacons) or highest (the rest)
// score. Prints the tables and writes bench/results/beacon.json.
import { BeaconScorer, BEACON_THRESHOLD } from '../dist/engine/beacon-scorer.js';
import { writeResults } from './lib/report.js';
import { bestOf, envNumber, RUNS, since } from './lib/runs.js';
import { formatTable } from './lib/table.js';
import { rng, beacon, poisson, human, logUniform } from './lib/series.js';

const PAIRS = envNumber('BENCH_PAIRS', 1_000_000);
const BATCH = 10_000;
const POINTS = 100;
const BEACON_SHARE = 0.1;
const SEED = 1;
const TARGET_SECONDS = 10; // the target for 1,000,000 pairs on one core
const CASE_SERIES = envNumber('BENCH_CASE_SERIES', 100_000);

/** One batch: series (as Float64Arrays) and which of them are beacons. Periods and mean gaps are
 *  log-uniform over 30 s .. 1 h; a beacon's interval is its period times 1 + U(-j, j), j uniform
 *  in [0, 0.5], its sizes its own constant ±2%; a Poisson series has exponential gaps and sizes
 *  uniform in 200..2200 bytes. */
function generate(random, count) {
  const series = new Array(count);
  const isBeacon = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const start = 1.7e9 + random() * 86400;
    let s;
    if (random() < BEACON_SHARE) {
      isBeacon[i] = 1;
      s = beacon(random, {
        period: logUniform(random()), beats: POINTS, jitter: 0.5 * random(), start, size: 100 + Math.floor(random() * 2000), sizeJitter: 0.04,
      });
    } else {
      s = poisson(random, logUniform(random()), POINTS, start);
    }
    series[i] = { times: Float64Array.from(s.times), sizes: Float64Array.from(s.sizes) };
  }
  return { series, beacon: isBeacon };
}

/** The detection cases: what each series is, and how to make one (periods and mean gaps
 *  log-uniform over 30 s .. 1 h unless the case says). */
const CASES = [
  { name: 'beacon, ±10% jitter', beacon: true, make: (r) => beacon(r, { period: logUniform(r()), beats: 100, jitter: 0.1 }) },
  { name: 'beacon, ±30% jitter', beacon: true, make: (r) => beacon(r, { period: logUniform(r()), beats: 100, jitter: 0.3 }) },
  { name: 'beacon, ±50% jitter', beacon: true, make: (r) => beacon(r, { period: logUniform(r()), beats: 100, jitter: 0.5 }) },
  { name: 'beacon, 30% of beats missing', beacon: true, make: (r) => beacon(r, { period: logUniform(r()), beats: 100, missing: 0.3 }) },
  { name: 'beacon, ±30% jitter, 20% missing', beacon: true, make: (r) => beacon(r, { period: logUniform(r()), beats: 100, jitter: 0.3, missing: 0.2 }) },
  { name: 'beacon, 24 beats at 5 min, ±5%', beacon: true, make: (r) => beacon(r, { period: 300, beats: 24, jitter: 0.05 }) },
  { name: 'Poisson, 100 events', beacon: false, make: (r) => poisson(r, logUniform(r()), 100) },
  { name: 'Poisson, 30 events', beacon: false, make: (r) => poisson(r, logUniform(r()), 30) },
  { name: 'Poisson, 10 events', beacon: false, make: (r) => poisson(r, logUniform(r()), 10) },
  { name: 'human bursts, 100 events', beacon: false, make: (r) => human(r, 100) },
];

/** CASE_SERIES series of every case, each case from its own seed: how many reach the threshold,
 *  and the lowest score of a beacon case or the highest of any other. */
function cases(scorer) {
  return CASES.map((c, i) => {
    const random = rng(SEED + 1 + i);
    let flagged = 0;
    let lowest = Infinity;
    let highest = -Infinity;
    for (let done = 0; done < CASE_SERIES; done += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, CASE_SERIES - done) }, () => c.make(random));
      for (const { score } of scorer.score(batch)) {
        if (score >= BEACON_THRESHOLD) flagged++;
        lowest = Math.min(lowest, score);
        highest = Math.max(highest, score);
      }
    }
    return {
      case: c.name, beacon: c.beacon, series: CASE_SERIES, flagged, rate: flagged / CASE_SERIES,
      ...(c.beacon ? { lowestScore: lowest } : { highestScore: highest }),
    };
  });
}

/** One pass over every pair: generation and scoring timed apart; detections counted. */
function pass(scorer) {
  const random = rng(SEED);
  let generateSeconds = 0;
  let scoreSeconds = 0;
  let beacons = 0;
  let detected = 0;
  let falsePositives = 0;
  for (let done = 0; done < PAIRS; done += BATCH) {
    let start = process.hrtime.bigint();
    const { series, beacon } = generate(random, Math.min(BATCH, PAIRS - done));
    generateSeconds += since(start);
    start = process.hrtime.bigint();
    const scores = scorer.score(series);
    scoreSeconds += since(start);
    for (let i = 0; i < scores.length; i++) {
      const hit = scores[i].score >= BEACON_THRESHOLD;
      if (beacon[i]) { beacons++; if (hit) detected++; } else if (hit) falsePositives++;
    }
  }
  return { seconds: scoreSeconds, generateSeconds, beacons, detected, falsePositives };
}

export function run() {
  const scorer = new BeaconScorer({ maxPairs: BATCH, maxPoints: BATCH * POINTS });
  process.stderr.write(`beacon: ${PAIRS} pairs of ${POINTS} events, best of ${RUNS}\n`);
  const best = bestOf(() => pass(scorer));
  const rows = [
    { method: 'generate series (floor)', seconds: best.generateSeconds },
    { method: 'BeaconScorer.score', seconds: best.seconds },
    { method: 'generate + score', seconds: best.generateSeconds + best.seconds },
  ];
  for (const r of rows) {
    r.pairsPerSecond = PAIRS / r.seconds;
    r.microsPerPair = (r.seconds / PAIRS) * 1e6;
  }
  const poisson = PAIRS - best.beacons;
  const target = TARGET_SECONDS * (PAIRS / 1e6);
  console.log(`\n${PAIRS} pairs of ${POINTS} events (${best.beacons} beacons with 0-50% jitter, ${poisson} Poisson), ` +
    `batches of ${BATCH}, one core (best of ${RUNS})`);
  console.log(formatTable(['method', 'seconds', 'pairs/s', 'µs/pair'],
    rows.map((r) => [r.method, r.seconds.toFixed(3), Math.round(r.pairsPerSecond).toLocaleString('en-US'), r.microsPerPair.toFixed(2)])));
  console.log(`score >= ${BEACON_THRESHOLD}: ${best.detected} of ${best.beacons} beacons (${(100 * best.detected / best.beacons).toFixed(1)}%), ` +
    `${best.falsePositives} of ${poisson} Poisson series (${(100 * best.falsePositives / poisson).toFixed(3)}%)`);
  console.log(`target: under ${target} s for ${PAIRS} pairs: BeaconScorer.score took ${best.seconds.toFixed(3)} s ` +
    `(${best.seconds < target ? 'met' : 'NOT met'})`);
  const byCase = cases(scorer);
  console.log(`\ndetection by case, ${CASE_SERIES} seeded series each (score >= ${BEACON_THRESHOLD})`);
  console.log(formatTable(['case', 'flagged', 'rate', 'lowest beacon / highest other score'],
    byCase.map((c) => [c.case, String(c.flagged), `${(100 * c.rate).toFixed(3)}%`, (c.lowestScore ?? c.highestScore).toFixed(3)])));
  const file = writeResults('beacon', {
    settings: {
      pairs: PAIRS, eventsPerPair: POINTS, batch: BATCH, beaconShare: BEACON_SHARE, seed: SEED, runs: RUNS, threshold: BEACON_THRESHOLD,
      caseSeries: CASE_SERIES,
    },
    rows,
    runs: best.runs,
    detection: { beacons: best.beacons, detected: best.detected, poisson, falsePositives: best.falsePositives },
    cases: byCase,
    target: { seconds: target, met: best.seconds < target },
  });
  console.log(`wrote ${file}`);
}
