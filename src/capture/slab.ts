// A slab: one batch of captured frames in a SharedArrayBuffer, shared with every worker without
// copying. Capture sources fill it; workers copy it into their WASM memory once per batch.
//
// Layout (all little-endian, offsets in bytes):
//   [0, HEADER_BYTES)                      header: u32 records, u32 dataBytes (see Hdr below)
//   [HEADER_BYTES, dataOffset)             index: RECORD_WORDS u32 per frame (see Rec below)
//   [dataOffset, dataOffset + dataBytes)   frame bytes, at the offsets the index gives
//
// An index entry (RECORD_WORDS u32), as the WASM core reads it (WasmCore checks its REC_* exports):
//   Rec.OFFSET   byte offset of the frame inside the data region
//   Rec.CAPLEN   bytes captured
//   Rec.WIRELEN  bytes on the wire
//   Rec.LINK     link type (low 16 bits) | timestamp resolution (bits 16..23) | TS_SPLIT (bit 24)
//   Rec.TS_HI    TS_SPLIT: seconds;  otherwise the high 32 bits of a 64-bit count of ticks
//   Rec.TS_LO    TS_SPLIT: fraction; otherwise the low 32 bits
// The resolution byte is pcapng's if_tsresol: high bit clear = 10^-n s, set = 2^-n s. The WASM
// core turns the pair into nanoseconds with 64-bit integers, which JS numbers cannot hold exactly.
// A frame's number in the capture is the count of frames in the slabs before it, plus its index.

export const HEADER_BYTES = 64;
export const RECORD_WORDS = 6;
export const RECORD_BYTES = RECORD_WORDS * 4;
export const TS_SPLIT = 1 << 24;

export const Rec = {
  OFFSET: 0,
  CAPLEN: 1,
  WIRELEN: 2,
  LINK: 3,
  TS_HI: 4,
  TS_LO: 5,
} as const;

export const Hdr = { RECORDS: 0, DATA_BYTES: 1 } as const;

/** Link type word for the index: link type, timestamp resolution, split flag. */
export function linkWord(linkType: number, tsresol: number, split: boolean): number {
  return ((linkType & 0xffff) | ((tsresol & 0xff) << 16) | (split ? TS_SPLIT : 0)) >>> 0;
}

export class Slab {
  readonly sab: SharedArrayBuffer;
  readonly maxRecords: number;
  readonly dataOffset: number;
  readonly dataCapacity: number;
  /** Header words then index words, over the start of the buffer. */
  readonly words: Uint32Array;
  /** The data region. */
  readonly data: Uint8Array;

  /** A new slab, or with `sab`, the views of one received from another thread. */
  constructor(dataCapacity: number, maxRecords: number, sab?: SharedArrayBuffer) {
    this.maxRecords = maxRecords;
    this.dataOffset = HEADER_BYTES + maxRecords * RECORD_BYTES;
    this.dataCapacity = dataCapacity;
    this.sab = sab ?? new SharedArrayBuffer(this.dataOffset + dataCapacity);
    this.words = new Uint32Array(this.sab, 0, this.dataOffset / 4);
    this.data = new Uint8Array(this.sab, this.dataOffset, dataCapacity);
  }

  get records(): number { return this.words[Hdr.RECORDS]; }
  get dataBytes(): number { return this.words[Hdr.DATA_BYTES]; }

  /** Index word w of record i. */
  rec(i: number, w: number): number {
    return this.words[HEADER_BYTES / 4 + i * RECORD_WORDS + w];
  }

  /** Bytes of the index in use: what a worker copies into its WASM memory, with the data in use. */
  get usedIndexBytes(): number { return this.records * RECORD_BYTES; }
}
