// pcapng parser: indexes the packet blocks of a pcapng file in place in a slab's data region, for
// FileSource (file-source.ts). Several sections per file, each in its own byte order and with its
// own interfaces; blocks it does not use are skipped by their length.
//
//   every block      0 type   4 total length   8 body ...   total length again (last 4 bytes)
//   SHB 0x0a0d0d0a   8 byte-order magic 1a2b3c4d  12 major u16 (1)  14 minor u16  16 section length i64  24 options
//   IDB 1            8 link type u16  10 reserved  12 snaplen  16 options: if_tsresol (9), if_tsoffset (14)
//   EPB 6            8 interface id  12 ts high  16 ts low  20 caplen  24 origlen  28 frame (padded to 4), options
//   SPB 3            8 origlen  12 frame: min(origlen, interface 0 snaplen if set, block body) bytes
//   OPB 2            8 interface id u16  10 drops u16  12 ts high  16 ts low  20 caplen  24 origlen  28 frame
//
// Index entries carry the interface's link type and its if_tsresol byte (default 6) with TS_SPLIT
// clear: TS_HI/TS_LO are the halves of the 64-bit tick count, if_tsoffset already added (as
// ticks, modulo 2^64). A simple packet block has no timestamp: it reuses the previous packet's
// (ticks and resolution), on interface 0's link type.
import type { RecordParser, SlabCursor } from './file-source.js';
import { MAX_FRAME } from './pcap-reader.js';
import { linkWord } from './slab.js';

/** Block type of a section header block, read big-endian from the first four bytes of the file. */
export const PCAPNG_MAGIC = 0x0a0d0d0a;

/** Interfaces accepted in one section (OPB interface ids are 16 bits). */
const MAX_INTERFACES = 65536;

const SHB = PCAPNG_MAGIC;
const IDB = 1;
const OPB = 2;
const SPB = 3;
const EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_SWAPPED = 0x4d3c2b1a;
const OPT_ENDOFOPT = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
const DEFAULT_TSRESOL = 6;

/** Smallest total length of each block this parser reads: header, fixed fields, trailer. */
const MIN_SHB = 28;
const MIN_IDB = 20;
const MIN_PACKET = 32;
const MIN_SPB = 16;

const NAMES: Record<number, string> = {
  [SHB]: 'section header block', [IDB]: 'interface description block', [OPB]: 'obsolete packet block',
  [SPB]: 'simple packet block', [EPB]: 'enhanced packet block',
};

export class PcapngReader implements RecordParser {
  readonly format = 'pcapng';
  private le = true;
  /** Per interface of the current section: index link word, snaplen, if_tsoffset in ticks. */
  private ifLink: number[] = [];
  private ifSnap: number[] = [];
  private ifOffHi: number[] = [];
  private ifOffLo: number[] = [];
  /** Timestamp of the previous packet, for simple packet blocks. */
  private lastHi = 0;
  private lastLo = 0;
  private lastResol = DEFAULT_TSRESOL;
  /** A skipped block whose trailing length is still to be checked: its file offset, or -1. */
  private trailerAt = -1;
  private trailerLen = 0;

  walk(c: SlabCursor): void {
    if (this.trailerAt >= 0 && !this.checkSkippedTrailer(c)) return;
    const view = c.view;
    const end = c.end;
    let pos = c.pos;
    while (c.records < c.maxRecords) {
      // Hot path, nearly every block: a whole, well-formed enhanced packet block. It only
      // shortcuts block(), which handles every block, this one included, and reports faults.
      const le = this.le;
      const avail = end - pos;
      if (avail >= MIN_PACKET && view.getUint32(pos, le) === EPB) {
        const len = view.getUint32(pos + 4, le);
        const iface = view.getUint32(pos + 8, le);
        const caplen = view.getUint32(pos + 20, le);
        if (len <= avail && (len & 3) === 0 && caplen <= MAX_FRAME && caplen <= len - MIN_PACKET &&
            iface < this.ifLink.length && view.getUint32(pos + len - 4, le) === len) {
          this.packet(c, pos, iface, caplen, le);
          pos += len;
          continue;
        }
      }
      const next = this.block(c, pos);
      if (next < 0) return;
      pos = next;
    }
    c.pos = pos;
  }

