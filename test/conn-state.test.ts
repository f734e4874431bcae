// Connection tracking on hand-built conversations: each case is a situation Zeek's conn.log
// documents (conn_state, history, sizes, timeouts, role flips, port reuse), checked end to end
// through the WASM core from a pcap file.

import { describe, it, expect } from 'vitest';
import { shardRecords } from './helpers/run.js';
import { writeFrames } from './helpers/tmpfile.js';
import { tcpFrame, udpFrame, handshake, reverse, TCP, Endpoints, Timed } from './helpers/packets.js';
import type { ConnRecord } from '../src/pool/conn-record.js';
import type { Timeouts } from '../src/pool/wasm-core.js';

const C: Endpoints = { src: '10.0.0.1', dst: '192.0.2.80', sport: 40000, dport: 80 };
const S = reverse(C);
const bytes = (n: number) => new Uint8Array(n).fill(0x41);
const { SYN, ACK, FIN, RST, PSH } = TCP;

function run(frames: Timed[], timeouts?: Partial<Timeouts>): ConnRecord[] {
  return shardRecords(writeFrames(frames), { timeouts }).records.sort((a, b) => a.ts - b.ts);
}

/** A complete exchange: handshake, request, response, FIN from both sides, last ACK. */
function exchange(start: number, c: Endpoints, isnC: number, isnS: number, req: number, resp: number) {
  const s = reverse(c);
  const t = (ms: number) => start + ms * 1000;
  return [
    ...handshake(c, isnC, isnS, t(0), 10_000),
    { us: t(21), data: tcpFrame(c, isnC + 1, isnS + 1, PSH | ACK, bytes(req)) },
    { us: t(30), data: tcpFrame(s, isnS + 1, isnC + 1 + req, PSH | ACK, bytes(resp)) },
    { us: t(31), data: tcpFrame(c, isnC + 1 + req, isnS + 1 + resp, ACK) },
    { us: t(40), data: tcpFrame(c, isnC + 1 + req, isnS + 1 + resp, FIN | ACK) },
    { us: t(50), data: tcpFrame(s, isnS + 1 + resp, isnC + 2 + req, FIN | ACK) },
    { us: t(60), data: tcpFrame(c, isnC + 2 + req, isnS + 2 + resp, ACK) },
  ];
}

