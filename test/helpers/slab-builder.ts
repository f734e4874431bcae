// A slab filled directly from frames in memory (no file), for tests that feed the core
// arbitrary bytes with arbitrary link types.

import { Slab, Rec, Hdr, HEADER_BYTES, RECORD_WORDS, linkWord } from '../../src/capture/slab.js';

export interface TestFrame { data: Uint8Array; link: number; wirelen?: number; us?: number }

export function slabOf(frames: TestFrame[]): Slab {
  const bytes = frames.reduce((n, f) => n + f.data.length, 0);
  const slab = new Slab(Math.max(bytes, 64), Math.max(frames.length, 1));
  let off = 0;
  frames.forEach((f, i) => {
    const w = HEADER_BYTES / 4 + i * RECORD_WORDS;
    const us = f.us ?? 1_700_000_000_000_000 + i;
    slab.data.set(f.data, off);
    slab.words[w + Rec.OFFSET] = off;
    slab.words[w + Rec.CAPLEN] = f.data.length;
    slab.words[w + Rec.WIRELEN] = Math.max(f.wirelen ?? f.data.length, f.data.length);
    slab.words[w + Rec.LINK] = linkWord(f.link, 6, true);
    slab.words[w + Rec.TS_HI] = Math.floor(us / 1e6);
    slab.words[w + Rec.TS_LO] = us % 1e6;
    off += f.data.length;
  });
  slab.words[Hdr.RECORDS] = frames.length;
  slab.words[Hdr.DATA_BYTES] = off;
  return slab;
}
