// Capture-file readers (src/capture): pcap and pcapng streamed into slabs, checked against
// tshark's truth on the real corpus, field by field on synthetic files, across slab boundaries
// (including a property over random frame and slab sizes), and on truncated and corrupt files.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaptureError, type CaptureErrorCode } from '../src/capture/errors.js';
import { MIN_DATA_CAPACITY, openCaptureFile, type CaptureFormat } from '../src/capture/file-source.js';
import { Rec, Slab, TS_SPLIT, linkWord } from '../src/capture/slab.js';
import { PcapngBuilder, concat, frameBytes, pcapRecordSize, writePcap, type PcapRecord } from './helpers/capture-writer.js';
import { corpusFiles, pcapDir, truth } from './helpers/corpus.js';
import { tmpFile, tmpPath } from './helpers/tmpfile.js';

interface Frame {
  caplen: number;
  wirelen: number;
  link: number;
  tsHi: number;
  tsLo: number;
  data: Uint8Array;
}

interface ReadResult {
  format: CaptureFormat;
  frames: Frame[];
  /** Records returned by each fill that returned some. */
  fills: number[];
  error: CaptureError | null;
  bytesConsumed: number;
  bytesTotal: number;
}

/** Reads a whole file slab by slab, checking the slab header on the way. */
function readAll(file: string, dataCapacity = 1 << 20, maxRecords = 4096): ReadResult {
  const src = openCaptureFile(file);
  const slab = new Slab(dataCapacity, maxRecords);
  const frames: Frame[] = [];
  const fills: number[] = [];
  let error: CaptureError | null = null;
  try {
    for (let n = src.fill(slab); n > 0; n = src.fill(slab)) {
      expect(slab.records).toBe(n);
      expect(n).toBeLessThanOrEqual(maxRecords);
      for (let i = 0; i < n; i++) {
        const offset = slab.rec(i, Rec.OFFSET);
        const caplen = slab.rec(i, Rec.CAPLEN);
        expect(offset + caplen).toBeLessThanOrEqual(slab.dataBytes);
        frames.push({
          caplen, wirelen: slab.rec(i, Rec.WIRELEN), link: slab.rec(i, Rec.LINK),
          tsHi: slab.rec(i, Rec.TS_HI), tsLo: slab.rec(i, Rec.TS_LO),
          data: slab.data.slice(offset, offset + caplen),
        });
      }
      fills.push(n);
      expect(src.frames).toBe(frames.length);
    }
  } catch (e) {
    if (!(e instanceof CaptureError)) throw e;
    error = e;
    expect(() => src.fill(slab)).toThrow(e);
  } finally {
    src.close();
  }
  return { format: src.format, frames, fills, error, bytesConsumed: src.bytesConsumed, bytesTotal: src.bytesTotal };
}

function expectError(r: ReadResult, code: CaptureErrorCode, offset: number): void {
  expect(r.error, 'a CaptureError').toBeInstanceOf(CaptureError);
  expect(r.error!.code).toBe(code);
  expect(r.error!.offset).toBe(offset);
  expect(r.error!.message).toContain(`at byte ${offset}`);
}

function openError(file: string): CaptureError {
  try {
    openCaptureFile(file).close();
  } catch (e) {
    if (e instanceof CaptureError) return e;
    throw e;
  }
  throw new Error(`${file} opened without error`);
}

