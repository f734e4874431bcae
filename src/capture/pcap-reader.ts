// Classic pcap (libpcap) parser: indexes the records of a pcap file in place in a slab's data
// region, for FileSource (file-source.ts). Microsecond and nanosecond files, either byte order.
//
//   global header (24 bytes)                  record header (16 bytes), then caplen frame bytes
//    0  magic a1b2c3d4 (µs) / a1b23c4d (ns)    0  ts_sec
//    4  version major u16, minor u16           4  ts_usec, or ts_nsec
//    8  thiszone i32                           8  caplen   bytes captured, in the file
//   12  sigfigs                               12  origlen  bytes on the wire
//   16  snaplen
//   20  link type (low 16 bits); FCS length and flag bits above, masked off
//
// The magic, written in the writer's byte order, gives both the byte order and the resolution.
// Index entries carry TS_SPLIT with seconds in TS_HI and the fraction in TS_LO, resolution 6 or 9.
import type { RecordParser, SlabCursor } from './file-source.js';
import { linkWord } from './slab.js';

/** Largest frame accepted, libpcap's MAXIMUM_SNAPLEN; a bigger caplen means a corrupt file. */
export const MAX_FRAME = 262144;

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;
const MAGIC_US_SWAPPED = 0xd4c3b2a1;
const MAGIC_NS_SWAPPED = 0x4d3cb2a1;
const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;

/** True when the first four bytes of a file, read big-endian, are a pcap magic. */
export function isPcapMagic(magic: number): boolean {
  return magic === MAGIC_US || magic === MAGIC_NS || magic === MAGIC_US_SWAPPED || magic === MAGIC_NS_SWAPPED;
}

export class PcapReader implements RecordParser {
  readonly format = 'pcap';
  private started = false;
  private readonly le: boolean;
  /** Timestamp resolution: 6 (µs) or 9 (ns). */
  private readonly tsresol: number;
  /** Index link word: link type, resolution 6 or 9, TS_SPLIT. */
  private link = 0;

  /** `magic`: the file's first four bytes read big-endian, as isPcapMagic takes them. */
  constructor(magic: number) {
    this.le = magic === MAGIC_US_SWAPPED || magic === MAGIC_NS_SWAPPED;
    this.tsresol = magic === MAGIC_NS || magic === MAGIC_NS_SWAPPED ? 9 : 6;
  }

  walk(c: SlabCursor): void {
    if (!this.started && !this.readGlobalHeader(c)) return;
    const view = c.view;
    const end = c.end;
    const max = c.maxRecords;
    const le = this.le;
    const link = this.link;
    // A record must fit in one data region, header included.
    const limit = Math.min(MAX_FRAME, c.data.length - RECORD_HEADER);
    let pos = c.pos;
    while (c.records < max) {
      const avail = end - pos;
      if (avail < RECORD_HEADER) {
        if (c.eof && avail > 0) {
          c.fail('E_CAPTURE_TRUNCATED', c.base + pos, 'truncated record header',
            `needs ${RECORD_HEADER} bytes, file ends after ${avail}`);
        }
        break;
      }
      const caplen = view.getUint32(pos + 8, le);
      if (caplen > limit) {
        c.fail('E_CAPTURE_CORRUPT', c.base + pos, caplen > MAX_FRAME ? 'corrupt record' : 'record', caplen > MAX_FRAME
          ? `caplen ${caplen} exceeds the ${MAX_FRAME}-byte maximum`
          : `caplen ${caplen} does not fit in the slab's ${c.data.length}-byte data region`);
        break;
      }
      if (avail < RECORD_HEADER + caplen) {
        if (c.eof) {
          c.fail('E_CAPTURE_TRUNCATED', c.base + pos, 'truncated record',
            `header says ${caplen} bytes, file ends after ${avail - RECORD_HEADER}`);
        }
        break;
      }
      c.record(pos + RECORD_HEADER, caplen, view.getUint32(pos + 12, le), link,
        view.getUint32(pos, le), view.getUint32(pos + 4, le));
      pos += RECORD_HEADER + caplen;
    }
    c.pos = pos;
  }

  /** Parses the global header at the start of the file; false if it is not all there yet. */
  private readGlobalHeader(c: SlabCursor): boolean {
    const avail = c.end - c.pos;
    if (avail < GLOBAL_HEADER) {
      if (c.eof) c.fail('E_CAPTURE_TRUNCATED', 0, 'truncated pcap global header', `needs ${GLOBAL_HEADER} bytes, file ends after ${avail}`);
      return false;
    }
    this.link = linkWord(c.view.getUint32(c.pos + 20, this.le) & 0xffff, this.tsresol, true);
    this.started = true;
    c.pos += GLOBAL_HEADER;
    return true;
  }
}
