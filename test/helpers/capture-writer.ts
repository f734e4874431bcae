// Small synthetic capture files for the reader tests: classic pcap in either byte order and
// resolution, and pcapng built block by block (sections, interfaces, packet and other blocks).

import { PCAP_HEADER_BYTES, PCAP_RECORD_HEADER_BYTES, writePcapHeader, writePcapRecordHeader } from './wire.js';

export interface PcapRecord {
  tsSec: number;
  /** Microseconds or nanoseconds, as the file's magic says. */
  tsFrac: number;
  data: Uint8Array;
  /** Bytes on the wire; defaults to data.length. */
  wirelen?: number;
  /** The caplen written in the record header; defaults to data.length (set it to corrupt a file). */
  caplen?: number;
}

export interface PcapOptions {
  le?: boolean;
  nano?: boolean;
  /** The whole 32-bit link-type field, FCS bits included. */
  linkField?: number;
  snaplen?: number;
}

/** Deterministic frame bytes: n bytes that differ from frame to frame. */
export function frameBytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 17 + (i >>> 8)) & 0xff;
  return b;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Byte size of a classic pcap record holding `n` frame bytes. */
export const pcapRecordSize = (n: number): number => PCAP_RECORD_HEADER_BYTES + n;

export function writePcap(opts: PcapOptions, records: PcapRecord[]): Uint8Array {
  const le = opts.le ?? true;
  const out = new Uint8Array(PCAP_HEADER_BYTES + records.reduce((n, r) => n + pcapRecordSize(r.data.length), 0));
  let o = writePcapHeader(out, 0, { le, nano: opts.nano, snaplen: opts.snaplen, linkType: opts.linkField });
  for (const r of records) {
    o = writePcapRecordHeader(out, o, r.tsSec, r.tsFrac, r.caplen ?? r.data.length, r.wirelen ?? r.data.length, le);
    out.set(r.data, o);
    o += r.data.length;
  }
  return out;
}

export interface InterfaceOptions {
  snaplen?: number;
  tsresol?: number;
  /** if_tsoffset, seconds. */
  tsoffset?: bigint;
}

/** Writes pcapng blocks in the byte order of the current section. */
export class PcapngBuilder {
  private readonly parts: Uint8Array[] = [];
  private size = 0;
  private le = true;

  /** File offset of the next block. */
  get offset(): number { return this.size; }

  /** A section header block; later blocks use its byte order. */
  section(le: boolean, options: Uint8Array = new Uint8Array(0)): this {
    this.le = le;
    const body = new DataView(new ArrayBuffer(16 + options.length));
    body.setUint32(0, 0x1a2b3c4d, le);
    body.setUint16(4, 1, le);
    body.setUint16(6, 0, le);
    body.setBigInt64(8, -1n, le);
    new Uint8Array(body.buffer).set(options, 16);
    return this.block(0x0a0d0d0a, new Uint8Array(body.buffer));
  }

  interface(linkType: number, opts: InterfaceOptions = {}): this {
    const options: Uint8Array[] = [];
    if (opts.tsresol !== undefined) options.push(this.option(9, Uint8Array.of(opts.tsresol)));
    if (opts.tsoffset !== undefined) {
      const v = new DataView(new ArrayBuffer(8));
      v.setBigInt64(0, opts.tsoffset, this.le);
      options.push(this.option(14, new Uint8Array(v.buffer)));
    }
    if (options.length > 0) options.push(this.option(0, new Uint8Array(0)));
    const head = new DataView(new ArrayBuffer(8));
    head.setUint16(0, linkType, this.le);
    head.setUint32(4, opts.snaplen ?? 0, this.le);
    return this.block(1, concat([new Uint8Array(head.buffer), ...options]));
  }

  /** An enhanced packet block (type 6), or an obsolete packet block (type 2) with `obsolete`. */
  packet(iface: number, tsHi: number, tsLo: number, data: Uint8Array, wirelen = data.length, obsolete = false): this {
    const head = new DataView(new ArrayBuffer(20));
    if (obsolete) {
      head.setUint16(0, iface, this.le);
      head.setUint16(2, 7, this.le); // drops count
    } else {
      head.setUint32(0, iface, this.le);
    }
    head.setUint32(4, tsHi, this.le);
    head.setUint32(8, tsLo, this.le);
    head.setUint32(12, data.length, this.le);
    head.setUint32(16, wirelen, this.le);
    return this.block(obsolete ? 2 : 6, concat([new Uint8Array(head.buffer), data, this.pad(data.length)]));
  }

  /** A simple packet block: `data` is what the file holds, `wirelen` its original length. */
  simple(data: Uint8Array, wirelen = data.length): this {
    const head = new DataView(new ArrayBuffer(4));
    head.setUint32(0, wirelen, this.le);
    return this.block(3, concat([new Uint8Array(head.buffer), data, this.pad(data.length)]));
  }

  /** Any block: type, body (padded here to 4 bytes), both total lengths. */
  block(type: number, body: Uint8Array): this {
    const padded = concat([body, this.pad(body.length)]);
    const len = 12 + padded.length;
    const b = new DataView(new ArrayBuffer(len));
    b.setUint32(0, type, this.le);
    b.setUint32(4, len, this.le);
    new Uint8Array(b.buffer).set(padded, 8);
    b.setUint32(len - 4, len, this.le);
    return this.raw(new Uint8Array(b.buffer));
  }

  raw(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.size += bytes.length;
    return this;
  }

  build(): Uint8Array { return concat(this.parts); }

  private option(code: number, value: Uint8Array): Uint8Array {
    const head = new DataView(new ArrayBuffer(4));
    head.setUint16(0, code, this.le);
    head.setUint16(2, value.length, this.le);
    return concat([new Uint8Array(head.buffer), value, this.pad(value.length)]);
  }

  private pad(n: number): Uint8Array { return new Uint8Array((4 - (n & 3)) & 3); }
}
