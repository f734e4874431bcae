// Hostile input: random frames with any link type, real frames mutated and cut at every length,
// and stacks built at every depth limit and one past it. The core must never throw, never point
// outside the frame it was given, and every frame must be accounted for exactly once by the
// counters.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import path from 'node:path';
import { Shard } from '../src/pool/shard.js';
import { readPacket } from '../src/pool/packet-view.js';
import { corpusFiles, pcapDir } from './helpers/corpus.js';
import { readFrames } from './helpers/frames.js';
import { slabOf, TestFrame } from './helpers/slab-builder.js';
import { vxlan, ethernet, ipv4, udp, tcpFrame } from './helpers/packets.js';
import { concat } from './helpers/capture-writer.js';

const LINKS = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147];

/** Decode and flow-process the frames; check bounds frame by frame; return the counters. */
function check(frames: TestFrame[]): Record<string, number> {
  const slab = slabOf(frames);
  const shard = new Shard({ maxRecords: slab.maxRecords, dataCapacity: slab.dataCapacity, maxFlows: 64, maxTunnels: 16 });
  shard.core.load(slab);
  for (let i = 0; i < frames.length; i++) {
    shard.core.decodeRecord(i);
    const p = readPacket(shard.core);
    if (p.payload.captured > 0 && !p.flags.reassembled) {
      const start = shard.core.dataPtr + slab.rec(i, 0);
      expect(p.payload.address).toBeGreaterThanOrEqual(start);
      expect(p.payload.address + p.payload.captured).toBeLessThanOrEqual(start + frames[i].data.length);
    }
    expect(p.ips.length).toBeLessThanOrEqual(5);
    expect(p.vlanIds.length).toBeLessThanOrEqual(8);
    expect(p.tunnels.length).toBeLessThanOrEqual(4);
  }
  // a fresh shard for the flow stage, so that decode counters count each frame once
  const flows = new Shard({ maxRecords: slab.maxRecords, dataCapacity: slab.dataCapacity, maxFlows: 64, maxTunnels: 16 });
  flows.process(slab, []);
  flows.finish([]);
  return flows.counters();
}

function accountedOnce(c: Record<string, number>, n: number): void {
  expect(c['decoder.pkts']).toBe(n);
  expect(c['flow.pkts'] + c['flow.no_key'] + c['flow.pending_fragment'] + c['flow.mirror_duplicate']).toBe(n);
}

describe('decoder and flow stage on hostile input', () => {
  it('random bytes with any link type', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ data: fc.uint8Array({ maxLength: 300 }), link: fc.constantFrom(...LINKS) }), { minLength: 1, maxLength: 40 }),
      (frames) => accountedOnce(check(frames), frames.length),
    ), { numRuns: 300 });
  });

  const files = corpusFiles().map((f) => ({ file: f, frames: readFrames(path.join(pcapDir, f)) }));
  const real = files.flatMap((f) => f.frames);

  it('real frames with random bytes changed and cut short', () => {
    fc.assert(fc.property(
      fc.array(fc.record({
        frame: fc.integer({ min: 0, max: real.length - 1 }),
        flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        cut: fc.option(fc.nat()),
      }), { minLength: 1, maxLength: 40 }),
      (specs) => {
        const frames = specs.map(({ frame, flips, cut }) => {
          const { data, link } = real[frame];
          const d = data.slice();
          for (const [at, v] of flips) if (d.length > 0) d[at % d.length] = v;
          return { data: cut === null ? d : d.subarray(0, cut % (d.length + 1)), link, wirelen: data.length };
        });
        accountedOnce(check(frames), frames.length);
      },
    ), { numRuns: 300 });
  });

  // the first 8 frames of each capture: handshakes, ClientHellos, every IPv6 fragment of ipv6_frag_dns
  for (const { file, frames: first } of files.map((f) => ({ ...f, frames: f.frames.slice(0, 8) }))) {
    it(`${file}: its first ${first.length} frames cut at every length`, () => {
      const frames = first.flatMap(({ data, link }) => Array.from({ length: data.length + 1 }, (_, n) => ({ data: data.subarray(0, n), link, wirelen: data.length })));
      accountedOnce(check(frames), frames.length);
    });
  }

  // README promises each limit: 4 tunnels, 8 VLAN tags, 8 IPv6 extension headers. At the limit
  // the packet decodes to its end; one more is counted and decoding stops there.
  const tunnels = (n: number) => {
    let f = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2 }, 1, 0, 2);
    for (let i = 0; i < n; i++) f = vxlan(f, i);
    return check([{ data: f, link: 1 }]);
  };
  it('4 tunnels nested are followed; a 5th is counted, not followed', () => {
    const c = tunnels(4);
    expect([c['decoder.vxlan'], c['decoder.tunnel.too_deep'] ?? 0, c['decoder.tcp']]).toEqual([4, 0, 1]);
    const d = tunnels(5);
    expect([d['decoder.vxlan'], d['decoder.tunnel.too_deep'], d['decoder.tcp'] ?? 0]).toEqual([5, 1, 0]);
  });

  const vlans = (n: number) => {
    const tags = Array.from({ length: n - 1 }, () => new Uint8Array([0, 5, 0x81, 0x00]));
    const inner = ipv4('10.0.0.1', '10.0.0.2', 17, udp(1, 2, new Uint8Array(4)));
    return check([{ data: ethernet(concat([...tags, new Uint8Array([0, 5, 0x08, 0x00]), inner]), 0x8100), link: 1 }]);
  };
  it('8 VLAN tags are read; a 9th is counted', () => {
    const c = vlans(8);
    expect([c['decoder.vlan'], c['decoder.vlan.too_deep'] ?? 0, c['decoder.udp']]).toEqual([8, 0, 1]);
    const d = vlans(9);
    expect([d['decoder.vlan.too_deep'], d['decoder.udp'] ?? 0]).toEqual([1, 0]);
  });

  /** IPv6 with `n` extension headers (destination options), then UDP. */
  const extensions = (n: number) => {
    const ext = (next: number) => new Uint8Array([next, 0, 0, 0, 0, 0, 0, 0]);
    const chain = concat([...Array.from({ length: n - 1 }, () => ext(60)), ext(17), udp(1, 2, new Uint8Array(4))]);
    const h = new Uint8Array(40);
    h[0] = 0x60;
    new DataView(h.buffer).setUint16(4, chain.length);
    h[6] = 60;
    return check([{ data: ethernet(concat([h, chain]), 0x86dd), link: 1 }]);
  };
  it('an IPv6 chain of 8 extension headers is walked; a 9th is counted', () => {
    const c = extensions(8);
    expect([c['decoder.ipv6.exthdrs'], c['decoder.ipv6.exthdr_too_many'] ?? 0, c['decoder.udp']]).toEqual([8, 0, 1]);
    const d = extensions(9);
    expect([d['decoder.ipv6.exthdr_too_many'], d['decoder.udp'] ?? 0]).toEqual([1, 0]);
  });
});