  /** Indexes the frame of an enhanced or obsolete packet block already checked. */
  private packet(c: SlabCursor, pos: number, iface: number, caplen: number, le: boolean): void {
    const view = c.view;
    const link = this.ifLink[iface]!;
    const lo = view.getUint32(pos + 16, le) + this.ifOffLo[iface]!;
    const hi = (view.getUint32(pos + 12, le) + this.ifOffHi[iface]! + (lo > 0xffffffff ? 1 : 0)) >>> 0;
    this.lastHi = hi;
    this.lastLo = lo >>> 0;
    this.lastResol = (link >>> 16) & 0xff;
    c.record(pos + 28, caplen, view.getUint32(pos + 24, le), link, hi, this.lastLo);
  }

  /**
   * Processes the block at data[pos]: returns the position after it, or -1 to stop the walk, with
   * c.pos set to where the next walk resumes and c.error or c.skip set when there is cause.
   */
  private block(c: SlabCursor, pos: number): number {
    const view = c.view;
    const avail = c.end - pos;
    const at = c.base + pos;
    c.pos = pos;
    if (avail < 8) {
      if (c.eof && avail > 0) c.fail('E_CAPTURE_TRUNCATED', at, 'truncated block header', `needs 8 bytes, file ends after ${avail}`);
      return -1;
    }
    const type = view.getUint32(pos, this.le);
    if (type === SHB) {
      if (avail < 12) {
        if (c.eof) c.fail('E_CAPTURE_TRUNCATED', at, 'truncated section header', `needs 12 bytes, file ends after ${avail}`);
        return -1;
      }
      const bom = view.getUint32(pos + 8, true);
      if (bom !== BYTE_ORDER_MAGIC && bom !== BYTE_ORDER_SWAPPED) {
        c.fail('E_CAPTURE_FORMAT', at, 'not a pcapng section', `byte-order magic 0x${bom.toString(16)}`);
        return -1;
      }
      this.le = bom === BYTE_ORDER_MAGIC;
    }
    const le = this.le;
    const len = view.getUint32(pos + 4, le);
    if (len < 12 || (len & 3) !== 0) {
      c.fail('E_CAPTURE_CORRUPT', at, 'corrupt block', `total length ${len} is not a multiple of 4 of at least 12`);
      return -1;
    }
    const parsed = type === EPB || type === SPB || type === IDB || type === SHB || type === OPB;
    if (len > avail) {
      if (c.eof) {
        c.fail('E_CAPTURE_TRUNCATED', at, 'truncated block', `header says ${len} bytes, file ends after ${avail}`);
      } else if (parsed && len > c.data.length) {
        c.fail('E_CAPTURE_CORRUPT', at, NAMES[type], `${len} bytes do not fit in the slab's ${c.data.length}-byte data region`);
      } else if (!parsed) {
        // Not needed: discard its body without loading it, check its trailing length next time.
        this.trailerAt = at;
        this.trailerLen = len;
        const bodyEnd = pos + len - 4;
        c.skip = Math.max(0, bodyEnd - c.end);
        c.pos = Math.min(bodyEnd, c.end);
      }
      return -1;
    }
    const trailer = view.getUint32(pos + len - 4, le);
    if (trailer !== len) {
      c.fail('E_CAPTURE_CORRUPT', at, 'corrupt block', `total length ${len} at its start, ${trailer} at its end`);
      return -1;
    }
    if (type === EPB || type === OPB) {
      if (len < MIN_PACKET) return this.tooShort(c, at, type, len, MIN_PACKET);
      const iface = type === EPB ? view.getUint32(pos + 8, le) : view.getUint16(pos + 8, le);
      const caplen = view.getUint32(pos + 20, le);
      if (iface >= this.ifLink.length) {
        c.fail('E_CAPTURE_CORRUPT', at, NAMES[type], `names interface ${iface}, but the section has ${this.ifLink.length}`);
        return -1;
      }
      if (caplen > MAX_FRAME || caplen > len - MIN_PACKET) {
        c.fail('E_CAPTURE_CORRUPT', at, `corrupt ${NAMES[type]}`, caplen > MAX_FRAME
          ? `caplen ${caplen} exceeds the ${MAX_FRAME}-byte maximum`
          : `caplen ${caplen} overruns its ${len}-byte block`);
        return -1;
      }
      this.packet(c, pos, iface, caplen, le);
    } else if (type === SPB) {
      if (len < MIN_SPB) return this.tooShort(c, at, type, len, MIN_SPB);
      if (this.ifLink.length === 0) {
        c.fail('E_CAPTURE_CORRUPT', at, 'simple packet block', 'comes before any interface description');
        return -1;
      }
      const wirelen = view.getUint32(pos + 8, le);
      const snap = this.ifSnap[0]!;
      let caplen = Math.min(wirelen, len - MIN_SPB);
      if (snap !== 0 && snap < caplen) caplen = snap;
      if (caplen > MAX_FRAME) {
        c.fail('E_CAPTURE_CORRUPT', at, 'corrupt simple packet block', `${caplen} frame bytes exceed the ${MAX_FRAME}-byte maximum`);
        return -1;
      }
      c.record(pos + 12, caplen, wirelen, linkWord(this.ifLink[0]!, this.lastResol, false), this.lastHi, this.lastLo);
    } else if (type === IDB) {
      if (len < MIN_IDB) return this.tooShort(c, at, type, len, MIN_IDB);
      if (!this.addInterface(c, pos, len)) return -1;
    } else if (type === SHB) {
      if (len < MIN_SHB) return this.tooShort(c, at, type, len, MIN_SHB);
      const major = view.getUint16(pos + 12, le);
      if (major !== 1) {
        c.fail('E_CAPTURE_FORMAT', at, 'unsupported pcapng version', `${major}.${view.getUint16(pos + 14, le)}, expected 1.x`);
        return -1;
      }
      this.ifLink.length = 0;
      this.ifSnap.length = 0;
      this.ifOffHi.length = 0;
      this.ifOffLo.length = 0;
    }
    return pos + len;
  }

