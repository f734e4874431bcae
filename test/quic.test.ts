// QUIC v1 client Initial decryption and CRYPTO reassembly (src/pool/quic.ts): RFC 9001 Appendix A
// vectors, a ClientHello across two Initial packets, coalesced packets, frames, hostile input.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readInitial, initialKeys, CryptoStream, QuicError, InitialRead, InitialKeys } from '../src/pool/quic.js';
import { initialHeader, initialPacket, protect, cryptoFrame, padded, varint } from './helpers/quic-protect.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

import { DCID, A1, A2_HEADER, A2_PAYLOAD, A2_PACKET, CLIENT_HELLO } from './fixtures/rfc9001.js';

/** The CryptoStream bound in these tests (the sensor's is the core's TLS_SCRATCH_BYTES). */
const LIMIT = 64 << 10;

/** The server_name of a ClientHello (RFC 8446 §4.1.2, RFC 6066 §3), just enough for the tests. */
function sni(ch: Uint8Array): string | undefined {
  const b = Buffer.from(ch);
  let p = 4 + 2 + 32; // type and length, legacy_version, random
  p += 1 + b[p]; // legacy_session_id
  p += 2 + b.readUInt16BE(p); // cipher_suites
  p += 1 + b[p]; // legacy_compression_methods
  const end = p + 2 + b.readUInt16BE(p);
  for (p += 2; p + 4 <= end; p += 4 + b.readUInt16BE(p + 2)) {
    // server_name: type 0, length, list length, name type (0: host_name), name length, name
    if (b.readUInt16BE(p) === 0) return b.toString('latin1', p + 9, p + 9 + b.readUInt16BE(p + 7));
  }
  return undefined;
}

/** The ClientHello from datagrams fed in order through readInitial and one CryptoStream. */
function clientHello(datagrams: Uint8Array[]): Uint8Array | QuicError | null {
  const stream = new CryptoStream(LIMIT);
  let result: Uint8Array | QuicError | null = null;
  let keys: InitialKeys | undefined;
  for (const d of datagrams) {
    const read = readInitial(d, keys);
    if (read.error) return read.error;
    keys ??= read.keys;
    for (const p of read.packets) {
      for (const f of p.crypto) result = stream.push(f);
    }
  }
  return result;
}

function reason(read: InitialRead): string | undefined {
  return read.error?.reason;
}

describe('RFC 9001 Appendix A', () => {
  it('A.1: client Initial secret, key, iv and hp from DCID 0x8394c8f03e515708', () => {
    const k = initialKeys(DCID);
    expect(k.secret.toString('hex')).toBe(A1.secret);
    expect(k.key.toString('hex')).toBe(A1.key);
    expect(k.iv.toString('hex')).toBe(A1.iv);
    expect(k.hp.toString('hex')).toBe(A1.hp);
  });

  it('A.2: protecting the published header and payload gives the published packet', () => {
    expect(A2_PAYLOAD.length).toBe(1162);
    expect(A2_PACKET.length).toBe(1200);
    expect(initialHeader({ dcid: DCID, pn: 2 }, 1162).equals(A2_HEADER)).toBe(true);
    expect(protect(A2_HEADER, A2_PAYLOAD, DCID).toString('hex')).toBe(A2_PACKET.toString('hex'));
  });

  it('A.2: readInitial decrypts the published packet; the ClientHello names example.com', () => {
    const read = readInitial(A2_PACKET);
    expect(read.error).toBeUndefined();
    expect(read.packets).toHaveLength(1);
    expect(read.keys).toEqual(initialKeys(DCID));
    const [p] = read.packets;
    expect(p.packetNumber).toBe(2);
    expect(p.crypto).toHaveLength(1);
    expect(p.crypto[0].offset).toBe(0);
    expect(Buffer.from(p.crypto[0].data).equals(CLIENT_HELLO)).toBe(true);

    const ch = new CryptoStream(LIMIT).push(p.crypto[0]);
    expect(ch).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(ch as Uint8Array).equals(CLIENT_HELLO)).toBe(true);
    expect(sni(ch as Uint8Array)).toBe('example.com');
  });

  it('does not modify the datagram, and returns none of its bytes', () => {
    const d = Buffer.from(A2_PACKET);
    const read = readInitial(d);
    expect(d.equals(A2_PACKET)).toBe(true);
    d.fill(0);
    expect(Buffer.from(read.packets[0].crypto[0].data).equals(CLIENT_HELLO)).toBe(true);
  });
});

