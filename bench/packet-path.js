// Scenario "packet-path": the whole packet path of `mirrorsense analyze` (read, decode, flows) on
// each benchmark capture, against its floor (reading the file; walking the frame index without
// decoding) and against Suricata on the same file. Prints a table per capture and writes
// everything to bench/results/packet-path.json. Rates use the capture's frames and wire bytes
// as the index walk counts them; any method that saw other counts is reported as a warning.
import { ensureCaptures, MEGABYTES } from './lib/captures.js';
import { indexWalk, rawRead } from './lib/floor.js';
import { mirrorsense } from './lib/mirrorsense.js';
import { fromRoot } from './lib/paths.js';
import { addRates, mismatches, SURICATA_SINGLE, timingTable, writeResults } from './lib/report.js';
import { RUNS } from './lib/runs.js';
import { suricata, suricataArgs, suricataVersion } from './lib/suricata.js';

const WORKERS = [1, 2];
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
    rows.push({ method: `mirrorsense no-app ${workers}w`, ...mirrorsense(capture.file, workers, ['--no-app']) });
    rows.push({ method: `mirrorsense app ${workers}w`, ...mirrorsense(capture.file, workers) });
  }
  if (withSuricata) {
    for (const mode of SURICATA_MODES) {
      log(`${capture.name}: ${mode.method}`);
      rows.push({ method: mode.method, ...suricata(capture.file, mode) });
    }
  }
  addRates(rows, walk);
  return { walk, rows };
}

export function run() {
  const version = suricataVersion();
  const captures = ensureCaptures();
  const results = [];
  for (const capture of captures) {
    const { walk, rows } = measure(capture, version !== null);
    const warnings = mismatches(rows, walk);
    console.log(`\n${fromRoot(capture.file)}: ${capture.fileBytes} bytes, ${walk.frames} frames, ` +
      `${walk.bytes} wire bytes, ${capture.vxlanShare * 100}% VXLAN (best of ${RUNS})`);
    console.log(timingTable(rows));
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
  const file = writeResults('packet-path', {
    settings: { megabytes: MEGABYTES, runs: RUNS, workers: WORKERS },
    suricata: version === null ? null : { version, commands },
    results,
  });
  console.log(`wrote ${file}`);
}
