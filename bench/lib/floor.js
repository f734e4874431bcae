// The floor, measured in the same run as the rest: what reading the capture costs before any
// decoding. rawRead reads the whole file in 2 MiB chunks into one reused buffer, parsing nothing;
// indexWalk runs the project's own capture reader (dist/capture) into a slab, as `analyze` does,
// but decodes nothing: it only counts the frames and sums their wire lengths from the slab index.
import { closeSync, openSync, readSync } from 'node:fs';
import { openCaptureFile } from '../../dist/capture/file-source.js';
import { Rec, Slab } from '../../dist/capture/slab.js';
import { bestOf, since } from './runs.js';

const CHUNK = 2 << 20;

/** Best of RUNS: { seconds, fileBytes, runs }. */
export function rawRead(file) {
  const buf = Buffer.allocUnsafe(CHUNK);
  return bestOf(() => {
    const start = process.hrtime.bigint();
    const fd = openSync(file, 'r');
    let fileBytes = 0;
    for (let n; (n = readSync(fd, buf, 0, CHUNK, null)) > 0;) fileBytes += n;
    closeSync(fd);
    return { seconds: since(start), fileBytes };
  });
}

/** Best of RUNS: { seconds, frames, bytes (wire bytes), runs }. */
export function indexWalk(file) {
  const slab = new Slab(2 << 20, 16384);
  return bestOf(() => {
    const start = process.hrtime.bigint();
    const src = openCaptureFile(file);
    let frames = 0;
    let bytes = 0;
    for (let n; (n = src.fill(slab)) > 0;) {
      for (let i = 0; i < n; i++) bytes += slab.rec(i, Rec.WIRELEN);
      frames += n;
    }
    src.close();
    return { seconds: since(start), frames, bytes };
  });
}
