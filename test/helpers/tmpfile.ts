// Temporary capture files for tests, removed when the test process ends.

import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writePcap } from './capture-writer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mirrorsense-test-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

let n = 0;

export function tmpPath(name: string): string {
  return path.join(dir, `${n++}-${name}`);
}

/** Write bytes to a new temporary file; returns its path. */
export function tmpFile(bytes: Uint8Array, name = 'capture'): string {
  const file = tmpPath(name);
  writeFileSync(file, bytes);
  return file;
}

/** Write frames (with their capture times in µs) as a classic pcap; returns its path. */
export function writeFrames(frames: { us: number; data: Uint8Array }[], name = 'frames.pcap'): string {
  return tmpFile(writePcap({}, frames.map((f) => ({ tsSec: Math.floor(f.us / 1e6), tsFrac: f.us % 1e6, data: f.data }))), name);
}
