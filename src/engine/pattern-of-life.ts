// The pattern of life: for each device, what it talks to (endpoint addresses, hostnames and their
// registrable domains, ports), its user agents and TLS fingerprints, its daily volumes out and in,
// its hours of activity, and when it first did each; for the network, each endpoint's prevalence
// (devices that reached it ÷ active devices) and age. Everything runs on capture time and is
// bounded: entries not seen for HORIZON_S age out (so the baseline follows a changing network),
// and each map keeps at most its documented number of entries, least recently seen first out.
//
// Sizes (upper bounds): a device ≈ 200 B + 96 B per endpoint, domain, user agent or fingerprint
// (at most DEVICE_ENDPOINTS + DEVICE_DOMAINS + 2 × DEVICE_FINGERPRINTS + DEVICE_AGENTS of them);
// a network endpoint ≈ 120 B + 48 B per device that reached it (at most ENDPOINT_DEVICES).

import type { ConnRecord } from '../pool/conn-record.js';

export const HORIZON_S = 30 * 86400;
export const MAX_DEVICES = 1 << 16;
export const MAX_ENDPOINTS = 1 << 20;
export const DEVICE_ENDPOINTS = 4096;
export const DEVICE_DOMAINS = 2048;
export const DEVICE_AGENTS = 64;
export const DEVICE_FINGERPRINTS = 64;
export const ENDPOINT_DEVICES = 256;
const DAYS_KEPT = 14;

export interface Seen {
  first: number;
  last: number;
  count: number;
}

export interface EndpointUse extends Seen {
  bytesOut: number;
  bytesIn: number;
  ports: number[];
  /** Bytes sent to it on its most recent day (day number since the epoch). */
  day: number;
  dayOut: number;
}

export interface Device {
  key: string;
  ip: string;
  vnis: number[];
  first: number;
  last: number;
  endpoints: Map<string, EndpointUse>;
  domains: Map<string, Seen>;
  userAgents: Map<string, Seen>;
  ja3: Map<string, Seen>;
  ja4: Map<string, Seen>;
  /** Connections per hour of the day (UTC), all days together. */
  hours: number[];
  /** Bytes out and in per day (day number since the epoch), the last DAYS_KEPT days. */
  daily: { day: number; out: number; in: number }[];
  /** The most bytes the device sent one endpoint in one day. */
  maxDailyOutPerEndpoint: number;
}

export interface NetworkEndpoint {
  first: number;
  last: number;
  /** Devices (keys) that reached it, and when they last did. */
  devices: Map<string, number>;
}

/** Touch a key in an insertion-ordered map (most recent last), evicting the oldest past `cap`. */
function touch<V>(map: Map<string, V>, key: string, make: () => V, cap: number): V {
  let v = map.get(key);
  if (v !== undefined) map.delete(key);
  else v = make();
  map.set(key, v);
  if (map.size > cap) map.delete(map.keys().next().value as string);
  return v;
}

function seen(map: Map<string, Seen>, key: string, ts: number, cap: number): void {
  const s = touch(map, key, () => ({ first: ts, last: ts, count: 0 }), cap);
  s.last = Math.max(s.last, ts);
  s.first = Math.min(s.first, ts);
  s.count++;
}

export class PatternOfLife {
  readonly devices = new Map<string, Device>();
  readonly endpoints = new Map<string, NetworkEndpoint>();
  readonly domains = new Map<string, NetworkEndpoint>();
  /** Latest capture time seen. */
  now = 0;

  device(key: string, ip: string, ts: number): Device {
    const d = touch(this.devices, key, () => ({
      key, ip, vnis: [], first: ts, last: ts, endpoints: new Map(), domains: new Map(), userAgents: new Map(),
      ja3: new Map(), ja4: new Map(), hours: new Array<number>(24).fill(0), daily: [], maxDailyOutPerEndpoint: 0,
    }), MAX_DEVICES);
    d.last = Math.max(d.last, ts);
    return d;
  }

