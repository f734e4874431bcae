// What the scenarios report, alike: each row's rates and ratios (frames and wire bytes as the
// index walk counts them; `of floor` against the index walk, `vs suricata` against Suricata
// single), warnings for rows that saw other counts than the index walk, the timing table, and the
// results JSON in bench/results/ (2-space, fractions to 6 significant digits, so runs diff line
// by line, with the machine it was measured on).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromRoot, resultsDir } from './paths.js';
import { formatTable } from './table.js';

export const SURICATA_SINGLE = 'suricata single';

/** Adds mpps, gbps, ofFloor and vsSuricata (null without a Suricata-single row) to every row. */
export function addRates(rows, walk) {
  const reference = rows.find((r) => r.method === SURICATA_SINGLE);
  for (const r of rows) {
    r.mpps = walk.frames / r.seconds / 1e6;
    r.gbps = (walk.bytes * 8) / r.seconds / 1e9;
    r.ofFloor = walk.seconds / r.seconds;
    r.vsSuricata = reference ? reference.seconds / r.seconds : null;
  }
}

/** Methods that saw another number of frames or wire bytes than the index walk. */
export function mismatches(rows, walk) {
  const warnings = [];
  for (const r of rows) {
    if (r.frames !== undefined && r.frames !== walk.frames) warnings.push(`${r.method}: ${r.frames} frames, the index walk ${walk.frames}`);
    if (r.bytes !== undefined && r.bytes !== walk.bytes) warnings.push(`${r.method}: ${r.bytes} wire bytes, the index walk ${walk.bytes}`);
  }
  return warnings;
}

/** The timing table: method, seconds, wall s, Mpps, Gbit/s, of floor, vs suricata, frames. */
export function timingTable(rows) {
  const fixed = (n, digits) => (n === null ? '-' : n.toFixed(digits));
  return formatTable(
    ['method', 'seconds', 'wall s', 'Mpps', 'Gbit/s', 'of floor', 'vs suricata', 'frames'],
    rows.map((r) => [r.method, fixed(r.seconds, 3), fixed(r.wallSeconds ?? r.seconds, 3), fixed(r.mpps, 2), fixed(r.gbps, 2),
      fixed(r.ofFloor, 2), fixed(r.vsSuricata, 2), r.frames === undefined ? '-' : String(r.frames)]));
}

/** Results JSON: 2-space indent, fractions to 6 significant digits, so runs diff line by line. */
const toJson = (value) =>
  JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v), 2) + '\n';

/** Writes bench/results/SCENARIO.json: scenario, date, machine, then `fields`; returns its path from the root. */
export function writeResults(scenario, fields) {
  const file = path.join(resultsDir, `${scenario}.json`);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(file, toJson({
    scenario,
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0].model, cores: os.cpus().length, node: process.version, os: `${os.platform()} ${os.release()}` },
    ...fields,
  }));
  return fromRoot(file);
}
