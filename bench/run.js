// `npm run bench [scenario]`: builds the project first if dist/, build/core.wasm or
// build/beacon.wasm is missing (a stale build is not detected: run `npm run build` after changing
// src/ or assembly/), then runs the named scenario, or every scenario.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './lib/paths.js';

// Loaded on demand: scenarios import dist/, which may not exist before the build.
const SCENARIOS = {
  'packet-path': () => import('./packet-path.js'),
  'app-layer': () => import('./app-layer.js'),
  beacon: () => import('./beacon.js'),
  detection: () => import('./detection.js'),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in SCENARIOS));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(', ')}; scenarios: ${Object.keys(SCENARIOS).join(', ')}`);
  process.exit(2);
}

if (!existsSync(path.join(repoRoot, 'dist')) || !existsSync(path.join(repoRoot, 'build', 'core.wasm'))
  || !existsSync(path.join(repoRoot, 'build', 'beacon.wasm'))) {
  const r = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

for (const name of wanted.length > 0 ? wanted : Object.keys(SCENARIOS)) {
  const scenario = await SCENARIOS[name]();
  scenario.run();
}
