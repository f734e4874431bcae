// Every frame of every corpus capture, decoded by the WASM core, field by field against tshark:
// lengths, Ethernet types, VLAN ids, VNIs, outer and inner addresses, protocols, ports, truncation.

import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { corpusFiles, pcapDir, truth } from './helpers/corpus.js';
import { decodeFile } from './helpers/decode-file.js';
import type { PacketView } from '../src/pool/packet-view.js';

const hex4 = (n: number) => `0x${n.toString(16).padStart(4, '0')}`;
const hex6 = (n: number) => `0x${n.toString(16).padStart(6, '0')}`;

/** Our view in tshark's vocabulary: the same field names, occurrences joined with ','. */
function asTshark(p: PacketView): Record<string, string> {
  const v4 = p.ips.filter((ip) => ip.family === 4);
  const v6 = p.ips.filter((ip) => ip.family === 6);
  const tcp = p.l4.filter((l) => l.proto === 6);
  const udp = p.l4.filter((l) => l.proto === 17);
  return {
    'frame.len': String(p.wirelen),
    'frame.cap_len': String(p.caplen),
    'eth.type': p.ethTypes.map(hex4).join(','),
    'vlan.id': p.vlanIds.join(','),
    'vxlan.vni': p.tunnels.filter((t) => t.kind === 'vxlan').map((t) => t.vni).join(','),
    'geneve.vni': p.tunnels.filter((t) => t.kind === 'geneve').map((t) => hex6(t.vni)).join(','),
    'ip.src': v4.map((ip) => ip.src).join(','),
    'ip.dst': v4.map((ip) => ip.dst).join(','),
    'ip.proto': v4.map((ip) => ip.proto).join(','),
    'ipv6.src': v6.map((ip) => ip.src).join(','),
    'ipv6.dst': v6.map((ip) => ip.dst).join(','),
    'tcp.srcport': tcp.map((l) => l.sport).join(','),
    'tcp.dstport': tcp.map((l) => l.dport).join(','),
    'udp.srcport': udp.map((l) => l.sport).join(','),
    'udp.dstport': udp.map((l) => l.dport).join(','),
  };
}

describe('decoder against tshark on the real-capture corpus', () => {
  for (const file of corpusFiles()) {
    it(file, () => {
      const rows = truth(file);
      const { packets } = decodeFile(path.join(pcapDir, file));
      expect(packets.length, `${file}: frame count`).toBe(rows.length);
      rows.forEach((row, i) => {
        const ours = asTshark(packets[i]);
        for (const [field, value] of Object.entries(ours)) {
          if (!(field in row)) continue;
          expect(value, `${file} frame ${row['frame.number']}: ${field}`).toBe(row[field]);
        }
        if (row['_ws.short']) {
          expect(packets[i].flags.trunc, `${file} frame ${row['frame.number']}: tshark says short`).toBe(true);
        }
        // We flag a cut frame whenever headers promise more than was captured; tshark only when a
        // dissector it ran needed the missing bytes. So: cut by us ⇒ cut per the record header or by tshark.
        if (packets[i].flags.trunc) {
          const cut = packets[i].caplen < packets[i].wirelen || row['_ws.short'] !== '' || row['_ws.malformed'] !== '';
          expect(cut, `${file} frame ${row['frame.number']}: we say cut short`).toBe(true);
        }
        if (packets[i].flags.malformed) {
          expect(row['_ws.malformed'], `${file} frame ${row['frame.number']}: we say malformed`).not.toBe('');
        }
      });
    });
  }
});