describe('a ClientHello across Initial packets', () => {
  const split = (msg: Uint8Array, n: number, dcid = DCID) => [
    initialPacket({ dcid, pn: 0 }, padded(1162, cryptoFrame(0, msg.subarray(0, n)))),
    initialPacket({ dcid, pn: 1 }, padded(1162, cryptoFrame(n, msg.subarray(n)))),
  ];

  it('reassembles to the same message at any split point, in either order, apart or coalesced', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: CLIENT_HELLO.length - 1 }), fc.boolean(), fc.boolean(), (n, reverse, coalesce) => {
        const packets = split(CLIENT_HELLO, n);
        if (reverse) packets.reverse();
        const ch = clientHello(coalesce ? [Buffer.concat(packets)] : packets);
        expect(Buffer.from(ch as Uint8Array).equals(CLIENT_HELLO)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('reassembles a large ClientHello (post-quantum key share) from two datagrams', () => {
    // type 1, 24-bit length, then a body the size of one with an X25519MLKEM768 key share
    const body = Buffer.alloc(1796, 0x5a);
    const msg = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body]);
    for (const reverse of [false, true]) {
      const packets = split(msg, 1100);
      const first = clientHello(reverse ? [packets[1]] : [packets[0]]);
      expect(first).toBeNull();
      const ch = clientHello(reverse ? packets.reverse() : packets);
      expect(Buffer.from(ch as Uint8Array).equals(msg)).toBe(true);
    }
  });

  it('takes the keys from the first DCID when the client has changed it', () => {
    const other = hex('0102030405');
    const packets = [
      initialPacket({ dcid: DCID, pn: 0 }, padded(1162, cryptoFrame(0, CLIENT_HELLO.subarray(0, 100)))),
      initialPacket({ dcid: other, pn: 1 }, padded(1162, cryptoFrame(100, CLIENT_HELLO.subarray(100))), DCID),
    ];
    expect(reason(readInitial(packets[1]))).toBe('auth-failed');
    expect(readInitial(packets[1], initialKeys(DCID)).packets[0].crypto[0].offset).toBe(100);
    expect(Buffer.from(clientHello(packets) as Uint8Array).equals(CLIENT_HELLO)).toBe(true);
  });
});

