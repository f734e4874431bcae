// Application events from the core's events region (assembly/events.ts), as plain objects:
// which connection, when, from which side, and the fields by name. Values are Buffers (bytes),
// numbers (u32, u64) or number arrays (lists of u16); a field may occur more than once.

import { WasmCore } from './wasm-core.js';
import { formatAddress } from './address.js';

export const EventType = {
  HTTP_REQUEST: 1,
  HTTP_RESPONSE: 2,
  TLS_CLIENT_HELLO: 3,
  TLS_SERVER_HELLO: 4,
  TLS_CERTIFICATE: 5,
  DNS: 6,
  QUIC_INITIAL: 7,
  HTTP_BODY_DATA: 8,
  HTTP_BODY_END: 9,
  DATA_BURST: 10,
} as const;

export type FieldValue = Buffer | number | number[];

export interface AppEvent {
  type: number;
  fromOrig: boolean;
  /** The connection's uid hash, as two 32-bit halves (see uidString). */
  uidHi: number;
  uidLo: number;
  /** Capture time, µs since the epoch. */
  tsUs: number;
  orig: string;
  resp: string;
  origPort: number;
  respPort: number;
  proto: number;
  /** The VNI of the tunnel the connection came through, if it came through one. */
  vni?: number;
  fields: Map<string, FieldValue[]>;
}

const HEADER = 64;
/** Field value kinds (assembly/events.ts K_*); 0 is bytes. */
const K_U32 = 1, K_U64 = 2, K_U16S = 3;

/** The first value of a field as text (latin1, as the wire had it), or undefined. */
export function text(e: AppEvent, name: string): string | undefined {
  const v = e.fields.get(name)?.[0];
  return Buffer.isBuffer(v) ? v.toString('latin1') : undefined;
}

/** The first value of a numeric field, or undefined. */
export function num(e: AppEvent, name: string): number | undefined {
  const v = e.fields.get(name)?.[0];
  return typeof v === 'number' ? v : undefined;
}

export class EventReader {
  private readonly names: string[];

  constructor(private readonly core: WasmCore) {
    this.names = core.fieldNames();
  }

  /** Every event now in the region from byte offset `from` on (the caller clears it). */
  read(from = 0): AppEvent[] {
    const ex = this.core.exports;
    const base = ex.eventsPtr() >>> 0;
    const end = base + (ex.eventsUsed() >>> 0);
    const startAt = base + from;
    const m = this.core.bytes;
    const dv = new DataView(m.buffer);
    const out: AppEvent[] = [];
    for (let p = startAt; p < end;) {
      const size = dv.getUint32(p, true);
      const hi = dv.getUint32(p + 20, true);
      const e: AppEvent = {
        type: dv.getUint16(p + 4, true),
        fromOrig: (dv.getUint16(p + 6, true) & 1) !== 0,
        uidHi: dv.getUint32(p + 12, true),
        uidLo: dv.getUint32(p + 8, true),
        tsUs: hi * 4294967 + Math.floor((hi * 296 + dv.getUint32(p + 16, true)) / 1000),
        orig: formatAddress(m, p + 24),
        resp: formatAddress(m, p + 40),
        origPort: dv.getUint16(p + 56, true),
        respPort: dv.getUint16(p + 58, true),
        proto: m[p + 60],
        vni: (dv.getUint16(p + 6, true) & 2) !== 0 ? dv.getUint32(p + 60, true) >>> 8 : undefined,
        fields: new Map(),
      };
      for (let q = p + HEADER; q < p + size;) {
        const id = m[q];
        const kind = m[q + 1];
        const len = dv.getUint16(q + 2, true);
        const v = q + 4;
        let value: FieldValue;
        if (kind === K_U32) value = dv.getUint32(v, true);
        else if (kind === K_U64) value = dv.getUint32(v + 4, true) * 4294967296 + dv.getUint32(v, true);
        else if (kind === K_U16S) value = Array.from({ length: len >> 1 }, (_, i) => dv.getUint16(v + 2 * i, true));
        else value = Buffer.from(m.subarray(v, v + len));
        const name = this.names[id];
        const list = e.fields.get(name);
        if (list) list.push(value);
        else e.fields.set(name, [value]);
        q = v + len;
        if (kind > K_U16S) break;
      }
      out.push(e);
      p += size;
    }
    return out;
  }
}
