// Application events from the core's events region (assembly/events.ts), read in place: an event
// holds its header's numbers and its connection's uid; its addresses are formatted, and its
// fields found, only when asked for. Bytes come as views of WASM memory, valid until the region
// is cleared (eventsClear): what is kept past the batch must be copied. The layout (event types,
// offsets, flags, value kinds) comes from the core's exported constants, the field names from its
// field table: none of it is written here.

import { WasmCore } from './wasm-core.js';
import { formatAddress } from './address.js';
import { uidAt, u64At, microsAt } from './record-ids.js';

/** The event types, by their names in the core (assembly/events.ts Ev, exported as EV_<name>). */
export const EVENT_TYPES = [
  'HTTP_REQUEST', 'HTTP_RESPONSE', 'HTTP_BODY_DATA', 'HTTP_BODY_END', 'TLS_CLIENT_HELLO', 'TLS_SERVER_HELLO',
  'TLS_CERTIFICATE', 'DNS', 'QUIC_INITIAL', 'DATA_BURST',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The layout constants the reader uses (assembly/index.ts exports them). */
const LAYOUT = ['EVH_SIZE', 'EVH_TYPE', 'EVH_FLAGS', 'EVH_UID', 'EVH_TS', 'EVH_ORIG', 'EVH_RESP', 'EVH_OPORT',
  'EVH_RPORT', 'EVH_PROTO', 'EVH_VNI', 'EVH_BYTES', 'FE_ID', 'FE_KIND', 'FE_LEN', 'FE_BYTES', 'EVF_ORIG',
  'EVF_TUNNELLED', 'K_BYTES', 'K_U32', 'K_U64', 'K_U16S'] as const;
type Layout = Record<(typeof LAYOUT)[number], number>;

/** What the events of one read share: the memory they are in, its layout, the field ids. */
interface Region {
  m: Buffer;
  dv: DataView;
  o: Layout;
  ids: Map<string, number>;
}

export class AppEvent {
  constructor(
    private readonly r: Region,
    /** Where the event's header, and its fields, start and end in memory. */
    private readonly p: number,
    private readonly fieldsAt: number,
    private readonly end: number,
    /** Undefined for a type this build does not know. */
    readonly type: EventType | undefined,
    readonly fromOrig: boolean,
    /** The connection's uid, which also keys per-connection state. */
    readonly uid: string,
    /** Capture time, µs since the epoch. */
    readonly tsUs: number,
    readonly origPort: number,
    readonly respPort: number,
    readonly proto: number,
    /** The VNI of the tunnel the connection came through, if it came through one. */
    readonly vni: number | undefined,
  ) {}

  get orig(): string {
    return formatAddress(this.r.m, this.p + this.r.o.EVH_ORIG);
  }

  get resp(): string {
    return formatAddress(this.r.m, this.p + this.r.o.EVH_RESP);
  }

  /** The next entry at or after q of field `id` with a value of this kind, or -1. */
  private next(id: number | undefined, kind: number, q: number): number {
    const { m, o } = this.r;
    for (; q < this.end; q = this.after(q)) if (m[q + o.FE_ID] === id && m[q + o.FE_KIND] === kind) return q;
    return -1;
  }

  /** The entry after the one at q. */
  private after(q: number): number {
    return q + this.r.o.FE_BYTES + this.r.dv.getUint16(q + this.r.o.FE_LEN, true);
  }

  /** The value of the entry at q, as a view. */
  private view(q: number): Buffer {
    const at = q + this.r.o.FE_BYTES;
    return this.r.m.subarray(at, at + this.r.dv.getUint16(q + this.r.o.FE_LEN, true));
  }

  /** A bytes field's first value as text (latin1, as the wire had it), or undefined. */
  text(name: string): string | undefined {
    const q = this.next(this.r.ids.get(name), this.r.o.K_BYTES, this.fieldsAt);
    if (q < 0) return undefined;
    const at = q + this.r.o.FE_BYTES;
    return this.r.m.toString('latin1', at, at + this.r.dv.getUint16(q + this.r.o.FE_LEN, true));
  }

  /** A bytes field's first value (a view), or undefined. */
  bytes(name: string): Buffer | undefined {
    const q = this.next(this.r.ids.get(name), this.r.o.K_BYTES, this.fieldsAt);
    return q < 0 ? undefined : this.view(q);
  }

  /** Every value of a bytes field, in order (views). */
  bytesAll(name: string): Buffer[] {
    const id = this.r.ids.get(name);
    const out: Buffer[] = [];
    for (let q = this.next(id, this.r.o.K_BYTES, this.fieldsAt); q >= 0; q = this.next(id, this.r.o.K_BYTES, this.after(q))) {
      out.push(this.view(q));
    }
    return out;
  }

  /** A numeric field's first value (u32 or u64), or undefined. */
  num(name: string): number | undefined {
    const { o, dv, ids } = this.r;
    const id = ids.get(name);
    const q = this.next(id, o.K_U32, this.fieldsAt);
    if (q >= 0) return dv.getUint32(q + o.FE_BYTES, true);
    const q64 = this.next(id, o.K_U64, this.fieldsAt);
    return q64 >= 0 ? u64At(dv, q64 + o.FE_BYTES) : undefined;
  }

  /** Every value of a u32 field, in order. */
  numAll(name: string): number[] {
    const { o, dv, ids } = this.r;
    const id = ids.get(name);
    const out: number[] = [];
    for (let q = this.next(id, o.K_U32, this.fieldsAt); q >= 0; q = this.next(id, o.K_U32, this.after(q))) {
      out.push(dv.getUint32(q + o.FE_BYTES, true));
    }
    return out;
  }

  /** A u16-list field's first value; empty when there is none. */
  u16s(name: string): number[] {
    const { o, dv, ids } = this.r;
    const q = this.next(ids.get(name), o.K_U16S, this.fieldsAt);
    if (q < 0) return [];
    const at = q + o.FE_BYTES;
    const out = new Array<number>(dv.getUint16(q + o.FE_LEN, true) >> 1);
    for (let i = 0; i < out.length; i++) out[i] = dv.getUint16(at + 2 * i, true);
    return out;
  }
}

export class EventReader {
  private readonly o: Layout;
  private readonly ids = new Map<string, number>();
  private readonly types: (EventType | undefined)[] = [];

  constructor(private readonly core: WasmCore) {
    core.fieldNames().forEach((name, id) => this.ids.set(name, id));
    this.o = Object.fromEntries(LAYOUT.map((n) => [n, core.constant(n)])) as Layout;
    for (const t of EVENT_TYPES) this.types[core.constant(`EV_${t}`)] = t;
  }

  /** Every event now in the region from byte offset `from` on (valid until the region is cleared). */
  read(from = 0): AppEvent[] {
    const ex = this.core.exports;
    const base = ex.eventsPtr() >>> 0;
    const end = base + (ex.eventsUsed() >>> 0);
    const u8 = this.core.bytes;
    const r: Region = { m: Buffer.from(u8.buffer), dv: new DataView(u8.buffer), o: this.o, ids: this.ids };
    const { m, dv, o } = r;
    const out: AppEvent[] = [];
    for (let p = base + from; p < end;) {
      const size = dv.getUint32(p + o.EVH_SIZE, true);
      const flags = dv.getUint16(p + o.EVH_FLAGS, true);
      const vni = p + o.EVH_VNI;
      out.push(new AppEvent(r, p, p + o.EVH_BYTES, p + size,
        this.types[dv.getUint16(p + o.EVH_TYPE, true)],
        (flags & o.EVF_ORIG) !== 0,
        uidAt(dv, p + o.EVH_UID),
        microsAt(dv, p + o.EVH_TS),
        dv.getUint16(p + o.EVH_OPORT, true),
        dv.getUint16(p + o.EVH_RPORT, true),
        m[p + o.EVH_PROTO],
        (flags & o.EVF_TUNNELLED) !== 0 ? m[vni] | (m[vni + 1] << 8) | (m[vni + 2] << 16) : undefined));
      p += size;
    }
    return out;
  }
}
