// DNS: query names and addresses against tshark on the corpus, DNS over TCP framing, hostile
// names (compression loops, overlong names), and the passive DNS map built from the answers.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import path from 'node:path';
import { corpusFiles, pcapDir, truth } from './helpers/corpus.js';
import { shardRecords } from './helpers/run.js';
import { writeFrames } from './helpers/tmpfile.js';
import { tcpFrame, udpFrame, handshake, reverse, TCP, Endpoints } from './helpers/packets.js';
import { concat } from './helpers/capture-writer.js';
import type { DnsRecord } from '../src/pool/records/dns.js';
import { PassiveDns } from '../src/engine/passive-dns.js';

const dnsOf = (file: string) => shardRecords(file).logs.filter((r): r is DnsRecord => r._path === 'dns');

/** A DNS message: header, one question, then answer records given as raw bytes. */
function message(id: number, flags: number, qname: string, qtype: number, answers: Uint8Array[] = []): Uint8Array {
  const h = new Uint8Array(12);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, id);
  dv.setUint16(2, flags);
  dv.setUint16(4, 1);
  dv.setUint16(6, answers.length);
  const name = concat([...qname.split('.').map((l) => concat([Uint8Array.of(l.length), Buffer.from(l)])), Uint8Array.of(0)]);
  return concat([h, name, Uint8Array.of(0, qtype, 0, 1), ...answers]);
}

/** An A record pointing back at the question name (offset 12). */
const aRecord = (ip: string, ttl: number) =>
  concat([Uint8Array.of(0xc0, 12, 0, 1, 0, 1), Uint8Array.of(ttl >>> 24, (ttl >> 16) & 0xff, (ttl >> 8) & 0xff, ttl & 0xff), Uint8Array.of(0, 4), Uint8Array.from(ip.split('.').map(Number))]);

/**
 * Addresses tshark's dns.a lists that are glue (A records of the additional section), not
 * answers: in ipv6_frag_dns both TXT responses carry roland.icir.org's address for the NS.
 */
const GLUE: Record<string, string[]> = { 'ipv6_frag_dns.pcap': ['192.150.187.31'] };

describe('DNS against tshark', () => {
  for (const file of corpusFiles()) {
    const rows = truth(file).filter((r) => r['dns.qry.name']);
    if (rows.length === 0) continue;
    it(file, () => {
      const recs = dnsOf(path.join(pcapDir, file));
      const names = new Set(rows.map((r) => r['dns.qry.name']));
      expect(new Set(recs.map((r) => r.query))).toEqual(names);
      const glue = GLUE[file] ?? [];
      const listed = rows.flatMap((r) => [r['dns.a'], r['dns.aaaa']].filter(Boolean).flatMap((v) => v.split(',')));
      const addrs = new Set(listed.filter((a) => !glue.includes(a)));
      const ours = new Set(recs.flatMap((r) => r.resolved?.map((x) => x.addr) ?? []));
      expect(ours).toEqual(addrs);
    });
  }

  it('ipv6_frag_dns.pcap: TXT answers, the second from a response reassembled from three IPv6 fragments', () => {
    const { logs, counters } = shardRecords(path.join(pcapDir, 'ipv6_frag_dns.pcap'));
    const recs = logs.filter((r): r is DnsRecord => r._path === 'dns');
    // tshark: one TXT answer each, data lengths 193 and 3099 (frames 6, 7 and 8 reassembled), TTL 1
    expect(recs.map((r) => [r.query, r.qtype_name, r.rcode_name, r.answers, r.TTLs, r.resolved])).toEqual([
      ['txtpadding_323.n1.netalyzr.icsi.berkeley.edu', 'TXT', 'NOERROR', ['TXT 193'], [1], undefined],
      ['txtpadding_3230.n1.netalyzr.icsi.berkeley.edu', 'TXT', 'NOERROR', ['TXT 3099'], [1], undefined],
    ]);
    expect(counters['defrag.reassembled']).toBe(1);
  });

  it('a query and its response make one record with the round-trip time', () => {
    const [r] = dnsOf(path.join(pcapDir, 'dns_udp_a-aaaa-mx.pcap'));
    expect(r).toMatchObject({ query: 'google.com', qtype_name: 'A', rcode_name: 'NOERROR', RD: true, RA: true, proto: 'udp' });
    expect(r.rtt).toBeGreaterThan(0);
    expect(r.TTLs!.length).toBe(r.answers!.length);
  });
});

