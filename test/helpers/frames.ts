// The frames of a capture file as plain objects (time in µs, bytes, link type), for tests that
// rewrite a real capture (duplicate, re-tunnel, cut) and write it back with writeFrames(), or
// feed its frames to the core with their own link type.

import { openCaptureFile } from '../../src/capture/file-source.js';
import { Slab, Rec } from '../../src/capture/slab.js';

export interface FileFrame { us: number; data: Uint8Array; link: number }

export function readFrames(file: string): FileFrame[] {
  const slab = new Slab(1 << 20, 4096);
  const src = openCaptureFile(file);
  const out: FileFrame[] = [];
  try {
    while (src.fill(slab) > 0) {
      for (let i = 0; i < slab.records; i++) {
        const off = slab.rec(i, Rec.OFFSET);
        const frac = slab.rec(i, Rec.TS_LO);
        const link = slab.rec(i, Rec.LINK);
        const nano = ((link >> 16) & 0xff) === 9;
        out.push({
          us: slab.rec(i, Rec.TS_HI) * 1e6 + (nano ? Math.floor(frac / 1000) : frac),
          data: slab.data.slice(off, off + slab.rec(i, Rec.CAPLEN)),
          link: link & 0xffff,
        });
      }
    }
  } finally {
    src.close();
  }
  return out;
}
