// The Internet checksum that every capture the tests and benchmarks build relies on
// (test/helpers/wire.js: the evaluation scenario writes it, its checker verifies it, the
// benchmark's capture rewrites IPv4 headers with it), checked against something other than
// itself: RFC 1071's worked example, and real frames whose checksums tshark verifies.

import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { pcapDir } from './helpers/corpus.js';
import { readFrames } from './helpers/frames.js';
import { checksum, fold, pseudoHeaderSum, setIpv4Checksum, sum16, verifies } from './helpers/wire.js';

/** The IPv4 header and the TCP or UDP checksum field of an untagged Ethernet/IPv4 frame. */
function layers(frame: Uint8Array) {
  const ip = 14;
  const ihl = (frame[ip] & 0x0f) * 4;
  const proto = frame[ip + 9];
  const l4 = ip + ihl;
  const l4Length = ((frame[ip + 2] << 8) | frame[ip + 3]) - ihl;
  return { ip, ihl, proto, l4, l4Length, l4Sum: sum16(frame, l4, l4Length, pseudoHeaderSum(frame, ip, proto, l4Length)) };
}

describe('Internet checksum', () => {
  it("RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, so the checksum is 220d", () => {
    const bytes = Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]);
    expect(fold(sum16(bytes, 0, 8))).toBe(0xddf2);
    expect(checksum(sum16(bytes, 0, 8))).toBe(0x220d);
    // with its checksum appended the data verifies; one bit changed, it does not
    const sent = Uint8Array.from([...bytes, 0x22, 0x0d]);
    expect(verifies(sum16(sent, 0, 10))).toBe(true);
    sent[3] ^= 0x10;
    expect(verifies(sum16(sent, 0, 10))).toBe(false);
  });

  it('an odd last byte is padded with zero, and sums of parts add up (RFC 1071 §2)', () => {
    expect(sum16(Uint8Array.of(0xab), 0, 1)).toBe(0xab00);
    const bytes = Uint8Array.from({ length: 101 }, (_, i) => (i * 37 + 11) & 0xff);
    expect(fold(sum16(bytes, 40, 61, sum16(bytes, 0, 40)))).toBe(fold(sum16(bytes, 0, 101)));
  });

  // tshark -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE marks
  // every IPv4, TCP and UDP checksum of these captures good
  for (const file of ['http_get_wget.pcap', 'dns_udp_a-aaaa-mx.pcap']) {
    it(`${file}: every IPv4 header and TCP or UDP checksum verifies, and the IPv4 one is recomputed exactly`, () => {
      const frames = readFrames(path.join(pcapDir, file));
      expect(frames.length).toBeGreaterThan(0);
      for (const [i, { data }] of frames.entries()) {
        const f = layers(data);
        expect(verifies(sum16(data, f.ip, f.ihl)), `frame ${i + 1} IPv4`).toBe(true);
        expect(verifies(f.l4Sum), `frame ${i + 1} protocol ${f.proto}`).toBe(true);
        const copy = data.slice();
        copy[f.ip + 10] = 0;
        copy[f.ip + 11] = 0;
        setIpv4Checksum(copy, f.ip, f.ihl);
        expect(copy).toEqual(data);
      }
    });
  }

  it('dns_bad-udp-cksum.pcap: the UDP checksums scrambled by hand do not verify (tshark: bad)', () => {
    const frames = readFrames(path.join(pcapDir, 'dns_bad-udp-cksum.pcap'));
    expect(frames.map(({ data }) => verifies(layers(data).l4Sum))).toEqual([false, false]);
  });
});
