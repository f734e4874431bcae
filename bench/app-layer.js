// Scenario "app-layer": what mirrorsense's application layer (HTTP, TLS, DNS, QUIC and MCP
// parsing) costs, on a capture of real HTTP, TLS and DNS conversations replayed many times over
// (lib/app-capture.js): the index-walk floor; mirrorsense with --no-app, with the application
// layer (parsing only: without --events no record is built), and with every record built and
// written (--events /dev/null); Suricata single, which parses HTTP, TLS and DNS by default.
// Prints the table, the cost of the application layer, and the http, ssl and dns records of one
// --events run against what the conversations written should give (a difference is a warning,
// no records of a kind at all an error); writes bench/results/app-layer.json.
import { ensureAppCapture, RECORD_PATHS } from './lib/app-capture.js';
import { MEGABYTES } from './lib/captures.js';
import { indexWalk } from './lib/floor.js';
import { mirrorsense } from './lib/mirrorsense.js';
import { fromRoot } from './lib/paths.js';
import { countRecords } from './lib/records.js';
import { addRates, mismatches, SURICATA_SINGLE, timingTable, writeResults } from './lib/report.js';
import { RUNS } from './lib/runs.js';
import { suricata, suricataArgs, suricataVersion } from './lib/suricata.js';
import { formatTable } from './lib/table.js';

const NO_APP = (workers) => `mirrorsense no-app ${workers}w`;
const APP = (workers) => `mirrorsense app ${workers}w`;
const APP_EVENTS_2W = 'mirrorsense app+events 2w';
const MIRRORSENSE = [
  { method: NO_APP(1), workers: 1, args: ['--no-app'] },
  { method: NO_APP(2), workers: 2, args: ['--no-app'] },
  { method: APP(1), workers: 1, args: [] },
  { method: APP(2), workers: 2, args: [] },
  { method: APP_EVENTS_2W, workers: 2, args: ['--events', '/dev/null'] },
];
const SURICATA_MODE = { runmode: 'single' };
const RECORDS_WORKERS = 2;

const log = (text) => process.stderr.write(`${text}\n`);

/** Every method on the capture, as table rows (measurements plus rates and ratios). */
function measure(capture, withSuricata) {
  log(`${capture.name}: index walk`);
  const walk = indexWalk(capture.file);
  const rows = [{ method: 'index walk', ...walk }];
  for (const { method, workers, args } of MIRRORSENSE) {
    log(`${capture.name}: ${method}`);
    rows.push({ method, ...mirrorsense(capture.file, workers, args) });
  }
  if (withSuricata) {
    log(`${capture.name}: ${SURICATA_SINGLE}`);
    rows.push({ method: SURICATA_SINGLE, ...suricata(capture.file, SURICATA_MODE) });
  }
  addRates(rows, walk);
  return { walk, rows };
}

/** App-layer seconds / no-app seconds, by workers; and with every record written, 2 workers. */
function appLayerCost(rows) {
  const seconds = (method) => rows.find((r) => r.method === method).seconds;
  return {
    '1w': seconds(APP(1)) / seconds(NO_APP(1)),
    '2w': seconds(APP(2)) / seconds(NO_APP(2)),
    '2w with events': seconds(APP_EVENTS_2W) / seconds(NO_APP(2)),
  };
}

export function run() {
  const version = suricataVersion();
  const capture = ensureAppCapture();
  const { walk, rows } = measure(capture, version !== null);
  const warnings = mismatches(rows, walk);
  const cost = appLayerCost(rows);

  log(`${capture.name}: records of one --events run, ${RECORDS_WORKERS} workers`);
  const seen = countRecords(capture.file, RECORDS_WORKERS);
  const records = RECORD_PATHS.map((kind) => ({ kind, expected: capture.expected[kind], seen: seen[kind] ?? 0 }));
  for (const r of records) {
    if (r.seen !== r.expected) warnings.push(`${r.kind} records: ${r.seen} seen, ${r.expected} expected from the conversations written`);
  }

  console.log(`\n${fromRoot(capture.file)}: ${capture.fileBytes} bytes, ${walk.frames} frames, ${walk.bytes} wire bytes, ` +
    `${capture.copies} conversations over ${capture.captureSeconds.toFixed(1)} s, ${capture.vxlanCopies} of them VXLAN-wrapped (best of ${RUNS})`);
  console.log(`conversations: ${capture.conversations.map((c) => `${c.file} ×${c.copies}`).join(', ')}`);
  for (const s of capture.skipped) console.log(`skipped ${s.file}: ${s.reason}`);
  console.log(timingTable(rows));
  console.log(`application layer cost (app seconds / no-app seconds): 1w ${cost['1w'].toFixed(2)}x, 2w ${cost['2w'].toFixed(2)}x; ` +
    `app+events 2w / no-app 2w ${cost['2w with events'].toFixed(2)}x`);
  console.log(`\nrecords, one --events run with ${RECORDS_WORKERS} workers (expected: records per conversation × conversations written):`);
  console.log(formatTable(['record', 'expected', 'seen'], records.map((r) => [r.kind, String(r.expected), String(r.seen)])));
  const others = Object.entries(seen).filter(([kind]) => !RECORD_PATHS.includes(kind));
  console.log(`other records: ${others.map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none'}`);
  for (const w of warnings) console.log(`WARNING ${w}`);

  const commands = { [SURICATA_SINGLE]: `suricata ${suricataArgs('FILE', 'TMPDIR', SURICATA_MODE).join(' ')}` };
  console.log(version === null
    ? '\nsuricata is not on PATH: its row is skipped.'
    : `\nsuricata ${version}:\n  ${SURICATA_SINGLE}: ${commands[SURICATA_SINGLE]}`);
  console.log('of floor = index-walk seconds / seconds; vs suricata = suricata-single seconds / seconds');
  const file = writeResults('app-layer', {
    settings: { megabytes: MEGABYTES, runs: RUNS, recordsWorkers: RECORDS_WORKERS },
    suricata: version === null ? null : { version, commands },
    capture: {
      name: capture.name, file: fromRoot(capture.file), seed: capture.seed, fileBytes: capture.fileBytes, frames: walk.frames,
      wireBytes: walk.bytes, captureSeconds: capture.captureSeconds, copies: capture.copies, vxlanCopies: capture.vxlanCopies,
      conversations: capture.conversations, skipped: capture.skipped,
    },
    rows,
    appLayerCost: cost,
    records: { expected: capture.expected, seen },
    warnings,
  });
  console.log(`wrote ${file}`);

  const missing = records.filter((r) => r.seen === 0).map((r) => r.kind);
  if (missing.length > 0) throw new Error(`mirrorsense wrote no ${missing.join(', ')} records for ${fromRoot(capture.file)}`);
}
