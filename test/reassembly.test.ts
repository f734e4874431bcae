// TCP reassembly for the application layer: the same segments in any order, duplicated or
// overlapping, give the same stream (so the same HTTP records); a segment never captured stops
// the stream (counted), it is not guessed over.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { shardRecords } from './helpers/run.js';
import { writeFrames } from './helpers/tmpfile.js';
import { tcpFrame, udpFrame, handshake, reverse, conversation, TCP, Endpoints } from './helpers/packets.js';
import type { HttpRecord } from '../src/pool/records/http.js';

const C: Endpoints = { src: '10.0.0.8', dst: '203.0.113.30', sport: 44000, dport: 80 };
const S = reverse(C);
const requests = Buffer.from(Array.from({ length: 6 }, (_, i) =>
  `GET /item/${i} HTTP/1.1\r\nHost: shop.example\r\nUser-Agent: agent-${i}\r\nAccept: */*\r\n\r\n`).join(''));
const responses = Buffer.from(Array.from({ length: 6 }, (_, i) => `HTTP/1.1 200 OK\r\nContent-Length: ${i}\r\n\r\n${'x'.repeat(i)}`).join(''));
const ISN_C = 5000, ISN_S = 9000;

/** Client segments: [offset, length] pieces of the request bytes (may overlap or repeat). */
function capture(pieces: [number, number][]) {
  let t = 1e12 + 3;
  const frames = [
    ...handshake(C, ISN_C, ISN_S, 1e12),
    ...pieces.map(([off, len]) => ({ us: t++, data: tcpFrame(C, ISN_C + 1 + off, ISN_S + 1, TCP.ACK, requests.subarray(off, off + len)) })),
    { us: t++, data: tcpFrame(S, ISN_S + 1, ISN_C + 1 + requests.length, TCP.ACK | TCP.PSH, responses) },
    { us: t++, data: tcpFrame(C, ISN_C + 1 + requests.length, ISN_S + 1 + responses.length, TCP.FIN | TCP.ACK) },
    { us: t++, data: tcpFrame(S, ISN_S + 1 + responses.length, ISN_C + 2 + requests.length, TCP.FIN | TCP.ACK) },
  ];
  return shardRecords(writeFrames(frames));
}

const http = (r: ReturnType<typeof capture>) =>
  r.logs.filter((x): x is HttpRecord => x._path === 'http').map((h) => [h.trans_depth, h.uri, h.user_agent, h.status_code, h.response_body_len]);

/** Cut [0, len) at the given points into contiguous pieces. */
function cut(points: number[]): [number, number][] {
  const bounds = [...new Set([0, ...points.map((p) => p % requests.length), requests.length])].sort((a, b) => a - b);
  return bounds.slice(1).map((end, i) => [bounds[i], end - bounds[i]]);
}

describe('stream reassembly', () => {
  const inOrder = http(capture([[0, requests.length]]));

  it('in order, the six requests and their responses', () => {
    expect(inOrder).toHaveLength(6);
    expect(inOrder[5]).toEqual([6, '/item/5', 'agent-5', 200, 5]);
  });

  it('any order of the segments gives the same records', () => {
    fc.assert(fc.property(
      fc.array(fc.nat(), { minLength: 1, maxLength: 12 }).chain((points) => {
        const pieces = cut(points);
        return fc.shuffledSubarray(pieces, { minLength: pieces.length, maxLength: pieces.length });
      }),
      (pieces) => {
        expect(http(capture(pieces))).toEqual(inOrder);
      },
    ), { numRuns: 40 });
  });

  it('duplicated and overlapping segments change nothing', () => {
    fc.assert(fc.property(
      fc.array(fc.nat(), { minLength: 2, maxLength: 8 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 200 })), { maxLength: 6 }),
      (points, extra) => {
        const pieces = cut(points);
        const overlaps = extra.map(([o, l]): [number, number] => [o % requests.length, Math.min(l, requests.length - (o % requests.length))]);
        const all = [...pieces, ...overlaps].reverse();
        expect(http(capture(all))).toEqual(inOrder);
      },
    ), { numRuns: 40 });
  });

  it('a segment never captured is a gap: nothing past it is parsed, and it is counted', () => {
    const pieces = cut([40, 80]).filter(([off]) => off !== 40); // bytes 40..80 are lost
    const r = capture(pieces);
    expect(http(r)).toEqual([]);
    expect(r.counters['stream.gap']).toBeGreaterThan(0);
  });

  it('a connection that speaks nothing analysed here is counted once, over TCP or UDP', () => {
    const ssh: Endpoints = { src: '10.0.0.8', dst: '203.0.113.31', sport: 44001, dport: 22 };
    const ntp: Endpoints = { src: '10.0.0.8', dst: '203.0.113.32', sport: 44002, dport: 123 };
    const { counters } = shardRecords(writeFrames([
      { us: 1e12, data: tcpFrame(ssh, 100, 0, TCP.SYN) },
      { us: 1e12 + 1, data: tcpFrame(reverse(ssh), 700, 101, TCP.SYN | TCP.ACK) },
      { us: 1e12 + 2, data: tcpFrame(ssh, 101, 701, TCP.ACK | TCP.PSH, Buffer.from('SSH-2.0-OpenSSH_9.6\r\n')) },
      { us: 1e12 + 3, data: tcpFrame(ssh, 122, 701, TCP.ACK | TCP.PSH, Buffer.from('more bytes')) },
      { us: 1e12 + 4, data: udpFrame(ntp, new Uint8Array(48).fill(0x23)) },
      { us: 1e12 + 5, data: udpFrame(ntp, new Uint8Array(48).fill(0x23)) },
    ]));
    expect(counters['app.unknown']).toBe(2);
  });

  it('a segment larger than the window, while a message waits in the buffer, goes in as the parser consumes', () => {
    const many = Array.from({ length: 2000 }, (_, i) => `GET /item/${i} HTTP/1.1\r\nHost: shop.example\r\n\r\n`).join('');
    const r = shardRecords(writeFrames(conversation(C, [{ fromClient: true, data: Buffer.from(many) }], 1e12, 64000)));
    const uris = r.logs.filter((x): x is HttpRecord => x._path === 'http').map((h) => h.uri);
    expect([uris.length, uris[1999], r.counters['stream.window_full'] ?? 0]).toEqual([2000, '/item/1999', 0]);
  });

  it('a message larger than the window stops its direction, counted once whatever the parser', () => {
    const header = `GET /big HTTP/1.1\r\nHost: h\r\nCookie: ${'c'.repeat(20000)}\r\n\r\n`;
    const http = shardRecords(writeFrames(conversation(C, [{ fromClient: true, data: Buffer.from(header) }], 1e12)));
    const dnsC: Endpoints = { src: '10.0.0.8', dst: '10.0.0.53', sport: 44003, dport: 53 };
    const big = new Uint8Array(2 + 20000);
    big[0] = 20000 >> 8;
    big[1] = 20000 & 0xff;
    const dns = shardRecords(writeFrames(conversation(dnsC, [{ fromClient: true, data: big }], 1e12)));
    expect([http.counters['stream.window_full'], dns.counters['stream.window_full'], dns.counters['dns.malformed'] ?? 0]).toEqual([1, 1, 0]);
  });
});