describe('corpus: every capture matches tshark', () => {
  const pcaps = corpusFiles();

  it('finds the corpus', () => {
    expect(pcaps.length).toBeGreaterThan(0);
  });

  it.each(pcaps)('%s', (name) => {
    const file = path.join(pcapDir, name);
    const rows = truth(name);
    const r = readAll(file);
    expect(r.error).toBeNull();
    expect(r.format).toBe('pcap');
    expect(r.frames.length).toBe(rows.length);
    expect(r.frames.map((f) => f.wirelen)).toEqual(rows.map((t) => Number(t['frame.len'])));
    expect(r.frames.map((f) => f.caplen)).toEqual(rows.map((t) => Number(t['frame.cap_len'])));
    expect(r.bytesConsumed).toBe(r.bytesTotal);
    const linkType = name.includes('dltnull') ? 0 : 1;
    expect(new Set(r.frames.map((f) => f.link))).toEqual(new Set([linkWord(linkType, 6, true)]));

    // The frame bytes are the file's, wherever the slabs cut it.
    const bytes = readFileSync(file);
    let at = 24;
    for (const f of r.frames) {
      expect(Buffer.from(f.data).equals(bytes.subarray(at + 16, at + 16 + f.caplen))).toBe(true);
      at += 16 + f.caplen;
    }
    const biggest = Math.max(...r.frames.map((f) => f.caplen));
    const small = readAll(file, Math.max(MIN_DATA_CAPACITY, 16 + biggest), 2);
    expect(small.error).toBeNull();
    expect(small.frames).toEqual(r.frames);
  });
});

describe('classic pcap', () => {
  const records: PcapRecord[] = [
    { tsSec: 1700000000, tsFrac: 0, data: frameBytes(60, 1) },
    { tsSec: 1700000001, tsFrac: 999999, data: frameBytes(1514, 2) },
    { tsSec: 0xfffffffe, tsFrac: 123, data: frameBytes(68, 3), wirelen: 1514 },
    { tsSec: 5, tsFrac: 7, data: new Uint8Array(0), wirelen: 0 },
  ];

  for (const le of [true, false]) {
    for (const nano of [false, true]) {
      it(`${le ? 'little' : 'big'}-endian, ${nano ? 'ns' : 'µs'}: timestamps, lengths, link type, bytes`, () => {
        const recs = nano ? records.map((r, i) => (i === 1 ? { ...r, tsFrac: 999999999 } : r)) : records;
        // Upper bits of the link-type field (FCS length and flag) must not leak into the link type.
        const r = readAll(tmpFile(writePcap({ le, nano, linkField: 0xf4000069 }, recs)));
        expect(r.error).toBeNull();
        expect(r.format).toBe('pcap');
        expect(r.frames).toEqual(recs.map((rec) => ({
          caplen: rec.data.length, wirelen: rec.wirelen ?? rec.data.length,
          link: linkWord(105, nano ? 9 : 6, true), tsHi: rec.tsSec, tsLo: rec.tsFrac, data: rec.data,
        })));
        expect(r.frames[0]!.link & TS_SPLIT).toBe(TS_SPLIT);
        expect(r.bytesConsumed).toBe(r.bytesTotal);
      });
    }
  }

  it('an empty capture (global header only) gives no frames', () => {
    const r = readAll(tmpFile(writePcap({}, [])));
    expect(r.error).toBeNull();
    expect(r.frames).toEqual([]);
    expect(r.bytesConsumed).toBe(24);
  });
});

