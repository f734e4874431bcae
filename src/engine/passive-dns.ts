// Passive DNS: for each device, which hostname each address it connects to was resolved from,
// learned from the DNS answers it received, valid for the answer's TTL on capture time. Later
// stages ask it whether a connection went to "an IP without a hostname". Bounded: the least
// recently used entries go first once `capacity` is reached.

import type { DnsRecord } from '../pool/records/dns.js';

interface Entry {
  name: string;
  /** Capture time (seconds) after which the answer is stale. */
  expires: number;
}

export class PassiveDns {
  private readonly byDevice = new Map<string, Entry>();
  private readonly byAddress = new Map<string, Entry>();

  /** Answers count for at least minTtl seconds: clients and resolvers often keep them past short TTLs. */
  constructor(private readonly capacity = 1 << 20, private readonly minTtl = 60) {}

  get size(): number {
    return this.byDevice.size;
  }

  /** Learn from a DNS record: its A/AAAA answers now name `query` for the device that asked. */
  observe(r: DnsRecord): void {
    if (!r.resolved || !r.query) return;
    const ts = r.ts + (r.rtt ?? 0);
    for (const { addr, ttl } of r.resolved) {
      const entry = { name: r.query, expires: ts + Math.max(ttl, this.minTtl) };
      this.put(this.byDevice, `${r['id.orig_h']}|${addr}`, entry);
      this.put(this.byAddress, addr, entry);
    }
  }

  /** The hostname `device` resolved `addr` from, if the answer is still valid at capture time ts. */
  lookup(device: string, addr: string, ts: number): string | undefined {
    return this.fresh(this.byDevice, `${device}|${addr}`, ts);
  }

  /** The hostname any device resolved `addr` from, if still valid at ts. */
  lookupAny(addr: string, ts: number): string | undefined {
    return this.fresh(this.byAddress, addr, ts);
  }

  private fresh(map: Map<string, Entry>, key: string, ts: number): string | undefined {
    const e = map.get(key);
    if (!e) return undefined;
    if (ts > e.expires) {
      map.delete(key);
      return undefined;
    }
    return e.name;
  }

  private put(map: Map<string, Entry>, key: string, entry: Entry): void {
    map.delete(key); // re-inserted last: Map order is the LRU order
    map.set(key, entry);
    if (map.size > this.capacity) map.delete(map.keys().next().value as string);
  }
}
