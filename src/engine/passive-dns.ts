// Passive DNS: for each device, which hostname each address it connects to was resolved from,
// learned from the DNS answers it received, valid for the answer's TTL on capture time. Later
// stages ask it whether a connection went to "an IP without a hostname". Devices are keyed as
// the engine keys them (their address within its address space), so VPCs with overlapping CIDRs
// do not share answers. Bounded: the least recently learned entries go first once `capacity` is
// reached (an entry is about 200 B: 2^19 of them, ~100 MiB).

import type { DnsRecord } from '../pool/records/dns.js';
import { BoundedMap, Evictions } from './bounded-map.js';

interface Entry {
  name: string;
  /** Capture time (seconds) after which the answer is stale. */
  expires: number;
}

export class PassiveDns {
  private readonly byDevice: BoundedMap<string, Entry>;

  /** Answers count for at least minTtl seconds: clients and resolvers often keep them past short TTLs. */
  constructor(capacity = 1 << 19, private readonly minTtl = 60) {
    this.byDevice = new BoundedMap(capacity);
  }

  get evictions(): Evictions {
    return this.byDevice.evictions;
  }

  get size(): number {
    return this.byDevice.size;
  }

  /** Learn from a DNS record: its A/AAAA answers now name `query` for the device that asked
   *  (its key; its address when there are no separate address spaces). */
  observe(r: DnsRecord, deviceKey = r['id.orig_h']): void {
    if (!r.resolved || !r.query) return;
    const ts = r.ts + (r.rtt ?? 0);
    for (const { addr, ttl } of r.resolved) {
      this.byDevice.set(`${deviceKey}|${addr}`, { name: r.query, expires: ts + Math.max(ttl, this.minTtl) });
    }
  }

  /** The hostname the device (by key) resolved `addr` from, if the answer is still valid at capture time ts. */
  lookup(deviceKey: string, addr: string, ts: number): string | undefined {
    const key = `${deviceKey}|${addr}`;
    const e = this.byDevice.get(key);
    if (!e) return undefined;
    if (ts > e.expires) {
      this.byDevice.delete(key);
      return undefined;
    }
    return e.name;
  }
}
