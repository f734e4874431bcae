// Application events from the core's events region (assembly/events.ts), as plain objects:
// which connection, when, from which side, and the fields by name. Values are Buffers (bytes),
// numbers (u32, u64) or number arrays (lists of u16); a field may occur more than once. The
// layout (event types, offsets, flags, kinds) comes from the core's exported constants, the field
// names from its field table: none of it is written here.

import { WasmCore } from './wasm-core.js';
import { formatAddress } from './address.js';

/** The event types, by their names in the core (assembly/events.ts Ev, exported as EV_<name>). */
export const EVENT_TYPES = [
  'HTTP_REQUEST', 'HTTP_RESPONSE', 'HTTP_BODY_DATA', 'HTTP_BODY_END', 'TLS_CLIENT_HELLO', 'TLS_SERVER_HELLO',
  'TLS_CERTIFICATE', 'DNS', 'QUIC_INITIAL', 'DATA_BURST',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type FieldValue = Buffer | number | number[];

export interface AppEvent {
  /** Undefined for a type this build does not know. */
  type: EventType | undefined;
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

/** The layout constants the reader uses (assembly/index.ts exports them). */
const LAYOUT = ['EVH_SIZE', 'EVH_TYPE', 'EVH_FLAGS', 'EVH_UID', 'EVH_TS', 'EVH_ORIG', 'EVH_RESP', 'EVH_OPORT',
  'EVH_RPORT', 'EVH_PROTO', 'EVH_VNI', 'EVH_BYTES', 'FE_ID', 'FE_KIND', 'FE_LEN', 'FE_BYTES', 'EVF_ORIG',
  'EVF_TUNNELLED', 'K_BYTES', 'K_U32', 'K_U64', 'K_U16S'] as const;

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
  private readonly o: Record<(typeof LAYOUT)[number], number>;
  private readonly types: (EventType | undefined)[] = [];

  constructor(private readonly core: WasmCore) {
    this.names = core.fieldNames();
    this.o = Object.fromEntries(LAYOUT.map((n) => [n, core.constant(n)])) as EventReader['o'];
    for (const t of EVENT_TYPES) this.types[core.constant(`EV_${t}`)] = t;
  }

  /** Every event now in the region from byte offset `from` on (the caller clears it). */
  read(from = 0): AppEvent[] {
    const ex = this.core.exports;
    const base = ex.eventsPtr() >>> 0;
    const end = base + (ex.eventsUsed() >>> 0);
    const startAt = base + from;
    const m = this.core.bytes;
    const dv = new DataView(m.buffer);
    const o = this.o;
    const out: AppEvent[] = [];
    for (let p = startAt; p < end;) {
      const size = dv.getUint32(p + o.EVH_SIZE, true);
      const flags = dv.getUint16(p + o.EVH_FLAGS, true);
      const hi = dv.getUint32(p + o.EVH_TS + 4, true);
      const vni = p + o.EVH_VNI;
      const e: AppEvent = {
        type: this.types[dv.getUint16(p + o.EVH_TYPE, true)],
        fromOrig: (flags & o.EVF_ORIG) !== 0,
        uidHi: dv.getUint32(p + o.EVH_UID + 4, true),
        uidLo: dv.getUint32(p + o.EVH_UID, true),
        tsUs: hi * 4294967 + Math.floor((hi * 296 + dv.getUint32(p + o.EVH_TS, true)) / 1000),
        orig: formatAddress(m, p + o.EVH_ORIG),
        resp: formatAddress(m, p + o.EVH_RESP),
        origPort: dv.getUint16(p + o.EVH_OPORT, true),
        respPort: dv.getUint16(p + o.EVH_RPORT, true),
        proto: m[p + o.EVH_PROTO],
        vni: (flags & o.EVF_TUNNELLED) !== 0 ? m[vni] | (m[vni + 1] << 8) | (m[vni + 2] << 16) : undefined,
        fields: new Map(),
      };
      for (let q = p + o.EVH_BYTES; q < p + size;) {
        const id = m[q + o.FE_ID];
        const kind = m[q + o.FE_KIND];
        const len = dv.getUint16(q + o.FE_LEN, true);
        const v = q + o.FE_BYTES;
        q = v + len;
        let value: FieldValue;
        if (kind === o.K_U32) value = dv.getUint32(v, true);
        else if (kind === o.K_U64) value = dv.getUint32(v + 4, true) * 4294967296 + dv.getUint32(v, true);
        else if (kind === o.K_U16S) value = Array.from({ length: len >> 1 }, (_, i) => dv.getUint16(v + 2 * i, true));
        else if (kind === o.K_BYTES) value = Buffer.from(m.subarray(v, v + len));
        else continue; // a kind this build does not know
        const name = this.names[id];
        const list = e.fields.get(name);
        if (list) list.push(value);
        else e.fields.set(name, [value]);
      }
      out.push(e);
      p += size;
    }
    return out;
  }
}
