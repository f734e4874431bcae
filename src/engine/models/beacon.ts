// beacon.periodic (Darktrace: "Beaconing Activity To External Rare"): a device contacts a rare
// external endpoint on a schedule. Every (device, endpoint) pair keeps a series of contact times
// and sizes: connection starts, and — for beacons that hide inside one long-lived connection —
// the requests on a keep-alive HTTP connection and the data bursts on an open session. Every
// TICK of capture time the series that grew are scored in one batch by the WASM beacon scorer
// (RITA's sub-scores and a jitter-tolerant periodicity detector); a rare endpoint whose score
// passes the threshold is an alert, updated as the series grows. Benign periodic traffic that
// many devices share (telemetry, update checks) is not rare, so it does not alert.

import type { Model, Outbound, ModelContext } from '../model.js';
import type { HttpRecord } from '../../pool/records/http.js';
import type { BurstRecord } from '../../pool/records/burst.js';
import { BeaconScorer, BEACON_THRESHOLD } from '../beacon-scorer.js';
import { isExternal, registrableDomain } from '../addresses.js';
import { BoundedMap } from '../bounded-map.js';

/** Contacts needed before a series is scored. */
export const MIN_BEATS = 6;
/** Contacts closer than this are one (a connection and the request that opened it). */
const SAME_CONTACT_S = 1;
const MAX_POINTS = 512;
const MAX_PAIRS = 1 << 17;

type Transport = 'conn' | 'http' | 'burst';

interface Series {
  deviceKey: string;
  device: string;
  vni?: number;
  endpoint: string;
  port: number;
  hostname?: string;
  times: number[];
  sizes: number[];
  transports: Set<Transport>;
  /** Whether every contact's size is known (a data burst's is not). */
  sized: boolean;
  /** Contacts added since the series was last scored. */
  fresh: number;
}

export function beaconPeriodic(): Model {
  const pairs = new BoundedMap<string, Series>(MAX_PAIRS);
  const scorer = new BeaconScorer();

  function contact(deviceKey: string, device: string, vni: number | undefined, endpoint: string,
    port: number, hostname: string | undefined, ts: number, size: number, transport: Transport): void {
    if (!isExternal(endpoint)) return;
    const s = pairs.touch(`${deviceKey}|${endpoint}`,
      () => ({ deviceKey, device, vni, endpoint, port, hostname, times: [], sizes: [], transports: new Set<Transport>(), sized: true, fresh: 0 }));
    s.hostname ??= hostname;
    // keep the series sorted; a contact next to one already there is the same contact
    let i = s.times.length;
    while (i > 0 && s.times[i - 1] > ts) i--;
    if ((i > 0 && ts - s.times[i - 1] < SAME_CONTACT_S) || (i < s.times.length && s.times[i] - ts < SAME_CONTACT_S)) return;
    s.times.splice(i, 0, ts);
    s.sizes.splice(i, 0, size);
    if (s.times.length > MAX_POINTS) {
      s.times.shift();
      s.sizes.shift();
    }
    s.transports.add(transport);
    if (transport === 'burst') s.sized = false;
    s.fresh++;
  }

  return {
    id: 'beacon.periodic',
    evictions: pairs.evictions,
    observe(o: Outbound): void {
      contact(o.deviceKey, o.device, o.vni, o.endpoint, o.port, o.hostname, o.conn.ts, o.conn.orig_bytes ?? 0, 'conn');
    },
    http(h: HttpRecord, _o: unknown, ctx: ModelContext): void {
      if (h.trans_depth < 2) return; // the first request is the connection's own contact
      const host = h.host_kind === 'name' ? h.host?.replace(/:\d+$/, '') : undefined;
      contact(ctx.deviceKey(h['id.orig_h'], h.vni), h['id.orig_h'], h.vni, h['id.resp_h'], h['id.resp_p'], host, h.ts, h.request_body_len, 'http');
    },
    burst(b: BurstRecord, ctx: ModelContext): void {
      contact(ctx.deviceKey(b['id.orig_h'], b.vni), b['id.orig_h'], b.vni, b['id.resp_h'], b['id.resp_p'], undefined, b.ts, 0, 'burst');
    },
    tick(now: number, ctx: ModelContext): void {
      const due: Series[] = [];
      for (const s of pairs.values()) {
        if (s.fresh < 2 || s.times.length < MIN_BEATS || ctx.learning(s.times[s.times.length - 1])) continue;
        if (!ctx.rarity(s.deviceKey, s.endpoint, registrableDomain(s.hostname)).rare) continue;
        due.push(s);
      }
      if (due.length === 0) return;
      const scores = scorer.score(due.map((s) => ({ times: s.times, sizes: s.sized ? s.sizes : undefined })));
      due.forEach((s, i) => {
        s.fresh = 0;
        const b = scores[i];
        if (b.score < BEACON_THRESHOLD) return;
        const r = ctx.rarity(s.deviceKey, s.endpoint, registrableDomain(s.hostname));
        const web = s.port === 80 || s.port === 443 || s.port === 8080 || s.port === 8443;
        ctx.raise({
          at: s.times[s.times.length - 1],
          model: 'beacon.periodic',
          title: 'Beaconing to a rare external endpoint',
          score: b.score,
          deviceKey: s.deviceKey,
          device: { ip: s.device, vni: s.vni },
          endpoint: { ip: s.endpoint, port: s.port, hostname: s.hostname },
          evidence: {
            period_s: Math.round(b.period * 10) / 10, jitter: Math.round(b.jitter * 1000) / 1000,
            beats: s.times.length, beats_present: Math.round(b.beatsPresent * 100) / 100,
            confidence: Math.round(b.confidence * 1000) / 1000,
            first_seen: new Date(s.times[0] * 1000).toISOString(), last_seen: new Date(s.times[s.times.length - 1] * 1000).toISOString(),
            bytes_out: s.sized ? s.sizes.reduce((a, x) => a + x, 0) : undefined, transports: [...s.transports],
            other_devices: r.others, active_devices: r.active, scored_at: new Date(now * 1000).toISOString(),
          },
          mitre: web ? ['T1071.001'] : ['T1071'],
        });
      });
    },
  };
}
