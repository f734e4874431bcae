// Scenario "packet-path": the whole packet path of `mirrorsense analyze` (read, decode, flows) on
// each benchmark capture, against its floor (reading the file; walking the frame index without
// decoding) and against Suricata on the same file. Prints a table per capture and writes
// everything to bench/results/packet-path.json. Rates use the capture's frames and wire bytes
// as the index walk counts them; any method that saw other counts is reported as a warning.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureCaptures, MEGABYTES } from './lib/captures.js';
import { indexWalk, rawRead } from './lib/floor.js';
import { mirrorsense } from './lib/mirrorsense.js';
import { fromRoot, resultsDir } from './lib/paths.js';
import { RUNS } from './lib/runs.js';
import { suricata, suricataArgs, suricataVersion } from './lib/suricata.js';
import { formatTable } from './lib/table.js';

const WORKERS = [1, 2];
const SURICATA_SINGLE = 'suricata single';
const SURICATA_MODES = [
  { method: SURICATA_SINGLE, runmode: 'single' },
  { method: 'suricata autofp 2w', runmode: 'autofp', workers: 2 },
];

const log = (text) => process.stderr.write(`${text}\n`);

/** Every method on one capture, as table rows (measurements plus rates and ratios). */
function measure(capture, withSuricata) {
  log(`${capture.name}: raw read, index walk`);
  const raw = rawRead(capture.file);
  const walk = indexWalk(capture.file);
  const rows = [{ method: 'raw read', ...raw }, { method: 'index walk', ...walk }];
  for (const workers of WORKERS) {
    log(`${capture.name}: mirrorsense, ${workers} worker${workers > 1 ? 's' : ''}`);
    rows.push({ method: `mirrorsense ${workers}w`, ...mirrorsense(capture.file, workers) });
  }
  if (withSuricata) {
    for (const mode of SURICATA_MODES) {
      log(`${capture.name}: ${mode.method}`);
      rows.push({ method: mode.method, ...suricata(capture.file, mode) });
    }
  }
  const reference = rows.find((r) => r.method === SURICATA_SINGLE);
  for (const r of rows) {
    r.mpps = walk.frames / r.seconds / 1e6;
    r.gbps = (walk.bytes * 8) / r.seconds / 1e9;
    r.ofFloor = walk.seconds / r.seconds;
    r.vsSuricata = reference ? reference.seconds / r.seconds : null;
  }
  return { walk, rows };
}

/** Methods that saw another number of frames or wire bytes than the index walk. */
function mismatches(rows, walk) {
  const warnings = [];
  for (const r of rows) {
    if (r.frames !== undefined && r.frames !== walk.frames) warnings.push(`${r.method}: ${r.frames} frames, the index walk ${walk.frames}`);
    if (r.bytes !== undefined && r.bytes !== walk.bytes) warnings.push(`${r.method}: ${r.bytes} wire bytes, the index walk ${walk.bytes}`);
  }
  return warnings;
}

function table(rows) {
  const fixed = (n, digits) => (n === null ? '-' : n.toFixed(digits));
  return formatTable(
    ['method', 'seconds', 'wall s', 'Mpps', 'Gbit/s', 'of floor', 'vs suricata', 'frames'],
    rows.map((r) => [r.method, fixed(r.seconds, 3), fixed(r.wallSeconds ?? r.seconds, 3), fixed(r.mpps, 2), fixed(r.gbps, 2),
      fixed(r.ofFloor, 2), fixed(r.vsSuricata, 2), r.frames === undefined ? '-' : String(r.frames)]));
}

/** Results JSON: 2-space indent, fractions to 6 significant digits, so runs diff line by line. */
const toJson = (value) =>
  JSON.stringify(value, (_, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v), 2) + '\n';

export function run() {
  const version = suricataVersion();
  const captures = ensureCaptures();
  const results = [];
  for (const capture of captures) {
    const { walk, rows } = measure(capture, version !== null);
    const warnings = mismatches(rows, walk);
    console.log(`\n${fromRoot(capture.file)}: ${capture.fileBytes} bytes, ${walk.frames} frames, ` +
      `${walk.bytes} wire bytes, ${capture.vxlanShare * 100}% VXLAN (best of ${RUNS})`);
    console.log(table(rows));
    for (const w of warnings) console.log(`WARNING ${w}`);
    results.push({
      capture: { name: capture.name, file: fromRoot(capture.file), vxlanShare: capture.vxlanShare, fileBytes: capture.fileBytes, frames: walk.frames, wireBytes: walk.bytes },
      rows,
      warnings,
    });
  }
  const commands = Object.fromEntries(SURICATA_MODES.map((m) => [m.method, `suricata ${suricataArgs('FILE', 'TMPDIR', m).join(' ')}`]));
  console.log(version === null
    ? '\nsuricata is not on PATH: its rows are skipped.'
    : `\nsuricata ${version}:\n${Object.entries(commands).map(([m, c]) => `  ${m}: ${c}`).join('\n')}`);
  console.log('of floor = index-walk seconds / seconds; vs suricata = suricata-single seconds / seconds');
  const file = path.join(resultsDir, 'packet-path.json');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(file, toJson({
    scenario: 'packet-path',
    date: new Date().toISOString(),
    machine: { cpu: os.cpus()[0].model, cores: os.cpus().length, node: process.version, os: `${os.platform()} ${os.release()}` },
    settings: { megabytes: MEGABYTES, runs: RUNS, workers: WORKERS },
    suricata: version === null ? null : { version, commands },
    results,
  }));
  console.log(`wrote ${fromRoot(file)}`);
}
