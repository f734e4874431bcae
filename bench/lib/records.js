// The records mirrorsense writes for a capture, counted by kind: one `analyze --events FILE` run
// into a temporary directory, its NDJSON read back in 2 MiB chunks and every line counted by its
// "_path" (conn, http, ssl, dns, mcp, …). The temporary file is deleted afterwards.
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { analyzeOnce } from './mirrorsense.js';

const CHUNK = 2 << 20;

/** Lines of an NDJSON file by their "_path": { conn: n, http: n, … }. */
function countPaths(file) {
  const counts = {};
  const buf = Buffer.allocUnsafe(CHUNK);
  const decoder = new StringDecoder('utf8');
  const fd = openSync(file, 'r');
  let rest = '';
  try {
    for (let n; (n = readSync(fd, buf, 0, CHUNK, null)) > 0;) {
      const lines = (rest + decoder.write(buf.subarray(0, n))).split('\n');
      rest = lines.pop();
      for (const line of lines) {
        const kind = JSON.parse(line)._path;
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (rest + decoder.end() !== '') throw new Error(`${file} does not end with a newline`);
  return counts;
}

/** The records of one run with `workers` workers, by _path: { conn: n, http: n, … }. */
export function countRecords(file, workers) {
  const dir = mkdtempSync(path.join(tmpdir(), 'mirrorsense-bench-records-'));
  try {
    const events = path.join(dir, 'records.ndjson');
    analyzeOnce(file, workers, ['--events', events]);
    return countPaths(events);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
