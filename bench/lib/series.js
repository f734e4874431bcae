// Seeded event series for the beacon scorer, shared by bench/beacon.js and test/beacon.test.ts:
// beacons with jitter and missed beats, Poisson arrivals, and a person's bursts of activity. Every
// generator draws from the rng it is given, so a seed gives the same series on every run.

/** The default start of a series: capture time in seconds. */
export const T0 = 1_700_000_000;

/**
 * mulberry32: a seeded generator, uniform in [0, 1).
 * @param {number} seed
 * @returns {() => number}
 */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `beats` beats of `period` seconds from a random point of the first period after `start`: each
 * interval period × (1 + U(-jitter, jitter)), each beat missing with probability `missing`; each
 * beat `size` bytes × (1 + U(-sizeJitter, sizeJitter) / 2), rounded.
 * @param {() => number} random
 * @param {{ period: number, beats: number, jitter?: number, missing?: number, start?: number, size?: number, sizeJitter?: number }} o
 * @returns {{ times: number[], sizes: number[] }}
 */
export function beacon(random, { period, beats, jitter = 0, missing = 0, start = T0, size = 512, sizeJitter = 0 }) {
  const times = [];
  const sizes = [];
  let t = start + random() * period;
  for (let i = 0; i < beats; i++) {
    if (random() >= missing) {
      times.push(t);
      sizes.push(sizeJitter > 0 ? Math.round(size * (1 + sizeJitter * (random() - 0.5))) : size);
    }
    t += period * (1 + jitter * (2 * random() - 1));
  }
  return { times, sizes };
}

/**
 * `count` Poisson arrivals with mean gap `mean` seconds after `start`; sizes 200..2200 bytes.
 * @param {() => number} random
 * @param {number} mean
 * @param {number} count
 * @param {number} [start]
 * @returns {{ times: number[], sizes: number[] }}
 */
export function poisson(random, mean, count, start = T0) {
  const times = [];
  let t = start;
  for (let i = 0; i < count; i++) {
    t -= mean * Math.log(1 - random());
    times.push(t);
  }
  return { times, sizes: times.map(() => 200 + Math.floor(random() * 2000)) };
}

/**
 * A person at work: a few sessions a day between 9:00 and 17:00, each a burst of 3-17 requests
 * some 20 s apart, until `count` events.
 * @param {() => number} random
 * @param {number} count
 * @returns {{ times: number[], sizes: number[] }}
 */
export function human(random, count) {
  const times = [];
  for (let day = 0; times.length < count; day++) {
    const sessions = 2 + Math.floor(random() * 5);
    for (let s = 0; s < sessions && times.length < count; s++) {
      let t = T0 + day * 86400 + 9 * 3600 + random() * 8 * 3600;
      const burst = 3 + Math.floor(random() * 15);
      for (let b = 0; b < burst && times.length < count; b++) {
        times.push(t);
        t -= 20 * Math.log(1 - random());
      }
    }
  }
  return { times, sizes: times.map(() => 100 + Math.floor(random() * 5000)) };
}

/** A period or mean gap log-uniform over 30 s .. 1 h, from u uniform in [0, 1). @type {(u: number) => number} */
export const logUniform = (u) => 30 * Math.pow(120, u);