describe('TCP connection state', () => {
  it('a normal exchange is SF, with payload sizes from sequence numbers', () => {
    const [r] = run(exchange(1e12, C, 1000, 5000, 120, 3000));
    // the server never sends a pure ACK here, so no 'a'
    expect(r).toMatchObject({ conn_state: 'SF', history: 'ShADdFf', orig_bytes: 120, resp_bytes: 3000, orig_pkts: 6, resp_pkts: 3 });
    expect(r.duration).toBeCloseTo(0.05, 6); // the last ACK after both FINs does not count (Zeek)
    expect(r.orig_ip_bytes).toBe(6 * 40 + 120);
  });

  it('an unanswered SYN is S0, with no duration or sizes', () => {
    const [r] = run([{ us: 1e12, data: tcpFrame(C, 7, 0, SYN) }]);
    expect(r).toMatchObject({ conn_state: 'S0', history: 'S', orig_pkts: 1, resp_pkts: 0 });
    expect(r.duration).toBeUndefined();
    expect(r.orig_bytes).toBeUndefined();
  });

  it('a SYN answered by RST is REJ', () => {
    const [r] = run([
      { us: 1e12, data: tcpFrame(C, 7, 0, SYN) },
      { us: 1e12 + 500, data: tcpFrame(S, 0, 8, RST | ACK) },
    ]);
    expect(r).toMatchObject({ conn_state: 'REJ', history: 'Sr', orig_bytes: 0, resp_bytes: 0 });
  });

  it('a SYN retried after the 5 s attempt timeout starts a new connection', () => {
    const rs = run([
      { us: 1e12, data: tcpFrame(C, 7, 0, SYN) },
      { us: 1e12 + 1e6, data: tcpFrame(C, 7, 0, SYN) },
      { us: 1e12 + 7e6, data: tcpFrame(C, 7, 0, SYN) },
    ]);
    expect(rs.map((r) => [r.conn_state, r.orig_pkts])).toEqual([['S0', 2], ['S0', 1]]);
  });

  it('an originator RST after the handshake is RSTO', () => {
    const rs = run([
      ...handshake(C, 100, 900, 1e12, 10),
      { us: 1e12 + 30, data: tcpFrame(C, 101, 901, RST | ACK) },
    ]);
    expect(rs[0]).toMatchObject({ conn_state: 'RSTO', history: 'ShAR' });
  });

  it('traffic that starts mid-stream is OTH; a first packet from a server port flips the roles', () => {
    const [r] = run([
      { us: 1e12, data: tcpFrame(S, 5000, 300, PSH | ACK, bytes(10)) },
      { us: 1e12 + 10, data: tcpFrame(C, 300, 5010, ACK) },
    ]);
    expect(r).toMatchObject({ 'id.orig_h': C.src, 'id.orig_p': C.sport, 'id.resp_p': 80, conn_state: 'OTH', history: '^dA' });
  });

  it('a SYN-ACK seen before its SYN flips the connection mid-stream (Zeek: Hs^…)', () => {
    const odd: Endpoints = { src: '10.0.0.1', dst: '10.0.0.2', sport: 40000, dport: 40001 }; // no server port
    const rs = run([
      { us: 1e12, data: tcpFrame(reverse(odd), 900, 101, SYN | ACK) },
      { us: 1e12 + 10, data: tcpFrame(odd, 100, 0, SYN) },
      { us: 1e12 + 20, data: tcpFrame(odd, 101, 901, ACK) },
    ]);
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ 'id.orig_h': odd.src, 'id.orig_p': odd.sport, history: 'Hs^A' });
  });

  it('a new SYN on the ports of a finished connection is a new connection (port reuse)', () => {
    const rs = run([...exchange(1e12, C, 1000, 5000, 10, 10), ...exchange(1e12 + 1e6, C, 77777, 88888, 20, 20)]);
    expect(rs.map((r) => [r.conn_state, r.orig_bytes])).toEqual([['SF', 10], ['SF', 20]]);
  });

  it('data acknowledged but never seen is a content gap: missed_bytes and G', () => {
    const rs = run([
      ...handshake(C, 100, 900, 1e12, 10),
      { us: 1e12 + 30, data: tcpFrame(C, 101, 901, ACK, bytes(100)) },
      { us: 1e12 + 40, data: tcpFrame(C, 301, 901, ACK, bytes(100)) }, // 201..300 never seen
      { us: 1e12 + 50, data: tcpFrame(S, 901, 401, ACK) },
    ]);
    expect(rs[0].missed_bytes).toBe(100);
    expect(rs[0].history).toContain('G');
    expect(rs[0].orig_bytes).toBe(300);
  });

  it('a segment sent again is a retransmission: T', () => {
    const rs = run([
      { us: 1e12, data: tcpFrame(C, 100, 0, SYN) },
      { us: 1e12 + 10, data: tcpFrame(S, 900, 101, SYN | ACK) },
      { us: 1e12 + 20, data: tcpFrame(C, 101, 901, ACK, bytes(50)) },
      { us: 1e12 + 30, data: tcpFrame(C, 101, 901, ACK, bytes(50)) },
    ]);
    expect(rs[0].history).toBe('ShDT');
    expect(rs[0].orig_bytes).toBe(50);
  });
});

describe('UDP, timeouts', () => {
  const Q: Endpoints = { src: '10.0.0.1', dst: '10.0.0.53', sport: 50000, dport: 53 };

  it('a query and its answer are SF with Dd and UDP payload sizes', () => {
    const [r] = run([
      { us: 1e12, data: udpFrame(Q, bytes(30)) },
      { us: 1e12 + 2000, data: udpFrame(reverse(Q), bytes(90)) },
    ]);
    expect(r).toMatchObject({ proto: 'udp', conn_state: 'SF', history: 'Dd', orig_bytes: 30, resp_bytes: 90 });
  });

  it('an answer seen first is flipped to its querier (^d)', () => {
    const [r] = run([{ us: 1e12, data: udpFrame(reverse(Q), bytes(90)) }]);
    expect(r).toMatchObject({ 'id.orig_h': Q.src, 'id.resp_p': 53, conn_state: 'SHR', history: '^d' });
  });

  it('UDP idle for more than its timeout is two connections', () => {
    const rs = run([
      { us: 1e12, data: udpFrame(Q, bytes(10)) },
      { us: 1e12 + 61e6, data: udpFrame(Q, bytes(10)) },
    ]);
    expect(rs).toHaveLength(2);
  });

  it('the active timeout splits a long flow', () => {
    const frames = Array.from({ length: 30 }, (_, i) => ({ us: 1e12 + i * 1e6, data: udpFrame(Q, bytes(10)) }));
    const rs = run(frames, { active: 10 });
    expect(rs.map((r) => r.orig_pkts)).toEqual([10, 10, 10]);
  });
});
