// Scenario `detection`: the detection models' precision and recall on the labelled evaluation
// scenario (test/scenario: a network of 16 devices over 8 hours, learning for 4, then beacons of
// many periods, jitters and missed beats, a burst of failed connections and a 30 MiB upload),
// through the whole sensor (`analyze --learn-until … --alerts FILE`, 2 workers, best of
// BENCH_RUNS by its seconds), scored against the labels. The scenario is generated afresh on
// every run (about 2 s), so the numbers are always those of the generator as it is. Prints the
// scorer's table and writes bench/results/detection.json.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { mirrorsense } from './lib/mirrorsense.js';
import { dataDir, fromRoot, repoRoot } from './lib/paths.js';
import { writeResults } from './lib/report.js';
import { RUNS } from './lib/runs.js';

const PART_1 = ['beacon.periodic', 'conn.rare_external', 'conn.failed_burst', 'exfil.new_endpoint'];
const WORKERS = 2;

/** A TypeScript tool of test/scenario, run through tsx; its standard output. */
function scenarioTool(script, args, what) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join('test', 'scenario', script), ...args],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  return r.stdout;
}

export function run() {
  const dir = path.join(dataDir, 'scenario');
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write('generating the evaluation scenario\n');
  scenarioTool('cli.ts', [dir], 'the scenario generator');
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
  const alerts = path.join(dir, 'alerts.ndjson');
  process.stderr.write(`analysing ${fromRoot(path.join(dir, 'scenario.pcap'))}, ${RUNS} run${RUNS > 1 ? 's' : ''}\n`);
  const timing = mirrorsense(path.join(dir, 'scenario.pcap'), WORKERS, ['--learn-until', manifest.learning_end, '--alerts', alerts]);
  // score this part's models only: labels of models not built yet would read as misses
  const labels = JSON.parse(readFileSync(path.join(dir, 'labels.json'), 'utf8')).filter((l) => PART_1.includes(l.model));
  const partLabels = path.join(dir, 'labels-part1.json');
  writeFileSync(partLabels, JSON.stringify(labels));
  const table = scenarioTool('score-cli.ts', [alerts, partLabels], 'the scorer');
  const score = JSON.parse(scenarioTool('score-cli.ts', [alerts, partLabels, '--json'], 'the scorer'));
  console.log(`evaluation scenario: ${manifest.parameters.devices} devices, ${manifest.parameters.hours} h, learning until ${manifest.learning_end}; ` +
    `${timing.frames} frames analysed with alerts in ${timing.seconds.toFixed(3)} s (best of ${RUNS}, ${WORKERS} workers; ` +
    `${timing.wallSeconds.toFixed(3)} s for the whole command)\n`);
  console.log(table);
  const file = writeResults('detection', {
    settings: { runs: RUNS, workers: WORKERS },
    parameters: manifest.parameters,
    learning_end: manifest.learning_end,
    frames: timing.frames,
    seconds: timing.seconds,
    wallSeconds: timing.wallSeconds,
    runs: timing.runs,
    score,
  });
  console.log(`wrote ${file}`);
}
