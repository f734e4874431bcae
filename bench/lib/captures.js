// The benchmark captures in bench/data/: synthetic IMIX pcaps from ../shared/tools/gen-pcap.mjs
// (seed 1), one with 25% of frames VXLAN-wrapped and one with all of them, BENCH_MB megabytes each
// (default 200; other sizes get the size in the name so they do not collide). Generated only
// when missing, through a temporary name so an interrupted run leaves no half file behind.
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { dataDir, repoRoot } from './paths.js';
import { envNumber } from './runs.js';

const GENERATOR = path.resolve(repoRoot, '..', 'shared', 'tools', 'gen-pcap.mjs');
const SEED = '1';

export const MEGABYTES = envNumber('BENCH_MB', 200);

const CAPTURES = [
  { name: 'imix-25', vxlanShare: 0.25 },
  { name: 'imix-100', vxlanShare: 1 },
];

/** The captures, generated if missing: { name, vxlanShare, file, fileBytes }. */
export function ensureCaptures() {
  mkdirSync(dataDir, { recursive: true });
  return CAPTURES.map(({ name, vxlanShare }) => {
    const suffix = MEGABYTES === 200 ? '' : `-${MEGABYTES}mb`;
    const file = path.join(dataDir, `${name}${suffix}.pcap`);
    if (!existsSync(file)) {
      process.stderr.write(`generating ${file} (${MEGABYTES} MB, ${vxlanShare * 100}% VXLAN)\n`);
      const partial = `${file}.partial`;
      const r = spawnSync(process.execPath, [GENERATOR, partial, String(MEGABYTES), String(vxlanShare), SEED], { stdio: ['ignore', 2, 2] });
      if (r.status !== 0) throw new Error(`${GENERATOR} failed (exit ${r.status ?? r.signal})`);
      renameSync(partial, file);
    }
    return { name, vxlanShare, file, fileBytes: statSync(file).size };
  });
}
