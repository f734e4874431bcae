// Finished flow records from the core's output region, as Zeek conn.log records (JSON field
// names and conventions of Zeek's JSON logs), plus `vni`. conn_state is derived here from the
// two endpoint states and the history, as Zeek's base/protocols/conn script does.

import { WasmCore } from './wasm-core.js';
import { formatAddress } from './address.js';

export interface ConnRecord {
  _path: 'conn';
  ts: number;
  uid: string;
  'id.orig_h': string;
  'id.orig_p': number;
  'id.resp_h': string;
  'id.resp_p': number;
  proto: 'tcp' | 'udp' | 'icmp';
  service?: string;
  duration?: number;
  orig_bytes?: number;
  resp_bytes?: number;
  conn_state: string;
  missed_bytes: number;
  history?: string;
  orig_pkts: number;
  orig_ip_bytes: number;
  resp_pkts: number;
  resp_ip_bytes: number;
  tunnel_parents?: string[];
  vni?: number;
}

// Zeek's TCP endpoint states (the core's tcp-state.ts)
const INACTIVE = 0, SYN_SENT = 1, SYN_ACK_SENT = 2, PARTIAL = 3, ESTABLISHED = 4, CLOSED = 5, RESET = 6;
const PROTO_NAMES: Record<number, ConnRecord['proto']> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmp' };
const TUNNEL_SERVICE: Record<number, string> = { 1: 'vxlan', 2: 'geneve' };
const BASE62 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

function base62(v: bigint): string {
  let s = '';
  do { s += BASE62[Number(v % 62n)]; v /= 62n; } while (v > 0n);
  return s; // least significant digit first, as Zeek's uitoa_n writes it
}

/**
 * A uid in Zeek's format: "C", then a 32-bit and a 64-bit word in base 62, unpadded (usually
 * 18 characters). Zeek draws the 96 bits at random; here they derive from the core's hash of
 * the flow key and start time, so the same connection gets the same uid on every replay.
 */
export function uidString(h: bigint): string {
  const word32 = ((h * 0x9e3779b97f4a7c15n) >> 32n) & 0xffffffffn;
  return `C${base62(word32)}${base62(h)}`;
}

export function connState(proto: number, os: number, rs: number, history: string, origSize: number, respSize: number): string {
  if (proto === 17) {
    if (os) return rs ? 'SF' : 'S0';
    return rs ? 'SHR' : 'OTH';
  }
  if (proto !== 6) return 'OTH';
  const oInactive = os === INACTIVE || os === PARTIAL;
  const rInactive = rs === INACTIVE || rs === PARTIAL;
  if (rs === RESET) {
    if (os === SYN_SENT || os === SYN_ACK_SENT || (os === RESET && origSize === 0 && respSize === 0)) return 'REJ';
    return oInactive ? 'RSTRH' : 'RSTR';
  }
  if (os === RESET) {
    if (rInactive) return /^\^?S[^HAFGIQ]*R/.test(history) ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (rs === CLOSED && os === CLOSED) return 'SF';
  if (os === CLOSED) return rInactive ? 'SH' : 'S2';
  if (rs === CLOSED) return oInactive ? 'SHR' : 'S3';
  if (os === SYN_SENT && rs === INACTIVE) return 'S0';
  if (os === ESTABLISHED && rs === ESTABLISHED) return 'S1';
  return 'OTH';
}

/** Reads flow records laid out as the core's flow.ts says. */
export class ConnReader {
  private readonly c: (name: string) => number;

  constructor(private readonly core: WasmCore) {
    const cache = new Map<string, number>();
    this.c = (name) => {
      let v = cache.get(name);
      if (v === undefined) { v = core.constant(name); cache.set(name, v); }
      return v;
    };
  }

  /** The records now in the output region. */
  read(): ConnRecord[] {
    const ex = this.core.exports as unknown as { outputPtr(): number; outputCount(): number };
    const n = ex.outputCount();
    const base = ex.outputPtr() >>> 0;
    const size = this.c('FLOW_SIZE');
    const out: ConnRecord[] = [];
    for (let i = 0; i < n; i++) out.push(this.record(base + i * size));
    return out;
  }

  record(p: number): ConnRecord {
    const c = this.c;
    const m = this.core.bytes;
    const dv = new DataView(m.buffer);
    const u8 = (o: number) => m[p + o];
    const u16 = (o: number) => dv.getUint16(p + o, true);
    const u32 = (o: number) => dv.getUint32(p + o, true);
    const u64 = (o: number) => dv.getBigUint64(p + o, true);
    const num = (o: number) => Number(u64(o));
    const proto = u8(c('FL_PROTO'));
    const flags = u8(c('FL_FLAGS'));
    const first = u64(c('FL_FIRST'));
    const last = u64(c('FL_LAST'));
    const history = Buffer.from(m.buffer, p + c('FL_HIST'), u8(c('FL_HIST_LEN'))).toString('latin1');
    const o = c('FL_EP_ORIG');
    const r = c('FL_EP_RESP');
    const origSize = num(o + c('EP_BYTES'));
    const respSize = num(r + c('EP_BYTES'));
    const durationNs = last > first ? last - first : 0n;
    const parents: string[] = [];
    if (flags & c('FLF_PARENT1')) parents.push(uidString(u64(c('FL_PARENT1'))));
    if (flags & c('FLF_PARENT2')) parents.push(uidString(u64(c('FL_PARENT2'))));
    const isTunnel = (flags & c('FLF_TUNNEL')) !== 0;
    const timed = durationNs > 0n;
    // Zeek's field order; undefined fields are left out of the JSON, as Zeek leaves unset ones
    return {
      _path: 'conn',
      ts: Number(first / 1000n) / 1e6,
      uid: uidString(u64(c('FL_UID'))),
      'id.orig_h': formatAddress(m, p + c('FL_ORIG')),
      'id.orig_p': u16(c('FL_OPORT')),
      'id.resp_h': formatAddress(m, p + c('FL_RESP')),
      'id.resp_p': u16(c('FL_RPORT')),
      proto: PROTO_NAMES[proto] ?? 'icmp',
      service: isTunnel ? TUNNEL_SERVICE[u8(c('FL_TUN_KIND'))] : undefined,
      duration: timed ? Number(durationNs / 1000n) / 1e6 : undefined,
      orig_bytes: timed ? origSize : undefined,
      resp_bytes: timed ? respSize : undefined,
      conn_state: connState(proto, u8(o + c('EP_STATE')), u8(r + c('EP_STATE')), history, origSize, respSize),
      missed_bytes: num(c('FL_MISSED')),
      history: history || undefined,
      orig_pkts: num(o + c('EP_PKTS')),
      orig_ip_bytes: num(o + c('EP_IP_BYTES')),
      resp_pkts: num(r + c('EP_PKTS')),
      resp_ip_bytes: num(r + c('EP_IP_BYTES')),
      tunnel_parents: parents.length > 0 ? parents : undefined,
      vni: parents.length > 0 || isTunnel ? u32(c('FL_VNI')) : undefined,
    };
  }
}