describe('pcapng', () => {
  it('reads two sections, several interfaces, EPB, SPB, OPB, and skips other blocks', () => {
    const b = new PcapngBuilder();
    // Section 1, big-endian: Ethernet with default resolution; raw IP in ns.
    b.section(false, concat([Uint8Array.of(0, 3, 0, 4), new TextEncoder().encode('test'), Uint8Array.of(0, 0, 0, 0)]));
    b.interface(1);
    b.interface(101, { tsresol: 9, snaplen: 65535 });
    b.packet(0, 0x0005e0a1, 0x12345678, frameBytes(60, 1));
    b.packet(1, 0x17a0bc11, 0xdeadbeef, frameBytes(97, 2), 1500);
    b.block(0x12345, frameBytes(33, 9)); // unknown block type
    b.simple(frameBytes(42, 3), 42);
    b.block(0x00000bad, concat([Uint8Array.of(0, 0, 0x7e, 0xd5), frameBytes(10, 8)])); // custom block, PEN then data
    b.block(5, new Uint8Array(16)); // interface statistics
    // Section 2, little-endian: the interfaces start over.
    b.section(true);
    b.interface(113, { tsresol: 0x80 | 20, snaplen: 62 });
    b.interface(1, { tsresol: 6, tsoffset: 1000n });
    b.interface(228, { tsresol: 9, tsoffset: -1n });
    b.packet(0, 1, 2, frameBytes(62, 4), 200);
    b.simple(frameBytes(62, 5), 300); // interface 0's snaplen, not the padded body, gives its length
    b.packet(1, 5, 0xfffffff0, frameBytes(1, 6)); // tsoffset carries into the high word
    b.packet(2, 0, 1_000_000_000, frameBytes(20, 7), 20, true); // obsolete packet block, minus 1 s
    b.block(0x40000bad, concat([Uint8Array.of(0, 0, 0x7e, 0xd5), frameBytes(3, 8)])); // custom, not copiable

    const r = readAll(tmpFile(b.build()));
    expect(r.error).toBeNull();
    expect(r.format).toBe('pcapng');
    const ticks = (t: bigint): { tsHi: number; tsLo: number } => {
      const u = BigInt.asUintN(64, t);
      return { tsHi: Number(u >> 32n), tsLo: Number(u & 0xffffffffn) };
    };
    expect(r.frames).toEqual([
      { caplen: 60, wirelen: 60, link: linkWord(1, 6, false), tsHi: 0x0005e0a1, tsLo: 0x12345678, data: frameBytes(60, 1) },
      { caplen: 97, wirelen: 1500, link: linkWord(101, 9, false), tsHi: 0x17a0bc11, tsLo: 0xdeadbeef, data: frameBytes(97, 2) },
      // SPB: previous packet's timestamp and resolution, interface 0's link type.
      { caplen: 42, wirelen: 42, link: linkWord(1, 9, false), tsHi: 0x17a0bc11, tsLo: 0xdeadbeef, data: frameBytes(42, 3) },
      { caplen: 62, wirelen: 200, link: linkWord(113, 0x80 | 20, false), tsHi: 1, tsLo: 2, data: frameBytes(62, 4) },
      { caplen: 62, wirelen: 300, link: linkWord(113, 0x80 | 20, false), tsHi: 1, tsLo: 2, data: frameBytes(62, 5) },
      { caplen: 1, wirelen: 1, link: linkWord(1, 6, false), ...ticks((5n << 32n) + 0xfffffff0n + 1000n * 10n ** 6n), data: frameBytes(1, 6) },
      { caplen: 20, wirelen: 20, link: linkWord(228, 9, false), ...ticks(0n), data: frameBytes(20, 7) },
    ]);
    expect(r.frames.every((f) => (f.link & TS_SPLIT) === 0)).toBe(true);
    expect(r.bytesConsumed).toBe(r.bytesTotal);
  });

  it('SPB capped by the block body when the original length is larger and there is no snaplen', () => {
    const b = new PcapngBuilder().section(true).interface(1).simple(frameBytes(40, 1), 1000);
    const r = readAll(tmpFile(b.build()));
    expect(r.error).toBeNull();
    expect(r.frames.map((f) => [f.caplen, f.wirelen])).toEqual([[40, 1000]]);
  });
});

/** Frames as a reader should deliver them, for files made by `makeFile`. */
interface Made { bytes: Uint8Array; frames: Frame[]; largestRecord: number }

function makePcap(sizes: number[], le: boolean): Made {
  const recs = sizes.map((n, i) => ({ tsSec: 1000 + i, tsFrac: i * 7, data: frameBytes(n, i) }));
  return {
    bytes: writePcap({ le }, recs),
    frames: recs.map((rec) => ({
      caplen: rec.data.length, wirelen: rec.data.length, link: linkWord(1, 6, true),
      tsHi: rec.tsSec, tsLo: rec.tsFrac, data: rec.data,
    })),
    largestRecord: Math.max(MIN_DATA_CAPACITY, ...sizes.map(pcapRecordSize)),
  };
}

