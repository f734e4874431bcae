// The pattern of life: for each device, what it talks to (endpoint addresses, hostnames and their
// registrable domains, ports), its user agents and TLS fingerprints, its daily volumes out and in,
// its hours of activity, and when it first did each; for the network, the devices that reached
// each endpoint (and domain), and its age. Everything runs on capture time and is
// bounded: entries not seen for HORIZON_S age out (so the baseline follows a changing network),
// and each map keeps at most its number of entries, least recently seen first out, the
// evictions counted by kind (`evicted`).
//
// Memory (V8 heap, Node 20 on x64, measured by filling the maps; README has the method): a device
// is about 1.7 KiB before what it reached; an endpoint it reached about 190 B (more with many
// ports), a domain 130 B, a user agent 160 B, a fingerprint 140-250 B, so a device at its own
// caps is about 2 MiB. A network endpoint or domain is about 400 B, and each device remembered
// for it about 60 B. Those caps alone would allow ~160 GiB, so the entries are also budgeted over
// all devices together (DEVICE_ENTRIES) and over all endpoints and all domains (*_REACH): filled
// to every bound, the pattern of life measured 0.9 GiB (devices of 32 endpoints, 16 domains, 2
// user agents and 4 fingerprints) to 1.2 GiB (65,536 devices of 32 endpoints of 16 ports).

import type { ConnRecord } from '../pool/conn-record.js';
import { BoundedMap, Evictions } from './bounded-map.js';

export const HORIZON_S = 30 * 86400;
const MAX_DEVICES = 1 << 16;
/** Endpoints, domains, user agents and fingerprints kept over all devices together. */
const DEVICE_ENTRIES = 1 << 21;
const DEVICE_ENDPOINTS = 4096;
const DEVICE_DOMAINS = 2048;
const DEVICE_AGENTS = 64;
const DEVICE_FINGERPRINTS = 64;
const MAX_ENDPOINTS = 1 << 19;
const MAX_DOMAINS = 1 << 18;
/** Devices remembered per endpoint: more than 2% (the engine's RARE_SHARE) of MAX_DEVICES, so that
 *  their count tells a rare endpoint from a common one in the largest network. */
const ENDPOINT_DEVICES = 2048;
/** Devices remembered over all endpoints together, and over all domains. */
const ENDPOINT_REACH = 1 << 21;
const DOMAIN_REACH = 1 << 20;
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
  endpoints: BoundedMap<string, EndpointUse>;
  domains: BoundedMap<string, Seen>;
  userAgents: BoundedMap<string, Seen>;
  ja3: BoundedMap<string, Seen>;
  ja4: BoundedMap<string, Seen>;
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
  devices: BoundedMap<string, number>;
}

/** What a device holds, against DEVICE_ENTRIES. */
const entriesOf = (d: Device): number => d.endpoints.size + d.domains.size + d.userAgents.size + d.ja3.size + d.ja4.size;
/** What a network endpoint holds, against *_REACH. */
const reachOf = (e: NetworkEndpoint): number => e.devices.size;

export class PatternOfLife {
  /** Entries evicted to stay within the bounds, by kind (as engine.evicted.* counters name them). */
  readonly evicted = {
    devices: new Evictions(), device_endpoints: new Evictions(), device_domains: new Evictions(),
    device_user_agents: new Evictions(), device_fingerprints: new Evictions(),
    endpoints: new Evictions(), domains: new Evictions(), endpoint_devices: new Evictions(),
  };
  readonly devices = new BoundedMap<string, Device>(MAX_DEVICES, this.evicted.devices, { limit: DEVICE_ENTRIES, weigh: entriesOf });
  readonly endpoints = new BoundedMap<string, NetworkEndpoint>(MAX_ENDPOINTS, this.evicted.endpoints, { limit: ENDPOINT_REACH, weigh: reachOf });
  readonly domains = new BoundedMap<string, NetworkEndpoint>(MAX_DOMAINS, this.evicted.domains, { limit: DOMAIN_REACH, weigh: reachOf });
  /** Latest capture time seen. */
  now = 0;

  /** A device, now the most recently seen; made when new. */
  device(key: string, ip: string, ts: number): Device {
    const d = this.devices.touch(key, () => this.newDevice(key, ip, ts));
    d.last = Math.max(d.last, ts);
    return d;
  }