  /** Learn from an outbound connection of a device to an endpoint (and its hostname's domain). */
  observeConn(deviceKey: string, c: ConnRecord, domain: string | undefined): void {
    const ts = c.ts;
    this.now = Math.max(this.now, ts);
    const d = this.device(deviceKey, c['id.orig_h'], ts);
    if (c.vni !== undefined && !d.vnis.includes(c.vni)) d.vnis.push(c.vni);
    const ep = c['id.resp_h'];
    const out = c.orig_bytes ?? 0;
    const inb = c.resp_bytes ?? 0;
    const day = Math.floor(ts / 86400);
    const use = touch(d.endpoints, ep, () => ({ first: ts, last: ts, count: 0, bytesOut: 0, bytesIn: 0, ports: [], day, dayOut: 0 }), DEVICE_ENDPOINTS);
    use.first = Math.min(use.first, ts);
    use.last = Math.max(use.last, ts);
    use.count++;
    use.bytesOut += out;
    use.bytesIn += inb;
    if (use.ports.length < 16 && !use.ports.includes(c['id.resp_p'])) use.ports.push(c['id.resp_p']);
    if (use.day !== day) {
      use.day = day;
      use.dayOut = 0;
    }
    use.dayOut += out;
    if (use.dayOut > d.maxDailyOutPerEndpoint) d.maxDailyOutPerEndpoint = use.dayOut;
    if (domain) seen(d.domains, domain, ts, DEVICE_DOMAINS);
    d.hours[new Date(ts * 1000).getUTCHours()]++;
    let today = d.daily.find((x) => x.day === day);
    if (!today) {
      today = { day, out: 0, in: 0 };
      d.daily.push(today);
      d.daily.sort((a, b) => a.day - b.day);
      if (d.daily.length > DAYS_KEPT) d.daily.shift();
    }
    today.out += out;
    today.in += inb;
    this.reach(this.endpoints, ep, deviceKey, ts, MAX_ENDPOINTS);
    if (domain) this.reach(this.domains, domain, deviceKey, ts, MAX_ENDPOINTS);
  }

  observeUserAgent(deviceKey: string, ip: string, ua: string, ts: number): void {
    seen(this.device(deviceKey, ip, ts).userAgents, ua, ts, DEVICE_AGENTS);
  }

  observeFingerprint(deviceKey: string, ip: string, kind: 'ja3' | 'ja4', fp: string, ts: number): void {
    seen(this.device(deviceKey, ip, ts)[kind], fp, ts, DEVICE_FINGERPRINTS);
  }

  private reach(map: Map<string, NetworkEndpoint>, key: string, deviceKey: string, ts: number, cap: number): void {
    const e = touch(map, key, () => ({ first: ts, last: ts, devices: new Map<string, number>() }), cap);
    e.first = Math.min(e.first, ts);
    e.last = Math.max(e.last, ts);
    e.devices.delete(deviceKey);
    e.devices.set(deviceKey, ts);
    if (e.devices.size > ENDPOINT_DEVICES) e.devices.delete(e.devices.keys().next().value as string);
  }

  /** Devices seen within the horizon. */
  activeDevices(now = this.now): number {
    let n = 0;
    for (const d of this.devices.values()) if (now - d.last <= HORIZON_S) n++;
    return Math.max(n, 1);
  }

  /** Devices other than `except` that reached an endpoint (or domain) within the horizon. */
  otherDevices(key: string, except: string, domain = false, now = this.now): number {
    const e = (domain ? this.domains : this.endpoints).get(key);
    if (!e) return 0;
    let n = 0;
    for (const [dev, last] of e.devices) if (dev !== except && now - last <= HORIZON_S) n++;
    return n;
  }

  /** Devices that reached an endpoint ÷ active devices. */
  prevalence(key: string, domain = false, now = this.now): number {
    return this.otherDevices(key, '', domain, now) / this.activeDevices(now);
  }

  /** Whether the device reached this endpoint within the horizon before. */
  knows(deviceKey: string, endpoint: string, now = this.now): boolean {
    const use = this.devices.get(deviceKey)?.endpoints.get(endpoint);
    return use !== undefined && now - use.last <= HORIZON_S;
  }

  knowsDomain(deviceKey: string, domain: string, now = this.now): boolean {
    const s = this.devices.get(deviceKey)?.domains.get(domain);
    return s !== undefined && now - s.last <= HORIZON_S;
  }

  /** Drop what has not been seen within the horizon (the baseline's decay). */
  age(now = this.now): void {
    const stale = (t: number) => now - t > HORIZON_S;
    for (const [k, d] of this.devices) {
      if (stale(d.last)) {
        this.devices.delete(k);
        continue;
      }
      for (const m of [d.endpoints, d.domains, d.userAgents, d.ja3, d.ja4] as Map<string, Seen>[]) {
        for (const [x, s] of m) if (stale(s.last)) m.delete(x);
      }
    }
    for (const m of [this.endpoints, this.domains]) for (const [k, e] of m) if (stale(e.last)) m.delete(k);
  }
}