/** A pcapng file with a custom block of `junk[i]` bytes (when set) before frame i. */
function makePcapng(sizes: number[], junk: (number | null)[], le: boolean): Made {
  const b = new PcapngBuilder().section(le).interface(1, { tsresol: 9 });
  let largest = MIN_DATA_CAPACITY;
  sizes.forEach((n, i) => {
    const j = junk[i];
    if (j !== undefined && j !== null) b.block(0x40000bad, frameBytes(j, i + 100));
    b.packet(0, i, i * 3, frameBytes(n, i));
    largest = Math.max(largest, 32 + ((n + 3) & ~3));
  });
  return {
    bytes: b.build(),
    frames: sizes.map((n, i) => ({
      caplen: n, wirelen: n, link: linkWord(1, 9, false), tsHi: i, tsLo: i * 3, data: frameBytes(n, i),
    })),
    largestRecord: largest,
  };
}

describe('streaming across slabs', () => {
  const sizes = Array.from({ length: 60 }, (_, i) => (i * 397) % 1515);
  // 220 KB: tails left by a full index outgrow the 64 KiB carry buffer.
  const many = Array.from({ length: 300 }, (_, i) => (i * 397) % 1515);

  it('carries records cut by the end of a 4 KiB data region over to the next slab', () => {
    const made = makePcap(sizes, true);
    const r = readAll(tmpFile(made.bytes), 4096, 4096);
    expect(r.error).toBeNull();
    expect(r.fills.length).toBeGreaterThan(5);
    expect(r.frames).toEqual(made.frames);
    expect(r.bytesConsumed).toBe(r.bytesTotal);
  });

  it('stops each fill at maxRecords, re-reading the long tail from the file', () => {
    const made = makePcapng(many, [], false);
    const r = readAll(tmpFile(made.bytes), 1 << 20, 3);
    expect(r.error).toBeNull();
    expect(r.fills).toEqual(Array<number>(100).fill(3));
    expect(r.frames).toEqual(made.frames);
  });

  it.skipIf(process.platform === 'win32')('reads from a pipe, carrying long tails', async () => {
    const made = makePcapng(many, [null, 70000], true);
    const fifo = tmpPath('fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', tmpFile(made.bytes), fifo]);
    const exited = once(writer, 'exit');
    const r = readAll(fifo, 1 << 20, 3);
    await exited;
    expect(r.error).toBeNull();
    expect(r.frames).toEqual(made.frames);
    expect(r.bytesTotal).toBe(0);
    expect(r.bytesConsumed).toBe(made.bytes.length);
  });

  it('skips pcapng blocks larger than the data region', () => {
    const made = makePcapng([10, 20, 30, 40], [5000, null, 20000, 9000], true);
    const r = readAll(tmpFile(made.bytes), 4096, 2);
    expect(r.error).toBeNull();
    expect(r.frames).toEqual(made.frames);
    expect(r.bytesConsumed).toBe(r.bytesTotal);
  });

  it('property: every frame, in order, whatever the frame and slab sizes', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ size: fc.integer({ min: 0, max: 2000 }), junk: fc.option(fc.integer({ min: 0, max: 9000 })) }), { maxLength: 40 }),
      fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 6000 }), fc.integer({ min: 1, max: 25 }),
      (recs, ng, le, extra, maxRecords) => {
        const sizes = recs.map((r) => r.size);
        const made = ng ? makePcapng(sizes, recs.map((r) => r.junk), le) : makePcap(sizes, le);
        const r = readAll(tmpFile(made.bytes), made.largestRecord + extra, maxRecords);
        expect(r.error).toBeNull();
        expect(r.frames).toEqual(made.frames);
        expect(r.bytesConsumed).toBe(r.bytesTotal);
      },
    ), { numRuns: 200 });
  });
});

