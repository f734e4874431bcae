// conn.rare_external (Darktrace: "Connection to Rare External Endpoint"): a device reaches an
// external endpoint it never reached before and that almost no other device uses. Once per
// device and endpoint per alert window.

import { pairAlert, type Model } from '../model.js';

export function rareExternal(): Model {
  return {
    id: 'conn.rare_external',
    outbound(o, ctx): void {
      if (!o.newForDevice || !o.rarity.rare) return;
      const r = o.rarity;
      const p = o.pair;
      ctx.raise(pairAlert(p, r, {
        at: o.conn.ts,
        model: 'conn.rare_external',
        title: 'Connection to a rare external endpoint',
        score: 0.6 + 0.4 / (1 + r.others + r.domainOthers),
        evidence: {
          prevalence: r.prevalence, domain: p.domain, domain_other_devices: p.domain ? r.domainOthers : undefined,
          endpoint_first_seen: r.firstSeen, conn_state: o.conn.conn_state, service: o.conn.service,
          bytes_out: o.conn.orig_bytes ?? 0, uid: o.conn.uid,
        },
        mitre: ['T1071'],
      }));
    },
  };
}
