// Scenario `detection`: the detection models' precision and recall on the labelled evaluation
// scenario (test/scenario: a network of 16 devices over 8 hours, learning for 4, then beacons of
// many periods, jitters and missed beats, a burst of failed connections and a 30 MiB upload),
// through the whole sensor, scored against the labels. Prints the scorer's table and writes
// bench/results/detection.json.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot, dataDir, resultsDir } from './lib/paths.js';

const PART_1 = ['beacon.periodic', 'conn.rare_external', 'conn.failed_burst', 'exfil.new_endpoint'];

function node(args, what) {
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  return r.stdout;
}

export function run() {
  const dir = path.join(dataDir, 'scenario');
  if (!existsSync(path.join(dir, 'scenario.pcap'))) {
    console.error('generating the evaluation scenario ...');
    node(['--import', 'tsx', 'test/scenario/cli.ts', dir], 'the scenario generator');
  }
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const alerts = path.join(dir, 'alerts.ndjson');
  const started = process.hrtime.bigint();
  const summary = JSON.parse(node(['bin/mirrorsense.js', 'analyze', path.join(dir, 'scenario.pcap'), '--learn-until', manifest.learning_end,
    '--alerts', alerts, '--no-progress', '--json'], 'mirrorsense analyze').trim().split('\n').pop());
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  // score this part's models only: labels of models not built yet would read as misses
  const labels = JSON.parse(readFileSync(path.join(dir, 'labels.json'), 'utf8')).filter((l) => PART_1.includes(l.model));
  const partLabels = path.join(dir, 'labels-part1.json');
  writeFileSync(partLabels, JSON.stringify(labels));
  const table = node(['--import', 'tsx', 'test/scenario/score-cli.ts', alerts, partLabels], 'the scorer');
  const scored = JSON.parse(node(['--import', 'tsx', 'test/scenario/score-cli.ts', alerts, partLabels, '--json'], 'the scorer'));
  console.log(`evaluation scenario: ${manifest.parameters.devices} devices, ${manifest.parameters.hours} h, learning until ${manifest.learning_end}; ` +
    `${summary.frames} frames analysed in ${wall.toFixed(1)} s`);
  console.log(table);
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(path.join(resultsDir, 'detection.json'), JSON.stringify({
    scenario: 'detection', date: new Date().toISOString(), parameters: manifest.parameters, learning_end: manifest.learning_end,
    frames: summary.frames, seconds: summary.seconds, alerts: summary.alerts, score: scored,
  }, null, 2) + '\n');
  console.log('wrote bench/results/detection.json');
}
