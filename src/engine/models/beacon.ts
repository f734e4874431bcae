// beacon.periodic (Darktrace: "Beaconing Activity To External Rare"): a device contacts a rare
// external endpoint on a schedule. Every (device, endpoint) pair keeps a series of contact times
// and sizes: connection starts, and — for beacons that hide inside one long-lived connection —
// the requests on a keep-alive HTTP connection and the data bursts on an open session. Every
// TICK of capture time the series that grew are scored in one batch by the WASM beacon scorer
// (RITA's sub-scores and a jitter-tolerant periodicity detector); a rare endpoint whose score
// passes the threshold is an alert, updated as the series grows; its evidence carries RITA's
// beacon score and sub-scores over the day before the tick. Benign periodic traffic that
// many devices share (telemetry, update checks) is not rare, so it does not alert. A series not
// contacted within the pattern of life's horizon is forgotten. Memory (V8 heap, Node 20 on x64):
// a series is about 0.9 KiB and 17.5 B per contact, so MAX_PAIRS series and MAX_CONTACTS contacts
// in all (the least recently contacted series go first) come to about 250 MiB.

import { pairAlert, type Model, type Pair, type Rarity } from '../model.js';
import { BeaconScorer, BEACON_THRESHOLD } from '../beacon-scorer.js';
import { BoundedMap } from '../bounded-map.js';
import { HORIZON_S } from '../pattern-of-life.js';

/** Contacts needed before a series is scored. */
const MIN_BEATS = 6;
/** Contacts closer than this are one (a connection and the request that opened it). */
const SAME_CONTACT_S = 1;
/** RITA's histogram and duration scores look at a day of logs. */
const RITA_WINDOW_S = 86400;
const MAX_PAIRS = 1 << 17;
/** Contacts kept over all series together. */
const MAX_CONTACTS = 1 << 23;

type Transport = 'conn' | 'http' | 'burst';

interface Series {
  /** The pair, as its first contact with a hostname (or its first contact) gave it. */
  pair: Pair;
  times: number[];
  sizes: number[];
  transports: Set<Transport>;
  /** Whether every contact's size is known (a data burst's is not). */
  sized: boolean;
  /** Contacts added since the series was last scored. */
  fresh: number;
}

export function beaconPeriodic(): Model {
  const pairs = new BoundedMap<string, Series>(MAX_PAIRS, undefined, { limit: MAX_CONTACTS, weigh: (s) => s.times.length });
  const scorer = new BeaconScorer();

  function contact(p: Pair, ts: number, size: number, transport: Transport): void {
    const s = pairs.touch(p.key, () => ({ pair: p, times: [], sizes: [], transports: new Set<Transport>(), sized: true, fresh: 0 }));
    if (!s.pair.hostname && p.hostname) s.pair = p;
    // keep the series sorted; a contact next to one already there is the same contact
    let i = s.times.length;
    while (i > 0 && s.times[i - 1] > ts) i--;
    if ((i > 0 && ts - s.times[i - 1] < SAME_CONTACT_S) || (i < s.times.length && s.times[i] - ts < SAME_CONTACT_S)) return;
    s.times.splice(i, 0, ts);
    s.sizes.splice(i, 0, size);
    if (s.times.length > scorer.maxSeries) { // the scorer would look at the most recent ones only
      s.times.shift();
      s.sizes.shift();
    } else {
      pairs.reweigh(1);
    }
    s.transports.add(transport);
    if (transport === 'burst') s.sized = false;
    s.fresh++;
  }

  return {
    id: 'beacon.periodic',
    evictions: pairs.evictions,
    observe(o): void {
      contact(o.pair, o.conn.ts, o.conn.orig_bytes ?? 0, 'conn');
    },
    http(h, p): void {
      if (h.trans_depth < 2) return; // the first request is the connection's own contact
      contact(p, h.ts, h.request_body_len, 'http');
    },
    burst(b, p): void {
      contact(p, b.ts, 0, 'burst');
    },
    tick(now, ctx): void {
      const due: Series[] = [];
      const rarity: Rarity[] = [];
      for (const s of pairs.values()) {
        if (now - s.times[s.times.length - 1] > HORIZON_S) {
          pairs.delete(s.pair.key); // forgotten, as the pattern of life forgets
          continue;
        }
        if (s.fresh < 2 || s.times.length < MIN_BEATS || ctx.learning(s.times[s.times.length - 1])) continue;
        const r = ctx.rarity(s.pair);
        if (!r.rare) continue;
        due.push(s);
        rarity.push(r);
      }
      if (due.length === 0) return;
      const scores = scorer.score(due.map((s) => ({
        times: s.times, sizes: s.sized ? s.sizes : undefined, windowStart: now - RITA_WINDOW_S, windowEnd: now,
      })));
      const round3 = (x: number) => Math.round(x * 1000) / 1000;
      due.forEach((s, i) => {
        s.fresh = 0;
        const b = scores[i];
        if (b.score < BEACON_THRESHOLD) return;
        const port = s.pair.port;
        const web = port === 80 || port === 443 || port === 8080 || port === 8443;
        ctx.raise(pairAlert(s.pair, rarity[i], {
          at: s.times[s.times.length - 1],
          model: 'beacon.periodic',
          title: 'Beaconing to a rare external endpoint',
          score: b.score,
          evidence: {
            period_s: Math.round(b.period * 10) / 10, jitter: round3(b.jitter),
            beats: s.times.length, beats_present: Math.round(b.beatsPresent * 100) / 100, confidence: round3(b.confidence),
            rita: { score: b.ritaScore, ts: b.ritaTs, ds: b.ritaDs, hist: b.ritaHist, dur: b.ritaDur },
            first_seen: new Date(s.times[0] * 1000).toISOString(), last_seen: new Date(s.times[s.times.length - 1] * 1000).toISOString(),
            bytes_out: s.sized ? s.sizes.reduce((a, x) => a + x, 0) : undefined, transports: [...s.transports],
            scored_at: new Date(now * 1000).toISOString(),
          },
          mitre: web ? ['T1071.001'] : ['T1071'],
        }));
      });
    },
  };
}
