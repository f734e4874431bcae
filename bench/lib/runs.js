// Repetition: every measurement is taken BENCH_RUNS times (default 3) and the fastest run kept, by
// its `seconds`; the seconds of all runs are kept alongside.

/** A positive number from the environment, or the default. */
export function envNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!(n > 0)) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

export const RUNS = envNumber('BENCH_RUNS', 3);
if (!Number.isInteger(RUNS)) throw new Error(`BENCH_RUNS must be a whole number, got ${RUNS}`);

/** Calls measure() RUNS times; returns the run with the fewest seconds, plus `runs`: every run's seconds. */
export function bestOf(measure) {
  const all = [];
  for (let i = 0; i < RUNS; i++) all.push(measure());
  const best = all.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return { ...best, runs: all.map((r) => r.seconds) };
}

/** Seconds since `start`, a process.hrtime.bigint() reading. */
export const since = (start) => Number(process.hrtime.bigint() - start) / 1e9;