describe('CryptoStream', () => {
  const frame = (offset: number, data: Uint8Array) => ({ offset, data });

  it('accepts retransmitted and overlapping data, and keeps nothing past the ClientHello', () => {
    const s = new CryptoStream(LIMIT);
    expect(s.push(frame(50, CLIENT_HELLO.subarray(50, 150)))).toBeNull();
    expect(s.push(frame(50, CLIENT_HELLO.subarray(50, 150)))).toBeNull();
    expect(s.push(frame(0, CLIENT_HELLO.subarray(0, 60)))).toBeNull();
    const rest = Buffer.concat([CLIENT_HELLO.subarray(120), Buffer.alloc(500, 7)]); // and more after it
    const ch = s.push(frame(120, rest));
    expect(Buffer.from(ch as Uint8Array).equals(CLIENT_HELLO)).toBe(true);
    expect(s.push(frame(0, Buffer.alloc(10)))).toBe(ch); // the result stays
  });

  it('reports data that differs from what was received at the same offset', () => {
    const s = new CryptoStream(LIMIT);
    s.push(frame(0, CLIENT_HELLO.subarray(0, 100)));
    const changed = Buffer.from(CLIENT_HELLO.subarray(90, 200));
    changed[5] ^= 1;
    const e = s.push(frame(90, changed));
    expect(e).toBeInstanceOf(QuicError);
    expect((e as QuicError).reason).toBe('crypto-conflict');
    expect((e as QuicError).detail).toContain('offset 95');
    expect(s.push(frame(200, CLIENT_HELLO.subarray(200)))).toBe(e); // the error stays
  });

  it('is bounded: data or a ClientHello beyond the limit is an error', () => {
    expect((new CryptoStream(LIMIT).push(frame(LIMIT - 6, Buffer.alloc(10))) as QuicError).reason).toBe('crypto-overflow');
    expect((new CryptoStream(LIMIT).push(frame(2 ** 62 - 2, Buffer.alloc(1))) as QuicError).reason).toBe('crypto-overflow');
    const big = new CryptoStream(1024).push(frame(0, Buffer.from([1, 0, 0x04, 0x00])));
    expect((big as QuicError).reason).toBe('crypto-overflow');
    expect((big as QuicError).detail).toContain('1028-byte ClientHello');
  });

  it('wants a ClientHello first', () => {
    const e = new CryptoStream(LIMIT).push(frame(0, Buffer.from([2, 0, 0, 4, 1, 2, 3, 4])));
    expect((e as QuicError).reason).toBe('not-client-hello');
  });

  it('never throws and never grows past its limit on random frames', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ offset: fc.integer({ min: 0, max: 5000 }), data: fc.uint8Array({ maxLength: 600 }) }), { maxLength: 20 }),
        (frames) => {
          const s = new CryptoStream(4096);
          for (const f of frames) {
            const r = s.push(f);
            if (r instanceof Uint8Array) expect(r.length).toBeLessThanOrEqual(4096);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('coalesced packets and frames', () => {
  const initial = (frames: Uint8Array, o: Partial<Parameters<typeof initialPacket>[0]> = {}) =>
    initialPacket({ dcid: DCID, pn: 0, ...o }, padded(40, frames));

  it('skips 0-RTT and Handshake packets, stops at padding, a short header or another DCID', () => {
    const a = initial(cryptoFrame(0, CLIENT_HELLO));
    const zeroRtt = initialPacket({ dcid: DCID, pn: 0, type: 1 }, Buffer.alloc(50, 0xee));
    const handshake = initialPacket({ dcid: DCID, pn: 0, type: 2 }, Buffer.alloc(50, 0xee));
    const b = initial(cryptoFrame(241, Buffer.from('x')), { pn: 1 });
    const elsewhere = initial(cryptoFrame(0, Buffer.from('y')), { dcid: hex('0a0b'), pn: 2 });
    const short = Buffer.from([0x40, 1, 2, 3]);

    const read = readInitial(Buffer.concat([a, zeroRtt, handshake, b, elsewhere, short]));
    expect(read.error).toBeUndefined();
    expect(read.packets.map((p) => p.packetNumber)).toEqual([0, 1]);
    expect(readInitial(Buffer.concat([a, Buffer.alloc(300)])).packets).toHaveLength(1);
    expect(readInitial(Buffer.concat([a, short, b])).packets).toHaveLength(1);
  });

  it('keeps the good packets before bad input in the same datagram', () => {
    const read = readInitial(Buffer.concat([A2_PACKET, Buffer.from([0xc0, 0, 0, 0, 1, 8])]));
    expect(read.packets).toHaveLength(1);
    expect(reason(read)).toBe('truncated');
  });

  it('reads past ACK, PING and CONNECTION_CLOSE frames', () => {
    const ack = Buffer.concat([[0x02, 10, 0, 2, 1, 1, 2, 3, 4], [0x03, 5, 0, 0, 5, 1, 2, 3]].map((a) => Buffer.from(a)));
    const close = Buffer.concat([Buffer.from([0x1c]), varint(0x0128), varint(6), varint(3), Buffer.from('bye')]);
    const frames = [Buffer.from([0x01]), ack, cryptoFrame(7, Buffer.from('abc')), close, cryptoFrame(10, Buffer.from('de')), Buffer.from([0x01])];
    const read = readInitial(initial(Buffer.concat(frames)));
    expect(read.error).toBeUndefined();
    const [p] = read.packets;
    expect(p.crypto.map((f) => [f.offset, Buffer.from(f.data).toString()])).toEqual([[7, 'abc'], [10, 'de']]);
  });

  it('stops at frames an Initial packet may not carry, or cut short', () => {
    const cases: [Uint8Array, string][] = [
      [Buffer.from([0x08, 0, 1, 0x61]), 'frame type 0x8'], // STREAM
      [Buffer.concat([Buffer.from([0x1d]), varint(0), varint(0)]), 'frame type 0x1d'], // application CONNECTION_CLOSE
      [Buffer.from([0x06, 0, 0x40]), 'CRYPTO frame at byte 0'],
    ];
    for (const [frames, detail] of cases) {
      // no padding after the cut frames: it would be read as their fields
      const read = readInitial(initialPacket({ dcid: DCID, pn: 0 }, Buffer.concat([frames, Buffer.from([0x06, 0, 0x41])])));
      expect(reason(read)).toBe('bad-frame');
      expect(read.error!.detail).toContain(detail);
    }
    expect(reason(readInitial(initialPacket({ dcid: DCID, pn: 0 }, Buffer.alloc(0))))).toBe('bad-frame');
  });

  it('rejects reserved bits set under the header protection', () => {
    const payload = padded(40, cryptoFrame(0, Buffer.from('z')));
    const header = initialHeader({ dcid: DCID, pn: 0 }, payload.length);
    header[0] |= 0x0c;
    expect(reason(readInitial(protect(header, payload, DCID)))).toBe('bad-header');
  });
});

describe('bad input', () => {
  it('tampered ciphertext or tag fails authentication, without throwing', () => {
    for (const at of [25, 100, 600, 1199]) {
      const d = Buffer.from(A2_PACKET);
      d[at] ^= 0x01;
      const read = readInitial(d);
      expect(read.packets).toHaveLength(0);
      expect(read.error).toBeInstanceOf(QuicError);
      expect(reason(read)).toBe('auth-failed');
    }
  });

  it('a datagram cut anywhere is truncated', () => {
    for (let n = 0; n < A2_PACKET.length; n++) {
      const read = readInitial(A2_PACKET.subarray(0, n));
      expect(read.packets).toHaveLength(0);
      expect(reason(read)).toBe('truncated');
    }
  });

  it('other versions are unsupported, with the version in the detail', () => {
    for (const [version, text] of [[0x6b3343cf, '0x6b3343cf'], [0, '0x00000000'], [0xff00001d, '0xff00001d']] as const) {
      const d = Buffer.from(A2_PACKET);
      d.writeUInt32BE(version, 1);
      const read = readInitial(d);
      expect(reason(read)).toBe('unsupported-version');
      expect(read.error!.detail).toContain(text);
    }
  });

  it('names what is wrong with a header', () => {
    const d = (f: (b: Buffer) => void) => {
      const b = Buffer.from(A2_PACKET);
      f(b);
      return readInitial(b);
    };
    expect(reason(d((b) => (b[0] = 0x40)))).toBe('not-long-header');
    expect(reason(d((b) => (b[0] &= ~0x40)))).toBe('bad-header'); // fixed bit
    expect(reason(d((b) => (b[5] = 21)))).toBe('bad-header'); // DCID length
    const short = initialPacket({ dcid: DCID, pn: 0, pnLen: 1 }, Buffer.from([1])); // Length 18 < 20
    expect(reason(readInitial(short))).toBe('bad-header');
  });

  it('random bytes never throw', () => {
    const v1 = Buffer.from([0xc0, 0, 0, 0, 1]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1500 }), fc.boolean(), (bytes, prefixed) => {
        const read = readInitial(prefixed ? Buffer.concat([v1, bytes]) : bytes);
        expect(Array.isArray(read.packets)).toBe(true);
        if (read.error) expect(read.error).toBeInstanceOf(QuicError);
      }),
      { numRuns: 3000 },
    );
  });

  it('a real packet with bytes changed never throws, and never decrypts', () => {
    const edit = fc.tuple(fc.integer({ min: 0, max: 1199 }), fc.integer({ min: 1, max: 255 }));
    fc.assert(
      fc.property(
        fc.uniqueArray(edit, { selector: ([at]) => at, minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 1200 }),
        (edits, length) => {
          const d = Buffer.from(A2_PACKET);
          for (const [at, x] of edits) d[at] ^= x;
          // e.g. a changed packet type makes it a 0-RTT packet, skipped without an error
          expect(readInitial(d.subarray(0, length)).packets).toHaveLength(0);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