describe('truncated and corrupt files', () => {
  const recs = [60, 1514, 590, 60].map((n, i) => ({ tsSec: i, tsFrac: i, data: frameBytes(n, i) }));
  const good = writePcap({}, recs);
  const third = 24 + pcapRecordSize(60) + pcapRecordSize(1514); // offset of record 3
  const firstTwo = (r: ReadResult): void => {
    expect(r.frames.map((f) => f.caplen)).toEqual([60, 1514]);
    expect(r.fills).toEqual([2]);
    expect(r.bytesConsumed).toBe(third);
  };

  it('pcap cut in a record body', () => {
    const r = readAll(tmpFile(good.subarray(0, third + 16 + 100)));
    expectError(r, 'E_CAPTURE_TRUNCATED', third);
    expect(r.error!.message).toBe(`truncated record at byte ${third}: header says 590 bytes, file ends after 100`);
    firstTwo(r);
  });

  it('pcap cut in a record header', () => {
    const r = readAll(tmpFile(good.subarray(0, third + 9)));
    expectError(r, 'E_CAPTURE_TRUNCATED', third);
    firstTwo(r);
  });

  it('pcap cut across slabs is still reported at the record', () => {
    const r = readAll(tmpFile(good.subarray(0, third + 16 + 100)), 1600, 10);
    expectError(r, 'E_CAPTURE_TRUNCATED', third);
    expect(r.frames.map((f) => f.caplen)).toEqual([60, 1514]);
  });

  it('pcap cut in the global header', () => {
    const r = readAll(tmpFile(good.subarray(0, 10)));
    expectError(r, 'E_CAPTURE_TRUNCATED', 0);
    expect(r.frames).toEqual([]);
  });

  it('pcap caplen absurdly large', () => {
    const bad = writePcap({ le: false }, recs.map((rec, i) => (i === 2 ? { ...rec, caplen: 0x7fffffff } : rec)));
    const r = readAll(tmpFile(bad));
    expectError(r, 'E_CAPTURE_CORRUPT', third);
    expect(r.error!.message).toContain('caplen 2147483647');
    firstTwo(r);
  });

  it('pcap record bigger than the slab data region', () => {
    const r = readAll(tmpFile(good), 1024, 10);
    expectError(r, 'E_CAPTURE_CORRUPT', 24 + pcapRecordSize(60));
    expect(r.frames.map((f) => f.caplen)).toEqual([60]);
  });

  /** Two good packets, then whatever `bad` appends; returns the file and the bad block's offset. */
  function ngAfterTwo(bad: (b: PcapngBuilder) => void, le = true): { file: string; at: number } {
    const b = new PcapngBuilder().section(le).interface(1).packet(0, 1, 1, frameBytes(60, 1)).packet(0, 2, 2, frameBytes(99, 2));
    const at = b.offset;
    bad(b);
    b.packet(0, 3, 3, frameBytes(60, 3));
    return { file: tmpFile(b.build()), at };
  }
  const ngFirstTwo = (r: ReadResult): void => {
    expect(r.frames.map((f) => f.caplen)).toEqual([60, 99]);
    expect(r.fills).toEqual([2]);
  };

  it('pcapng block length not a multiple of 4', () => {
    // An enhanced packet block, 46 bytes long, otherwise well formed: caplen 10, trailer 46.
    const block = new DataView(new ArrayBuffer(46));
    for (const [at, v] of [[0, 6], [4, 46], [20, 10], [24, 10], [42, 46]] as const) block.setUint32(at, v, true);
    const { file, at } = ngAfterTwo((b) => b.raw(new Uint8Array(block.buffer)));
    const r = readAll(file);
    expectError(r, 'E_CAPTURE_CORRUPT', at);
    expect(r.error!.message).toContain('total length 46');
    ngFirstTwo(r);
  });

  it('pcapng trailing length that does not match', () => {
    const { file, at } = ngAfterTwo((b) => {
      const block = new PcapngBuilder().section(false).packet(0, 0, 0, frameBytes(8, 1)).build().subarray(28);
      block[block.length - 1] = 0x44; // big-endian section: the last byte is the low byte
      b.raw(block);
    }, false);
    const r = readAll(file);
    expectError(r, 'E_CAPTURE_CORRUPT', at);
    expect(r.error!.message).toBe(`corrupt block at byte ${at}: total length 40 at its start, 68 at its end`);
    ngFirstTwo(r);
  });

  it('pcapng trailing length mismatch in a block skipped across slabs', () => {
    const { file, at } = ngAfterTwo((b) => {
      const block = new PcapngBuilder().block(0x0bad, frameBytes(9000, 1)).build();
      new DataView(block.buffer).setUint32(block.length - 4, block.length + 4, true);
      b.raw(block);
    });
    const r = readAll(file, 4096, 10);
    expectError(r, 'E_CAPTURE_CORRUPT', at);
    ngFirstTwo(r);
  });

  it('pcapng packet on an interface the section does not have', () => {
    const { file, at } = ngAfterTwo((b) => b.packet(1, 0, 0, frameBytes(10, 1)));
    const r = readAll(file);
    expectError(r, 'E_CAPTURE_CORRUPT', at);
    expect(r.error!.message).toContain('interface 1');
    ngFirstTwo(r);
  });

  it('pcapng interfaces do not survive a new section', () => {
    const { file, at } = ngAfterTwo((b) => b.section(true).packet(0, 0, 0, frameBytes(10, 1)));
    expectError(readAll(file), 'E_CAPTURE_CORRUPT', at + 28);
  });

  it('pcapng packet caplen overrunning its block', () => {
    const { file, at } = ngAfterTwo((b) => {
      const block = new PcapngBuilder().packet(0, 0, 0, frameBytes(16, 1)).build();
      block[20] = 17; // caplen 17 in a block with room for 16
      b.raw(block);
    });
    expectError(readAll(file), 'E_CAPTURE_CORRUPT', at);
  });

  it('pcapng cut in a packet block, in a block header, and in a skipped block', () => {
    const b = new PcapngBuilder().section(true).interface(1).packet(0, 1, 1, frameBytes(60, 1));
    const at = b.offset;
    b.packet(0, 2, 2, frameBytes(200, 2));
    const whole = b.build();
    for (const cut of [at + 100, at + 5]) {
      const r = readAll(tmpFile(whole.subarray(0, cut)));
      expectError(r, 'E_CAPTURE_TRUNCATED', at);
      expect(r.frames.map((f) => f.caplen)).toEqual([60]);
    }
    const big = b.block(0x0bad, frameBytes(20000, 3)).build();
    const skipAt = whole.length;
    const r = readAll(tmpFile(big.subarray(0, skipAt + 15000)), 4096, 10);
    expectError(r, 'E_CAPTURE_TRUNCATED', skipAt);
    expect(r.error!.message).toBe(`truncated block at byte ${skipAt}: header says 20012 bytes, file ends after 15000`);
    expect(r.frames.map((f) => f.caplen)).toEqual([60, 200]);
  });

  it('pcapng section header with a bad byte-order magic', () => {
    const bytes = new PcapngBuilder().section(true).build();
    bytes[8] = 0x99;
    expectError(readAll(tmpFile(bytes)), 'E_CAPTURE_FORMAT', 0);
  });

  it('unknown magic', () => {
    const e = openError(tmpFile(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n')));
    expect(e.code).toBe('E_CAPTURE_FORMAT');
    expect(e.offset).toBe(0);
    expect(e.message).toContain('0x47455420');
  });

  it('empty file, and a file too short for a magic', () => {
    const empty = openError(tmpFile(new Uint8Array(0)));
    expect(empty.code).toBe('E_CAPTURE_FORMAT');
    expect(empty.message).toContain('is empty');
    const short = openError(tmpFile(Uint8Array.of(0xd4, 0xc3)));
    expect(short.code).toBe('E_CAPTURE_FORMAT');
    expect(short.message).toContain('only 2 bytes');
  });
});
