// Finished flow records from the core's output region, as Zeek conn.log records (JSON field
// names and conventions of Zeek's JSON logs), plus `vni`. conn_state is derived here from the
// two endpoint states and the history, as Zeek's base/protocols/conn script does.
// Runs once per connection, not per packet, but tens of thousands of times a second: offsets are
// resolved once, numbers are read through one DataView, and no BigInt arithmetic is used.

import { WasmCore } from './wasm-core.js';
import { formatAddress } from './address.js';
import { uidAt, u64At, microsAt, RecordIds } from './record-ids.js';

export interface ConnRecord extends RecordIds {
  _path: 'conn';
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
}

// Zeek's TCP endpoint states (the core's tcp-state.ts)
const INACTIVE = 0, SYN_SENT = 1, SYN_ACK_SENT = 2, PARTIAL = 3, ESTABLISHED = 4, CLOSED = 5, RESET = 6;
const PROTO_NAMES: Record<number, ConnRecord['proto']> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmp' };
const TUNNEL_SERVICE: Record<number, string> = { 1: 'vxlan', 2: 'geneve' };

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
  private readonly o: Record<string, number>;
  /** The application protocol a connection spoke (the core's APP_*), by Zeek's service names. */
  private readonly services: Record<number, string>;

  constructor(private readonly core: WasmCore) {
    const names = ['FLOW_SIZE', 'FL_ORIG', 'FL_RESP', 'FL_OPORT', 'FL_RPORT', 'FL_PROTO', 'FL_FLAGS', 'FL_VNI',
      'FL_FIRST', 'FL_LAST', 'FL_UID', 'FL_PARENT1', 'FL_PARENT2', 'FL_MISSED', 'FL_HIST_LEN', 'FL_HIST',
      'FL_TUN_KIND', 'FL_EP_ORIG', 'FL_EP_RESP', 'EP_PKTS', 'EP_IP_BYTES', 'EP_BYTES', 'EP_STATE', 'FLF_TUNNEL',
      'FLF_PARENT1', 'FLF_PARENT2', 'FL_APP_PROTO'];
    this.o = Object.fromEntries(names.map((n) => [n, core.constant(n)]));
    this.services = {
      [core.constant('APP_HTTP')]: 'http', [core.constant('APP_TLS')]: 'ssl', [core.constant('APP_DNS')]: 'dns',
      [core.constant('APP_QUIC')]: 'quic',
    };
  }

  /** The records now in the output region. */
  read(): ConnRecord[] {
    const ex = this.core.exports;
    const n = ex.outputCount();
    const base = ex.outputPtr() >>> 0;
    const m = this.core.bytes;
    const dv = new DataView(m.buffer);
    const out: ConnRecord[] = [];
    for (let i = 0; i < n; i++) out.push(this.record(m, dv, base + i * this.o.FLOW_SIZE));
    return out;
  }

  private record(m: Uint8Array, dv: DataView, p: number): ConnRecord {
    const o = this.o;
    const u64 = (off: number) => u64At(dv, p + off);
    const uid = (off: number) => uidAt(dv, p + off);
    const micros = (off: number) => microsAt(dv, p + off);
    const proto = m[p + o.FL_PROTO];
    const flags = m[p + o.FL_FLAGS];
    const epO = p + o.FL_EP_ORIG;
    const epR = p + o.FL_EP_RESP;
    const history = Buffer.from(m.buffer, p + o.FL_HIST, m[p + o.FL_HIST_LEN]).toString('latin1');
    const origSize = u64(o.FL_EP_ORIG + o.EP_BYTES);
    const respSize = u64(o.FL_EP_RESP + o.EP_BYTES);
    const firstUs = micros(o.FL_FIRST);
    const durationUs = micros(o.FL_LAST) - firstUs;
    const parents: string[] = [];
    if (flags & o.FLF_PARENT1) parents.push(uid(o.FL_PARENT1));
    if (flags & o.FLF_PARENT2) parents.push(uid(o.FL_PARENT2));
    const isTunnel = (flags & o.FLF_TUNNEL) !== 0;
    const timed = durationUs > 0;
    // Zeek's field order; undefined fields are left out of the JSON, as Zeek leaves unset ones
    return {
      _path: 'conn',
      ts: firstUs / 1e6,
      uid: uid(o.FL_UID),
      'id.orig_h': formatAddress(m, p + o.FL_ORIG),
      'id.orig_p': dv.getUint16(p + o.FL_OPORT, true),
      'id.resp_h': formatAddress(m, p + o.FL_RESP),
      'id.resp_p': dv.getUint16(p + o.FL_RPORT, true),
      proto: PROTO_NAMES[proto] ?? 'icmp',
      service: isTunnel ? TUNNEL_SERVICE[m[p + o.FL_TUN_KIND]] : this.services[m[p + o.FL_APP_PROTO]],
      duration: timed ? durationUs / 1e6 : undefined,
      orig_bytes: timed ? origSize : undefined,
      resp_bytes: timed ? respSize : undefined,
      conn_state: connState(proto, m[epO + o.EP_STATE], m[epR + o.EP_STATE], history, origSize, respSize),
      missed_bytes: u64(o.FL_MISSED),
      history: history || undefined,
      orig_pkts: u64(o.FL_EP_ORIG + o.EP_PKTS),
      orig_ip_bytes: u64(o.FL_EP_ORIG + o.EP_IP_BYTES),
      resp_pkts: u64(o.FL_EP_RESP + o.EP_PKTS),
      resp_ip_bytes: u64(o.FL_EP_RESP + o.EP_IP_BYTES),
      tunnel_parents: parents.length > 0 ? parents : undefined,
      vni: parents.length > 0 || isTunnel ? dv.getUint32(p + o.FL_VNI, true) : undefined,
    };
  }
}