  /** A device that has reached nothing yet, with its bounded maps (not added: see device()). */
  newDevice(key: string, ip: string, ts: number): Device {
    const e = this.evicted;
    return {
      key, ip, vnis: [], first: ts, last: ts,
      endpoints: new BoundedMap(DEVICE_ENDPOINTS, e.device_endpoints), domains: new BoundedMap(DEVICE_DOMAINS, e.device_domains),
      userAgents: new BoundedMap(DEVICE_AGENTS, e.device_user_agents),
      ja3: new BoundedMap(DEVICE_FINGERPRINTS, e.device_fingerprints), ja4: new BoundedMap(DEVICE_FINGERPRINTS, e.device_fingerprints),
      hours: new Array<number>(24).fill(0), daily: [], maxDailyOutPerEndpoint: 0,
    };
  }

  /** The entry under key in one of a device's maps, made when new: the device's weight against
   *  DEVICE_ENTRIES follows (which may evict the least recently seen devices). */
  private entry<V>(map: BoundedMap<string, V>, key: string, make: () => V): V {
    const n = map.size;
    const v = map.touch(key, make);
    if (map.size !== n) this.devices.reweigh(map.size - n);
    return v;
  }

  private seen(map: BoundedMap<string, Seen>, key: string, ts: number): void {
    const s = this.entry(map, key, () => ({ first: ts, last: ts, count: 0 }));
    s.last = Math.max(s.last, ts);
    s.first = Math.min(s.first, ts);
    s.count++;
  }

  /** A network endpoint (or domain) map's entry, with its bounded map of devices. */
  networkEndpoint(first: number, last: number): NetworkEndpoint {
    return { first, last, devices: new BoundedMap(ENDPOINT_DEVICES, this.evicted.endpoint_devices) };
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
    const use = this.entry(d.endpoints, ep, () => ({ first: ts, last: ts, count: 0, bytesOut: 0, bytesIn: 0, ports: [], day, dayOut: 0 }));
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
    if (domain) this.seen(d.domains, domain, ts);
    d.hours[Math.floor((ts - day * 86400) / 3600)]++;
    let today = d.daily.find((x) => x.day === day);
    if (!today) {
      today = { day, out: 0, in: 0 };
      d.daily.push(today);
      d.daily.sort((a, b) => a.day - b.day);
      if (d.daily.length > DAYS_KEPT) d.daily.shift();
    }
    today.out += out;
    today.in += inb;
    this.reach(this.endpoints, ep, deviceKey, ts);
    if (domain) this.reach(this.domains, domain, deviceKey, ts);
  }

  observeUserAgent(deviceKey: string, ip: string, ua: string, ts: number): void {
    this.seen(this.device(deviceKey, ip, ts).userAgents, ua, ts);
  }

  observeFingerprint(deviceKey: string, ip: string, kind: 'ja3' | 'ja4', fp: string, ts: number): void {
    this.seen(this.device(deviceKey, ip, ts)[kind], fp, ts);
  }

  private reach(map: BoundedMap<string, NetworkEndpoint>, key: string, deviceKey: string, ts: number): void {
    const e = map.touch(key, () => this.networkEndpoint(ts, ts));
    e.first = Math.min(e.first, ts);
    e.last = Math.max(e.last, ts);
    const n = e.devices.size;
    e.devices.set(deviceKey, ts);
    if (e.devices.size !== n) map.reweigh(e.devices.size - n);
  }

  /** Devices seen within the horizon: a walk over every device (the engine counts once per tick). */
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

  /** Whether the device reached this endpoint within the horizon before. */
  knows(deviceKey: string, endpoint: string, now = this.now): boolean {
    const use = this.devices.get(deviceKey)?.endpoints.get(endpoint);
    return use !== undefined && now - use.last <= HORIZON_S;
  }

  knowsDomain(deviceKey: string, domain: string, now = this.now): boolean {
    const s = this.devices.get(deviceKey)?.domains.get(domain);
    return s !== undefined && now - s.last <= HORIZON_S;
  }

  /** Drop what has not been seen within the horizon (the baseline's decay): devices and what each
   *  reached, network endpoints and domains, and the devices remembered for each. */
  age(now = this.now): void {
    const stale = (t: number) => now - t > HORIZON_S;
    for (const [k, d] of this.devices) {
      if (stale(d.last)) {
        this.devices.delete(k);
        continue;
      }
      let dropped = 0;
      for (const m of [d.endpoints, d.domains, d.userAgents, d.ja3, d.ja4] as BoundedMap<string, Seen>[]) {
        for (const [x, s] of m) if (stale(s.last)) dropped += +m.delete(x);
      }
      this.devices.reweigh(-dropped);
    }
    for (const m of [this.endpoints, this.domains]) {
      for (const [k, e] of m) {
        if (stale(e.last)) {
          m.delete(k);
          continue;
        }
        let dropped = 0;
        for (const [dev, last] of e.devices) if (stale(last)) dropped += +e.devices.delete(dev);
        m.reweigh(-dropped);
      }
    }
  }
}
