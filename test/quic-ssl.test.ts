// QUIC through the whole sensor: a client's Initial packets in UDP datagrams to port 443 come
// out as an ssl record (transport quic) with the SNI and a q-prefixed JA4, whether the
// ClientHello fits one Initial or spans two.

import { describe, it, expect } from 'vitest';
import { shardRecords } from './helpers/run.js';
import { writeFrames } from './helpers/tmpfile.js';
import { udpFrame, Endpoints } from './helpers/packets.js';
import { initialPacket, cryptoFrame, padded } from './helpers/quic-protect.js';
import { A2_PACKET, CLIENT_HELLO, DCID } from './fixtures/rfc9001.js';
import type { SslRecord } from '../src/pool/records/ssl.js';

const C: Endpoints = { src: '10.0.0.9', dst: '198.51.100.7', sport: 51000, dport: 443 };
const ssl = (file: string) => shardRecords(file).logs.filter((r): r is SslRecord => r._path === 'ssl');

describe('QUIC Initial → ssl record', () => {
  it('RFC 9001 A.2: one Initial with the whole ClientHello', () => {
    const { logs, counters } = shardRecords(writeFrames([{ us: 1e12, data: udpFrame(C, A2_PACKET) }]));
    const [r] = logs.filter((x): x is SslRecord => x._path === 'ssl');
    expect(r).toMatchObject({ transport: 'quic', version: 'TLSv13', server_name: 'example.com', 'id.resp_p': 443 });
    expect(r.ja4).toMatch(/^q13d/);
    expect(counters['quic.client_hellos']).toBe(1);
    const conn = logs.find((x) => x._path === 'conn');
    expect(conn).toMatchObject({ service: 'quic', uid: r.uid });
  });

  it('a ClientHello split over two Initials in two datagrams', () => {
    const half = 120;
    const first = initialPacket({ dcid: DCID, pn: 0 }, padded(1162, cryptoFrame(0, CLIENT_HELLO.subarray(0, half))));
    const second = initialPacket({ dcid: DCID, pn: 1 }, padded(1162, cryptoFrame(half, CLIENT_HELLO.subarray(half))));
    const [r] = ssl(writeFrames([{ us: 1e12, data: udpFrame(C, first) }, { us: 1e12 + 50, data: udpFrame(C, second) }]));
    expect(r).toMatchObject({ transport: 'quic', server_name: 'example.com' });
  });

  it('a tampered Initial gives no record, and is counted', () => {
    const bad = Buffer.from(A2_PACKET);
    bad[600] ^= 0xff;
    const { logs, counters } = shardRecords(writeFrames([{ us: 1e12, data: udpFrame(C, bad) }]));
    expect(logs.filter((x) => x._path === 'ssl')).toHaveLength(0);
    expect(counters['quic.auth_failed']).toBe(1);
  });

  it('counts a reason whichever shard holds the flow, and every reason from 0', () => {
    const bad = Buffer.from(A2_PACKET);
    bad[600] ^= 0xff;
    // one flow per capture, on eight ports: some flows belong to a shard other than shard 0
    for (let port = C.sport; port < C.sport + 8; port++) {
      const file = writeFrames([{ us: 1e12, data: udpFrame({ ...C, sport: port }, bad) }]);
      for (const shards of [1, 2, 3]) {
        // small tables: this makes 48 cores
        const { counters } = shardRecords(file, { maxFlows: 1024, streamBuffers: 16 }, shards);
        expect(counters['quic.auth_failed'], `port ${port}, ${shards} shards`).toBe(1);
        expect(counters['quic.crypto_conflict'], `port ${port}, ${shards} shards`).toBe(0);
      }
    }
  });
});
