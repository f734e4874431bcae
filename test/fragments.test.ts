// IPv4 fragment reassembly on the capture clock: fragments are kept FRAG_TIMEOUT (30 s) from the
// first one seen, and a clock that goes backwards (frames merged from several capture points)
// neither expires them early nor loses them.

import { describe, it, expect } from 'vitest';
import { writeFrames } from './helpers/tmpfile.js';
import { shardRecords } from './helpers/run.js';
import { ipv4, udp, fragments4 } from './helpers/packets.js';
import { frameBytes } from './helpers/capture-writer.js';

const T = 1_700_000_000_000_000; // µs
const data = frameBytes(2000, 7);
// one UDP datagram of 2008 bytes after its IPv4 header: fragments of 800, 800 and 408 bytes
const frags = fragments4(ipv4('10.0.0.1', '10.0.0.2', 17, udp(5000, 6000, data), 77), 800);

/** The frames at these capture times (µs after T), through one shard. */
function run(offsetsUs: number[], order = [0, 1, 2]) {
  return shardRecords(writeFrames(order.map((f, i) => ({ us: T + offsetsUs[i], data: frags[f] }))));
}

describe('IPv4 fragments', () => {
  it('reassemble into one UDP datagram', () => {
    const { records, counters } = run([0, 100, 200]);
    expect(counters['defrag.reassembled']).toBe(1);
    expect(records).toHaveLength(1);
    expect(records[0].orig_pkts).toBe(1);
    expect(records[0].orig_ip_bytes).toBe(20 + 8 + data.length); // the whole datagram
  });

  it('whose capture times go backwards still reassemble, and none times out', () => {
    const { records, counters } = run([0, -1000, -2000_000]);
    expect(counters['defrag.timeout']).toBe(0);
    expect(counters['defrag.reassembled']).toBe(1);
    expect(records[0].orig_ip_bytes).toBe(20 + 8 + data.length); // the whole datagram
  });

  it('out of order and going backwards, still reassemble', () => {
    const { counters } = run([0, -500, -1000], [2, 0, 1]);
    expect(counters['defrag.timeout']).toBe(0);
    expect(counters['defrag.reassembled']).toBe(1);
  });

  it('are forgotten, counted, when the rest comes more than 30 s after the first', () => {
    const { records, counters } = run([0, 31_000_000, 31_000_100]);
    expect(counters['defrag.timeout']).toBe(1);
    expect(counters['defrag.reassembled']).toBe(0);
    expect(counters['flow.pending_fragment']).toBe(3);
    expect(records).toHaveLength(0);
  });
});
