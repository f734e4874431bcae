// conn.failed_burst (Darktrace: "Multiple Failed Connections to Rare Endpoint"): a device keeps
// failing to connect to a rare external endpoint — many attempts unanswered or refused within a
// few minutes, as malware does when its server is down or a fallback channel is probed. Each
// pair keeps the times of its last MAX_FAILURES failures within the window (so a pair is at most
// about 0.7 KiB, ~45 MiB for MAX_PAIRS), and reports failures counted up to that.

import { pairAlert, type Model } from '../model.js';
import { BoundedMap } from '../bounded-map.js';

const FAILED = new Set(['S0', 'REJ', 'RSTOS0', 'RSTRH', 'SH', 'SHR']);
const FAILED_BURST_COUNT = 10;
const FAILED_BURST_WINDOW_S = 300;
const MAX_PAIRS = 1 << 16;
const MAX_FAILURES = 64;

export function failedBurst(): Model {
  const failures = new BoundedMap<string, number[]>(MAX_PAIRS);
  return {
    id: 'conn.failed_burst',
    evictions: failures.evictions,
    outbound(o, ctx): void {
      const c = o.conn;
      if (c.proto !== 'tcp' || !FAILED.has(c.conn_state) || !o.rarity.rare) return;
      const times = failures.touch(o.pair.key, () => []);
      times.push(c.ts);
      while (times.length > MAX_FAILURES || (times.length > 0 && c.ts - times[0] > FAILED_BURST_WINDOW_S)) times.shift();
      if (times.length < FAILED_BURST_COUNT) return;
      ctx.raise(pairAlert(o.pair, o.rarity, {
        at: c.ts,
        model: 'conn.failed_burst',
        title: 'Multiple failed connections to a rare endpoint',
        score: Math.min(1, 0.7 + 0.3 * (times.length - FAILED_BURST_COUNT) / FAILED_BURST_COUNT),
        evidence: { failures: times.length, window_s: Math.round(c.ts - times[0]), last_state: c.conn_state },
        mitre: ['T1008'],
      }));
    },
  };
}
