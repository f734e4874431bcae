// Passive DNS: for each device, which hostname each address it connects to was resolved from,
// learned from the DNS answers it received, valid for the answer's TTL on capture time. Later
// stages ask it whether a connection went to "an IP without a hostname". Devices are keyed as
// the engine keys them (their address within its address space), so VPCs with overlapping CIDRs
// do not share answers. Bounded: the least recently used entries go first once `capacity` is
// reached.

import type { DnsRecord } from '../pool/records/dns.js';

interface Entry {
  name: string;
  /** Capture time (seconds) after which the answer is stale. */
  expires: number;
}

export class PassiveDns {
  private readonly byDevice = new Map<string, Entry>();

  /** Answers count for at least minTtl seconds: clients and resolvers often keep them past short TTLs. */
  constructor(private readonly capacity = 1 << 20, private readonly minTtl = 60) {}

  get size(): number {
    return this.byDevice.size;
  }

  /** Learn from a DNS record: its A/AAAA answers now name `query` for the device that asked
   *  (its key; its address when there are no separate address spaces). */
  observe(r: DnsRecord, deviceKey = r['id.orig_h']): void {
    if (!r.resolved || !r.query) return;
    const ts = r.ts + (r.rtt ?? 0);
    for (const { addr, ttl } of r.resolved) {
      const key = `${deviceKey}|${addr}`;
      this.byDevice.delete(key); // re-inserted last: Map order is the LRU order
      this.byDevice.set(key, { name: r.query, expires: ts + Math.max(ttl, this.minTtl) });
      if (this.byDevice.size > this.capacity) this.byDevice.delete(this.byDevice.keys().next().value as string);
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