  /** Checks the trailing length of the block skipped by the previous walk; false on a fault or short read. */
  private checkSkippedTrailer(c: SlabCursor): boolean {
    const at = this.trailerAt;
    if (c.end - c.pos < 4) {
      if (c.eof) {
        c.fail('E_CAPTURE_TRUNCATED', at, 'truncated block',
          `header says ${this.trailerLen} bytes, file ends after ${c.base + c.end - at}`);
      }
      return false;
    }
    const trailer = c.view.getUint32(c.pos, this.le);
    if (trailer !== this.trailerLen) {
      c.fail('E_CAPTURE_CORRUPT', at, 'corrupt block', `total length ${this.trailerLen} at its start, ${trailer} at its end`);
      return false;
    }
    this.trailerAt = -1;
    c.pos += 4;
    return true;
  }

  /** Reads an interface description block into the section's interface table; false on a fault. */
  private addInterface(c: SlabCursor, pos: number, len: number): boolean {
    const view = c.view;
    const le = this.le;
    const at = c.base + pos;
    if (this.ifLink.length >= MAX_INTERFACES) {
      c.fail('E_CAPTURE_CORRUPT', at, 'interface description block', `more than ${MAX_INTERFACES} interfaces in one section`);
      return false;
    }
    let tsresol = DEFAULT_TSRESOL;
    let tsoffset = 0n;
    const optEnd = pos + len - 4;
    let o = pos + 16;
    while (o + 4 <= optEnd) {
      const code = view.getUint16(o, le);
      const olen = view.getUint16(o + 2, le);
      if (code === OPT_ENDOFOPT) break;
      if (o + 4 + olen > optEnd) {
        c.fail('E_CAPTURE_CORRUPT', at, 'corrupt interface description block', `option ${code} of ${olen} bytes overruns the block`);
        return false;
      }
      if (code === IF_TSRESOL && olen >= 1) tsresol = view.getUint8(o + 4);
      else if (code === IF_TSOFFSET && olen >= 8) tsoffset = view.getBigInt64(o + 4, le);
      o += 4 + ((olen + 3) & ~3);
    }
    // if_tsoffset is in seconds; the index holds ticks, so add it as ticks (rare: computed once).
    const perSecond = tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
    const offset = BigInt.asUintN(64, tsoffset * perSecond);
    this.ifLink.push(linkWord(view.getUint16(pos + 8, le), tsresol, false));
    this.ifSnap.push(view.getUint32(pos + 12, le));
    this.ifOffHi.push(Number(offset >> 32n));
    this.ifOffLo.push(Number(offset & 0xffffffffn));
    return true;
  }

  private tooShort(c: SlabCursor, at: number, type: number, len: number, min: number): -1 {
    c.fail('E_CAPTURE_CORRUPT', at, `corrupt ${NAMES[type]}`, `total length ${len}, less than the ${min} its fields need`);
    return -1;
  }
}
