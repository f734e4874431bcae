// DNS transactions as Zeek dns.log records: a query and its response (same connection, same
// transaction id) become one record when the response arrives; a query never answered is written
// when its connection ends, a response with no query seen is written on its own.

import type { AppEvent, EventType } from '../app-events.js';
import type { Tracker, RecordSink } from '../app-records.js';
import { ids, PROTO_TCP } from './common.js';
import type { RecordIds } from '../record-ids.js';
import { formatIpv4, formatIpv6 } from '../address.js';

export interface DnsRecord extends RecordIds {
  _path: 'dns';
  proto: 'udp' | 'tcp';
  trans_id: number;
  rtt?: number;
  query?: string;
  qclass?: number;
  qclass_name?: string;
  qtype?: number;
  qtype_name?: string;
  rcode?: number;
  rcode_name?: string;
  AA: boolean;
  TC: boolean;
  RD: boolean;
  RA: boolean;
  Z: number;
  answers?: string[];
  TTLs?: number[];
  rejected: boolean;
  /** Answer addresses (A and AAAA) with their TTLs, for the passive DNS map. */
  resolved?: { addr: string; ttl: number }[];
}

const QTYPES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 35: 'NAPTR',
  41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 64: 'SVCB', 65: 'HTTPS', 255: '*', 257: 'CAA',
};
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];
/** Outstanding queries kept per connection. */
const MAX_OUTSTANDING = 64;

function answerText(type: number, v: Buffer): string {
  if (type === 1 && v.length === 4) return formatIpv4(v, 0);
  if (type === 28 && v.length === 16) return formatIpv6(v, 0);
  if (type === 2 || type === 5 || type === 12 || type === 15) return v.toString('latin1');
  return `${QTYPES[type] ?? `<unknown type=${type}>`} ${v.length}`;
}

/** What a message (with these flags) says, into its transaction's record. */
function fill(r: DnsRecord, e: AppEvent, flags: number): void {
  r.query ??= e.text('query');
  r.qclass ??= e.num('qclass');
  r.qclass_name ??= r.qclass === 1 ? 'C_INTERNET' : r.qclass === undefined ? undefined : `qclass-${r.qclass}`;
  r.qtype ??= e.num('qtype');
  r.qtype_name ??= r.qtype === undefined ? undefined : QTYPES[r.qtype] ?? `query-${r.qtype}`;
  r.RD = (flags & 0x0100) !== 0;
  if ((flags & 0x8000) === 0) return; // a query: the rest comes with the response
  const rcode = flags & 0xf;
  r.rcode = rcode;
  r.rcode_name = RCODES[rcode] ?? `rcode-${rcode}`;
  r.AA = (flags & 0x0400) !== 0;
  r.TC = (flags & 0x0200) !== 0;
  r.RA = (flags & 0x0080) !== 0;
  r.Z = (flags >> 4) & 0x7;
  const values = e.bytesAll('answer');
  const types = e.numAll('answer_type');
  const ttls = e.numAll('ttl');
  if (values.length > 0) {
    r.answers = values.map((v, i) => answerText(types[i], v));
    r.TTLs = ttls;
    const resolved = r.answers.flatMap((addr, i) => (types[i] === 1 || types[i] === 28 ? [{ addr, ttl: ttls[i] }] : []));
    if (resolved.length > 0) r.resolved = resolved;
  }
  r.rejected = rcode !== 0 && values.length === 0;
}

/** A query waiting for its response, and when it was sent (µs). */
interface Pending {
  record: DnsRecord;
  us: number;
}

export class DnsTracker implements Tracker {
  readonly types: readonly EventType[] = ['DNS'];
  /** Queries waiting for their response, by connection and transaction id. */
  private readonly open = new Map<string, Map<number, Pending>>();

  event(e: AppEvent, out: RecordSink): void {
    const id = e.num('dns_id') ?? 0;
    const flags = e.num('dns_flags') ?? 0;
    let pending = this.open.get(e.uid);
    if ((flags & 0x8000) === 0) { // a query
      if (!pending) {
        pending = new Map();
        this.open.set(e.uid, pending);
      } else if (pending.size >= MAX_OUTSTANDING) {
        const [oldest] = pending.keys();
        out.push(pending.get(oldest)!.record);
        pending.delete(oldest);
      }
      const r = record(e, id);
      fill(r, e, flags);
      pending.set(id, { record: r, us: e.tsUs });
      return;
    }
    const q = pending?.get(id);
    let r: DnsRecord;
    if (q) {
      pending!.delete(id);
      if (pending!.size === 0) this.open.delete(e.uid);
      r = q.record;
      r.rtt = (e.tsUs - q.us) / 1e6;
    } else {
      r = record(e, id);
    }
    fill(r, e, flags);
    out.push(r);
  }

  close(uid: string, out: RecordSink): void {
    const pending = this.open.get(uid);
    if (!pending) return;
    this.open.delete(uid);
    for (const q of pending.values()) out.push(q.record);
  }
}

function record(e: AppEvent, id: number): DnsRecord {
  return {
    _path: 'dns',
    ...ids(e),
    proto: e.proto === PROTO_TCP ? 'tcp' : 'udp',
    trans_id: id,
    rtt: undefined,
    query: undefined,
    qclass: undefined,
    qclass_name: undefined,
    qtype: undefined,
    qtype_name: undefined,
    rcode: undefined,
    rcode_name: undefined,
    AA: false,
    TC: false,
    RD: false,
    RA: false,
    Z: 0,
    answers: undefined,
    TTLs: undefined,
    rejected: false,
  };
}
