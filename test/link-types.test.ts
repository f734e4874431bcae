// The same IPv4/TCP packet behind every link type the reader accepts, and whole corpus captures
// rewritten as pcapng (big-endian sections, nanosecond interfaces): the decoded fields and the
// connection records must not change with the container.

import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { Shard } from '../src/pool/shard.js';
import { readPacket } from '../src/pool/packet-view.js';
import { slabOf } from './helpers/slab-builder.js';
import { ipv4, tcp, ethernet } from './helpers/packets.js';
import { concat, PcapngBuilder } from './helpers/capture-writer.js';
import { readFrames } from './helpers/frames.js';
import { tmpPath } from './helpers/tmpfile.js';
import { pcapDir } from './helpers/corpus.js';
import { shardRecords, canonical } from './helpers/run.js';

const ip = ipv4('10.1.2.3', '10.4.5.6', 6, tcp(1234, 443, 1, 0, 0x02));
const be = (n: number, bytes: number) => Uint8Array.from({ length: bytes }, (_, i) => (n >> (8 * (bytes - 1 - i))) & 0xff);
const le32 = (n: number) => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);

const cases: [string, number, Uint8Array][] = [
  ['Ethernet', 1, ethernet(ip)],
  ['NULL (host order)', 0, concat([le32(2), ip])],
  ['NULL (other byte order)', 0, concat([be(2, 4), ip])],
  ['LOOP', 108, concat([be(2, 4), ip])],
  ['RAW', 101, ip],
  ['IPV4', 228, ip],
  ['Linux SLL', 113, concat([be(0, 2), be(1, 2), be(6, 2), new Uint8Array(8), be(0x0800, 2), ip])],
  ['Linux SLL2', 276, concat([be(0x0800, 2), be(0, 2), be(3, 4), be(1, 2), Uint8Array.of(0, 6), new Uint8Array(8), ip])],
];

describe('link types', () => {
  for (const [name, link, data] of cases) {
    it(name, () => {
      const slab = slabOf([{ data, link }]);
      const shard = new Shard({ maxRecords: slab.maxRecords, dataCapacity: slab.dataCapacity });
      shard.core.load(slab);
      shard.core.decodeRecord(0);
      const p = readPacket(shard.core);
      expect(p.ips.map((x) => [x.src, x.dst, x.proto])).toEqual([['10.1.2.3', '10.4.5.6', 6]]);
      expect(p.l4).toEqual([{ proto: 6, sport: 1234, dport: 443, ip: 0 }]);
      expect(p.flags).toMatchObject({ trunc: false, malformed: false, unsupported: false });
    });
  }

  it('an unknown link type is counted as unsupported', () => {
    const slab = slabOf([{ data: ip, link: 147 }]);
    const shard = new Shard({ maxRecords: slab.maxRecords, dataCapacity: slab.dataCapacity });
    shard.process(slab);
    expect(shard.counters()['decoder.link.unsupported']).toBe(1);
  });
});

describe('pcapng gives the same records as pcap', () => {
  for (const file of ['vxlan_aws-mirror_ssh-ntp-dns.pcap', 'geneve_tls-sni.pcap', 'http_ipv6_loopback_dltnull.pcap']) {
    it(file, () => {
      const src = path.join(pcapDir, file);
      const link = file.includes('dltnull') ? 0 : 1;
      const b = new PcapngBuilder().section(false).interface(link, { tsresol: 9 });
      for (const f of readFrames(src)) {
        const ns = BigInt(f.us) * 1000n;
        b.packet(0, Number(ns >> 32n), Number(ns & 0xffffffffn), f.data);
      }
      const out = tmpPath(`${file}.pcapng`);
      writeFileSync(out, b.build());
      expect(canonical(shardRecords(out).records)).toEqual(canonical(shardRecords(src).records));
    });
  }
});
