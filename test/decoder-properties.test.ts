// Hostile input: random frames with any link type, real frames mutated and cut at every length,
// and stacks built to exceed every depth limit. The core must never throw, never point outside
// the frame it was given, and every frame must be accounted for exactly once by the counters.

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

  it('tunnels nested past the limit are counted, not followed', () => {
    let f = tcpFrame({ src: '10.0.0.1', dst: '10.0.0.2', sport: 1, dport: 2 }, 1, 0, 2);
    for (let i = 0; i < 10; i++) f = vxlan(f, i);
    const c = check([{ data: f, link: 1 }]);
    expect(c['decoder.tunnel.too_deep']).toBe(1);
    expect(c['decoder.vxlan']).toBe(5);
  });

  it('VLAN tags stacked past the limit are counted', () => {
    const tags = Array.from({ length: 20 }, () => new Uint8Array([0, 5, 0x81, 0x00]));
    const inner = ipv4('10.0.0.1', '10.0.0.2', 17, udp(1, 2, new Uint8Array(4)));
    const data = ethernet(concat([...tags, new Uint8Array([0, 5, 0x08, 0x00]), inner]), 0x8100);
    const c = check([{ data, link: 1 }]);
    expect(c['decoder.vlan.too_deep']).toBe(1);
  });

  it('an IPv6 chain of extension headers past the limit is counted', () => {
    const ext = (next: number) => new Uint8Array([next, 0, 0, 0, 0, 0, 0, 0]);
    const chain = concat([...Array.from({ length: 12 }, () => ext(60)), ext(17)]);
    const h = new Uint8Array(40);
    h[0] = 0x60;
    new DataView(h.buffer).setUint16(4, chain.length);
    h[6] = 60;
    const c = check([{ data: ethernet(concat([h, chain]), 0x86dd), link: 1 }]);
    expect(c['decoder.ipv6.exthdr_too_many']).toBe(1);
  });
});
