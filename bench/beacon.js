// Scenario "beacon": the WASM beacon scorer (build/beacon.wasm through dist/engine/beacon-scorer.js)
// on BENCH_PAIRS synthetic (device, endpoint) series of 100 events each, on one core, in batches
// of 10,000 series. A tenth are beacons with jitter, the rest Poisson arrivals; the generator is
// seeded, so every run scores the same series. The floor is generating the series in JS; the
// scorer's time is its score() calls alone (copy in, one WASM call per batch, result objects).
// Prints a table and writes bench/results/beacon.json.
import { BeaconScorer, BEACON_THRESHOLD } from '../dist/engine/beacon-scorer.js';
import { writeResults } from './lib/report.js';
import { bestOf, envNumber, RUNS, since } from './lib/runs.js';
import { formatTable } from './lib/table.js';

const PAIRS = envNumber('BENCH_PAIRS', 1_000_000);
const BATCH = 10_000;
const POINTS = 100;
const BEACON_SHARE = 0.1;
const SEED = 1;
const TARGET_SECONDS = 10; // the target for 1,000,000 pairs on one core

/** mulberry32: uniform in [0, 1). */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/** Periods and mean gaps log-uniform over 30 s .. 1 h. */
const logUniform = (u) => 30 * Math.pow(120, u);

/** One batch: series and which of them are beacons. A beacon's interval is its period times
 *  1 + U(-j, j), j uniform in [0, 0.5], its sizes its own constant ±2%; a Poisson series has
 *  exponential gaps and sizes uniform in 200..2200 bytes. */
function generate(random, count) {
  const series = new Array(count);
  const beacon = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const times = new Float64Array(POINTS);
    const sizes = new Float64Array(POINTS);
    let t = 1.7e9 + random() * 86400;
    if (random() < BEACON_SHARE) {
      beacon[i] = 1;
      const period = logUniform(random());
      const jitter = 0.5 * random();
      const size = 100 + Math.floor(random() * 2000);
      for (let k = 0; k < POINTS; k++) {
        times[k] = t;
        sizes[k] = Math.round(size * (1 + 0.04 * (random() - 0.5)));
        t += period * (1 + jitter * (2 * random() - 1));
      }
    } else {
      const mean = logUniform(random());
      for (let k = 0; k < POINTS; k++) {
        times[k] = t;
        sizes[k] = 200 + Math.floor(random() * 2000);
        t -= mean * Math.log(1 - random());
      }
    }
    series[i] = { times, sizes };
  }
  return { series, beacon };
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
  const file = writeResults('beacon', {
    settings: { pairs: PAIRS, eventsPerPair: POINTS, batch: BATCH, beaconShare: BEACON_SHARE, seed: SEED, runs: RUNS, threshold: BEACON_THRESHOLD },
    rows,
    runs: best.runs,
    detection: { beacons: best.beacons, detected: best.detected, poisson, falsePositives: best.falsePositives },
    target: { seconds: target, met: best.seconds < target },
  });
  console.log(`wrote ${file}`);
}
