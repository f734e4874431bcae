// exfil.new_endpoint (Darktrace: "Unusual External Data to New Endpoint"): a device sends an
// unusually large amount of data to an external endpoint it had never reached, that almost no
// other device uses. "Unusually large": at least EXFIL_MIN_BYTES and EXFIL_FACTOR times the most
// the device had sent one endpoint in a day when the new endpoint first appeared (fixed then, so
// the upload itself cannot raise the bar), counted over a day from that first contact; after the
// day the upload is forgotten (at the next tick).

import { pairAlert, type Model } from '../model.js';
import { BoundedMap } from '../bounded-map.js';

const EXFIL_MIN_BYTES = 10 * 1024 * 1024;
const EXFIL_FACTOR = 3;
const DAY_S = 86400;
const MAX_PAIRS = 1 << 16;

interface Upload {
  first: number;
  threshold: number;
  usual: number;
  bytes: number;
  connections: number;
}

export function exfilNewEndpoint(): Model {
  /** Uploads to endpoints that were new for the device when it first reached them. */
  const uploads = new BoundedMap<string, Upload>(MAX_PAIRS);
  return {
    id: 'exfil.new_endpoint',
    evictions: uploads.evictions,
    outbound(o, ctx): void {
      const p = o.pair;
      let u = uploads.touch(p.key);
      if (!u) {
        if (!o.newForDevice || !o.rarity.rare) return;
        const usual = ctx.pol.devices.get(p.deviceKey)?.maxDailyOutPerEndpoint ?? 0;
        u = { first: o.conn.ts, threshold: Math.max(EXFIL_MIN_BYTES, EXFIL_FACTOR * usual), usual, bytes: 0, connections: 0 };
        uploads.set(p.key, u);
      }
      if (o.conn.ts - u.first > DAY_S) return; // over, forgotten at the next tick
      u.bytes += o.conn.orig_bytes ?? 0;
      u.connections++;
      if (u.bytes < u.threshold) return;
      ctx.raise(pairAlert(p, o.rarity, {
        at: o.conn.ts,
        model: 'exfil.new_endpoint',
        title: 'Unusual external data to a new endpoint',
        score: Math.min(1, 0.7 + 0.1 * Math.log2(u.bytes / u.threshold + 1)),
        evidence: {
          bytes_out: u.bytes, connections: u.connections, first_seen: new Date(u.first * 1000).toISOString(),
          threshold_bytes: u.threshold, usual_max_daily_bytes_to_one_endpoint: u.usual,
        },
        mitre: ['T1048'],
      }));
    },
    tick(now): void {
      for (const [key, u] of uploads) if (now - u.first > DAY_S) uploads.delete(key);
    },
  };
}
