// mirrorsense itself, run as a user runs it: `node bin/mirrorsense.js analyze FILE --workers N
// --no-progress --json [more options]` in a child process. `seconds` is the CLI's own figure
// (after worker start-up, to the end); `wallSeconds` is the whole command, Node start-up included.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths.js';
import { bestOf, since } from './runs.js';

const BIN = path.join(repoRoot, 'bin', 'mirrorsense.js');

/** One run, with more `analyze` options in `args`: { seconds, wallSeconds, frames, bytes, records }. */
export function analyzeOnce(file, workers, args = []) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, 'analyze', file, '--workers', String(workers), '--no-progress', '--json', ...args],
    { cwd: repoRoot, encoding: 'utf8' });
  const wallSeconds = since(start);
  if (r.status !== 0) throw new Error(`mirrorsense analyze exited with ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  const s = JSON.parse(r.stdout.trim().split('\n').pop());
  if (s.error) throw new Error(`mirrorsense analyze stopped early: ${s.error.message}`);
  return { seconds: s.seconds, wallSeconds, frames: s.frames, bytes: s.bytes, records: s.records };
}

/** Best of RUNS by `seconds`: { seconds, wallSeconds, frames, bytes, records, runs }. */
export const mirrorsense = (file, workers, args = []) => bestOf(() => analyzeOnce(file, workers, args));