describe('DNS over TCP and hostile messages', () => {
  const C: Endpoints = { src: '10.0.0.1', dst: '10.0.0.53', sport: 41000, dport: 53 };
  const S = reverse(C);
  const framed = (m: Uint8Array) => concat([Uint8Array.of(m.length >> 8, m.length & 0xff), m]);

  it('length-prefixed messages, two in a segment and one split across segments', () => {
    const q1 = framed(message(1, 0x0100, 'a.example', 1));
    const q2 = framed(message(2, 0x0100, 'b.example', 1));
    const r1 = framed(message(1, 0x8180, 'a.example', 1, [aRecord('192.0.2.1', 300)]));
    const r2 = framed(message(2, 0x8180, 'b.example', 1, [aRecord('192.0.2.2', 300)]));
    const both = concat([r1, r2]);
    const t = 1e12;
    const file = writeFrames([
      ...handshake(C, 100, 500, t),
      { us: t + 3, data: tcpFrame(C, 101, 501, TCP.ACK | TCP.PSH, concat([q1, q2])) },
      { us: t + 4, data: tcpFrame(S, 501, 101 + q1.length + q2.length, TCP.ACK | TCP.PSH, both.subarray(0, 20)) },
      { us: t + 5, data: tcpFrame(S, 521, 101 + q1.length + q2.length, TCP.ACK | TCP.PSH, both.subarray(20)) },
    ]);
    const recs = dnsOf(file);
    expect(recs.map((r) => [r.proto, r.query, r.answers])).toEqual([
      ['tcp', 'a.example', ['192.0.2.1']],
      ['tcp', 'b.example', ['192.0.2.2']],
    ]);
  });

  it('a compression pointer loop is counted, not followed', () => {
    const m = message(7, 0x8180, 'x.example', 1, [Uint8Array.of(0xc0, 27, 0, 1, 0, 1, 0, 0, 0, 9, 0, 4, 1, 2, 3, 4)]);
    m[27] = 0xc0; // the question's terminator becomes a pointer to itself
    m[28] = 27;
    const { counters } = shardRecords(writeFrames([{ us: 1e12, data: udpFrame(reverse({ src: '10.0.0.1', dst: '10.0.0.53', sport: 5000, dport: 53 }), m) }]));
    expect(counters['dns.malformed']).toBeGreaterThan(0);
  });

  it('random payloads to port 53 never crash the core', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { minLength: 1, maxLength: 20 }), (payloads) => {
      const file = writeFrames(payloads.map((p, i) => ({ us: 1e12 + i, data: udpFrame({ src: '10.0.0.1', dst: '10.0.0.53', sport: 5000 + i, dport: 53 }, p) })));
      const { counters } = shardRecords(file);
      expect(counters['dns.messages']).toBe(payloads.filter((p) => p.length > 0).length);
    }), { numRuns: 50 });
  });
});

describe('passive DNS', () => {
  const rec = (device: string, query: string, addr: string, ttl: number, ts: number) =>
    ({ _path: 'dns', ts, 'id.orig_h': device, query, resolved: [{ addr, ttl }] }) as unknown as DnsRecord;

  it('knows which name a device resolved an address from, for the TTL (at least a minute)', () => {
    const p = new PassiveDns();
    p.observe(rec('10.0.0.5', 'api.example.com', '203.0.113.9', 300, 1000));
    expect(p.lookup('10.0.0.5', '203.0.113.9', 1200)).toBe('api.example.com');
    expect(p.lookup('10.0.0.6', '203.0.113.9', 1200)).toBeUndefined();
    expect(p.lookup('10.0.0.5', '203.0.113.9', 1300)).toBe('api.example.com');
    expect(p.lookup('10.0.0.5', '203.0.113.9', 1301)).toBeUndefined();
    p.observe(rec('10.0.0.5', 'short.example.com', '198.51.100.1', 5, 2000));
    expect(p.lookup('10.0.0.5', '198.51.100.1', 2050)).toBe('short.example.com');
  });

  it('is bounded: the least recently learned entries go first', () => {
    const p = new PassiveDns(2);
    for (let i = 0; i < 5; i++) p.observe(rec('10.0.0.5', `h${i}.example`, `192.0.2.${i}`, 300, 1000));
    expect(p.size).toBe(2);
    expect(p.lookup('10.0.0.5', '192.0.2.0', 1001)).toBeUndefined();
    expect(p.lookup('10.0.0.5', '192.0.2.4', 1001)).toBe('h4.example');
  });

  it('learns from a real capture', () => {
    const p = new PassiveDns();
    for (const r of dnsOf(path.join(pcapDir, 'dns_udp_tm1t.pcap'))) p.observe(r);
    expect(p.lookup('172.17.0.2', '192.0.78.150', 1774911642)).toBe('zeek.org');
  });
});
