// The frames of a capture file as plain objects (time in µs, bytes), for tests that rewrite a
// real capture (duplicate, re-tunnel, cut) and write it back with writeFrames().

import { openCaptureFile } from '../../src/capture/file-source.js';
import { Slab, Rec } from '../../src/capture/slab.js';

export function readFrames(file: string): { us: number; data: Uint8Array }[] {
  const slab = new Slab(1 << 20, 4096);
  const src = openCaptureFile(file);
  const out: { us: number; data: Uint8Array }[] = [];
  try {
    while (src.fill(slab) > 0) {
      for (let i = 0; i < slab.records; i++) {
        const off = slab.rec(i, Rec.OFFSET);
        const frac = slab.rec(i, Rec.TS_LO);
        const nano = ((slab.rec(i, Rec.LINK) >> 16) & 0xff) === 9;
        out.push({
          us: slab.rec(i, Rec.TS_HI) * 1e6 + (nano ? Math.floor(frac / 1000) : frac),
          data: slab.data.slice(off, off + slab.rec(i, Rec.CAPLEN)),
        });
      }
    }
  } finally {
    src.close();
  }
  return out;
}
