// What AWS Traffic Mirroring does to a conversation, on a real VXLAN capture: both ends mirrored
// (every packet twice, from two sessions) must count once; VPCs with overlapping addresses,
// mirrored under different VNIs, must stay apart when the VNI map says so.

import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { pcapDir } from './helpers/corpus.js';
import { readFrames } from './helpers/frames.js';
import { writeFrames } from './helpers/tmpfile.js';
import { shardRecords } from './helpers/run.js';
import { fromOtherSession } from './helpers/packets.js';

const source = path.join(pcapDir, 'vxlan_http-get.pcap');
const inner = (rs: ReturnType<typeof shardRecords>['records']) => rs.filter((r) => r.service !== 'vxlan');

describe('mirror duplicates', () => {
  const original = readFrames(source);
  const doubled = writeFrames(original.flatMap((f) => [f, { us: f.us + 20, data: fromOtherSession(f.data, 2) }]));

  it('the second copy of each packet is dropped and counted; the connection is as if mirrored once', () => {
    const once = shardRecords(source);
    const twice = shardRecords(doubled);
    const strip = (r: object) => ({ ...r, uid: undefined, tunnel_parents: undefined });
    expect(inner(twice.records).map(strip)).toEqual(inner(once.records).map(strip));
    expect(twice.counters['flow.mirror_duplicate']).toBe(original.length);
    expect(twice.counters['tunnel.sessions']).toBe(2);
  });

  it('with the window at 0 the copies are counted as packets (and look like retransmissions)', () => {
    const [r] = inner(shardRecords(doubled, { dedupWindowUs: 0 }).records);
    const [once] = inner(shardRecords(source).records);
    expect(r.orig_pkts).toBe(2 * once.orig_pkts);
    expect(r.history).toContain('T');
  });

  it('copies further apart than the window are not duplicates', () => {
    const late = writeFrames(original.flatMap((f) => [f, { us: f.us + 5000, data: fromOtherSession(f.data, 2) }]));
    const { counters } = shardRecords(late, { dedupWindowUs: 1000 });
    expect(counters['flow.mirror_duplicate']).toBe(0);
  });
});

describe('VNI address spaces', () => {
  const original = readFrames(source);
  // Two VPCs with the same CIDR, each mirrored under its own VNI, carrying the same conversation
  const overlapping = writeFrames(original.flatMap((f) => [f, { us: f.us + 20, data: fromOtherSession(f.data, 2) }]));

  it('mapped to different spaces, the two VPCs keep separate connections', () => {
    const { records, counters } = shardRecords(overlapping, { vniSpaces: { 1: 1, 2: 2 } });
    const conns = inner(records);
    expect(conns).toHaveLength(2);
    expect(conns.map((r) => r.vni).sort()).toEqual([1, 2]);
    expect(conns[0].orig_pkts).toBe(conns[1].orig_pkts);
    expect(counters['flow.mirror_duplicate']).toBe(0);
  });
});
