// The detection engine, on the main thread: every shard's records, in capture-time order, feed
// the pattern of life, the passive DNS map and the models, which raise alerts. It holds the
// network-wide view (rarity means rare across every device), which is why it is not sharded.
// Models stay quiet during the learning period; learning goes on after it, and about once a day
// of capture time (and at the end, before the baseline is saved) the pattern of life forgets
// what it has not seen within its horizon. A connection's rarity is worked out only when a model
// asks for it, and the active devices it is measured against are counted once per tick. What
// the bounded maps evict is counted as engine.evicted.* (counters()).

import type { LogRecord } from '../pool/shard.js';
import type { ConnRecord } from '../pool/conn-record.js';
import type { HttpRecord } from '../pool/records/http.js';
import type { SslRecord } from '../pool/records/ssl.js';
import type { DnsRecord } from '../pool/records/dns.js';
import type { BurstRecord } from '../pool/records/burst.js';
import type { RecordIds } from '../pool/record-ids.js';
import { AlertBook, Alert, AlertDraft } from './alert.js';
import { PatternOfLife } from './pattern-of-life.js';
import { PassiveDns } from './passive-dns.js';
import { BoundedMap } from './bounded-map.js';
import { isExternal, registrableDomain } from './addresses.js';
import type { Model, ModelContext, Outbound, Pair, Rarity } from './model.js';
import { rareExternal } from './models/rare-external.js';
import { failedBurst } from './models/failed-burst.js';
import { exfilNewEndpoint } from './models/exfil.js';
import { beaconPeriodic } from './models/beacon.js';

export interface EngineOptions {
  /** The learning period: until this capture time (s), or for this long from the first record;
   *  neither, none (a baseline learned before). */
  learnUntil?: number;
  learnFor?: number;
  /** VNI → address space, as the packet path was told (devices are keyed within their space). */
  vniSpaces?: Record<number, number>;
  /** A baseline learned before (--state): the pattern of life to start from. */
  pol?: PatternOfLife;
  onAlert: (a: Alert) => void;
}

/** An endpoint is rare when at most this share of active devices (and at least one) reached it. */
const RARE_SHARE = 0.02;
/** How often models with time series (beacons) look again, in capture seconds. */
const TICK_S = 300;
/** How often the pattern of life ages, in capture seconds. */
const AGE_S = 86400;
/** Hostnames learned from TLS SNI and HTTP Host, by connection, until its conn record comes. */
const HOSTNAMES_KEPT = 1 << 16;
/** The records the engine reads, in the order those of one capture instant are taken: names
 *  first, connections last. The workers make and send only these (see src/pool/worker.ts). */
export const ENGINE_READS = ['dns', 'ssl', 'http', 'burst', 'conn'] as const;
const PATH_ORDER: Record<string, number> = Object.fromEntries(ENGINE_READS.map((path, i) => [path, i]));

export class Engine implements ModelContext {
  readonly pol: PatternOfLife;
  readonly dns = new PassiveDns();
  private readonly book: AlertBook;
  private readonly models: Model[];
  private readonly hostnames = new BoundedMap<string, string>(HOSTNAMES_KEPT);
  private learnEnd: number | undefined;
  private nextTick = 0;
  private nextAge = 0;
  /** Active devices, counted once per tick when rarity is first asked for (a walk over every device). */
  private active: number | undefined;

  constructor(private readonly opts: EngineOptions) {
    this.pol = opts.pol ?? new PatternOfLife();
    this.book = new AlertBook(opts.onAlert);
    this.learnEnd = opts.learnUntil;
    this.models = [rareExternal(), failedBurst(), exfilNewEndpoint(), beaconPeriodic()];
  }

  learning(ts: number): boolean {
    return this.learnEnd === undefined || ts < this.learnEnd;
  }

  /** When the learning period ends (capture time, s), once known; undefined when there is none. */
  get learningEnds(): number | undefined {
    return this.opts.learnFor === undefined && this.opts.learnUntil === undefined ? undefined : this.learnEnd;
  }

  raise(d: AlertDraft): void {
    this.book.raise(d);
  }

  alertsByModel(): Record<string, number> {
    return this.book.countsByModel();
  }

  /** Evictions from every bounded map, as engine.evicted.<what> counters. */
  counters(): Record<string, number> {
    const evicted: Record<string, number> = {
      ...Object.fromEntries(Object.entries(this.pol.evicted).map(([what, e]) => [what, e.count])),
      passive_dns: this.dns.evictions.count, hostnames: this.hostnames.evictions.count, alerts: this.book.evictions.count,
      ...Object.fromEntries(this.models.filter((m) => m.evictions).map((m) => [m.id, m.evictions!.count])),
    };
    return Object.fromEntries(Object.entries(evicted).map(([what, n]) => [`engine.evicted.${what}`, n]));
  }

  /** A device's key: its address, within its address space (from the VNI map). */
  private deviceKey(ip: string, vni: number | undefined): string {
    const space = vni === undefined ? 0 : this.opts.vniSpaces?.[vni] ?? 0;
    return space === 0 ? ip : `${space}/${ip}`;
  }

  rarity(p: Pair): Rarity {
    const active = (this.active ??= this.pol.activeDevices());
    const others = this.pol.otherDevices(p.endpoint, p.deviceKey);
    const domainOthers = p.domain ? this.pol.otherDevices(p.domain, p.deviceKey, true) : 0;
    const limit = Math.max(1, Math.floor(RARE_SHARE * active));
    return {
      rare: others <= limit && domainOthers <= limit,
      others,
      domainOthers,
      active,
      prevalence: others / active,
      firstSeen: this.pol.endpoints.get(p.endpoint)?.first,
    };
  }

  /** One batch of records from all shards, in any order: the batch is sorted (in place) into
   *  capture-time order here. */
  ingest(batch: LogRecord[]): void {
    batch.sort((a, b) => a.ts - b.ts || PATH_ORDER[a._path] - PATH_ORDER[b._path] || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
    for (const r of batch) {
      this.learnEnd ??= r.ts + (this.opts.learnFor ?? 0);
      switch (r._path) {
        case 'dns': this.dnsAnswer(r as DnsRecord); break;
        case 'ssl': this.ssl(r as SslRecord); break;
        case 'http': this.http(r as HttpRecord); break;
        case 'burst': this.burst(r as BurstRecord); break;
        case 'conn': this.conn(r as ConnRecord); break;
      }
      if (r.ts >= this.nextTick) this.tick(r.ts);
    }
  }

  /** End of input: models with time series look one last time, and the baseline ages. */
  finish(): void {
    this.tick(this.pol.now);
    this.pol.age();
  }

  private tick(now: number): void {
    this.nextTick = now + TICK_S;
    if (now >= this.nextAge) {
      this.nextAge = now + AGE_S;
      this.pol.age(now);
    }
    this.active = undefined;
    for (const m of this.models) m.tick?.(now, this);
  }

  /** The key of the device that originated a record's connection; undefined when the originator
   *  is not a device (an external address, or the outer session of a mirror tunnel). */
  private deviceOf(r: RecordIds & { service?: string }): string | undefined {
    if (isExternal(r['id.orig_h']) || r.service === 'vxlan' || r.service === 'geneve') return undefined;
    return this.deviceKey(r['id.orig_h'], r.vni);
  }

  /** The pair a device's connection makes, when its responder is an external endpoint. */
  private pairOf(r: RecordIds, deviceKey: string, hostname: string | undefined, domain = registrableDomain(hostname)): Pair | undefined {
    const endpoint = r['id.resp_h'];
    if (!isExternal(endpoint)) return undefined;
    return { key: `${deviceKey}|${endpoint}`, deviceKey, device: r['id.orig_h'], vni: r.vni, endpoint, port: r['id.resp_p'], hostname, domain };
  }

  /** The hostname a device's connection went to: its TLS SNI or HTTP Host, or else the name the
   *  device resolved the address from. */
  private hostnameOf(r: RecordIds, deviceKey: string): string | undefined {
    return this.hostnames.get(r.uid) ?? this.dns.lookup(deviceKey, r['id.resp_h'], r.ts);
  }

  private rememberHostname(uid: string, name: string | undefined): void {
    if (!name) return;
    this.hostnames.set(uid, name);
  }

  private dnsAnswer(r: DnsRecord): void {
    const deviceKey = this.deviceOf(r);
    if (deviceKey !== undefined) this.dns.observe(r, deviceKey);
  }

  private ssl(s: SslRecord): void {
    const deviceKey = this.deviceOf(s);
    if (deviceKey === undefined) return;
    this.rememberHostname(s.uid, s.server_name);
    if (s.ja3) this.pol.observeFingerprint(deviceKey, s['id.orig_h'], 'ja3', s.ja3, s.ts);
    if (s.ja4) this.pol.observeFingerprint(deviceKey, s['id.orig_h'], 'ja4', s.ja4, s.ts);
  }

  private http(h: HttpRecord): void {
    const deviceKey = this.deviceOf(h);
    if (deviceKey === undefined) return;
    const host = h.host_kind === 'name' ? h.host?.replace(/:\d+$/, '') : undefined;
    this.rememberHostname(h.uid, host);
    if (h.user_agent) this.pol.observeUserAgent(deviceKey, h['id.orig_h'], h.user_agent, h.ts);
    const p = this.pairOf(h, deviceKey, host ?? this.hostnameOf(h, deviceKey));
    if (p) for (const m of this.models) m.http?.(h, p, this);
  }

  private burst(b: BurstRecord): void {
    const deviceKey = this.deviceOf(b);
    const p = deviceKey === undefined ? undefined : this.pairOf(b, deviceKey, this.hostnameOf(b, deviceKey));
    if (p) for (const m of this.models) m.burst?.(b, p, this);
  }

  private conn(c: ConnRecord): void {
    const deviceKey = this.deviceOf(c);
    if (deviceKey === undefined) return;
    const hostname = this.hostnameOf(c, deviceKey);
    this.hostnames.delete(c.uid);
    const domain = registrableDomain(hostname);
    const pair = this.pairOf(c, deviceKey, hostname, domain);
    if (pair) {
      const newForDevice = !this.pol.knows(deviceKey, pair.endpoint) && !(domain && this.pol.knowsDomain(deviceKey, domain));
      const o = new OutboundConn(pair, c, newForDevice, this);
      for (const m of this.models) m.observe?.(o, this);
      if (!this.learning(c.ts)) for (const m of this.models) m.outbound?.(o, this);
    }
    this.pol.observeConn(deviceKey, c, domain);
  }
}

/** An outbound connection whose rarity is worked out only if a model asks for it: most
 *  connections (to endpoints the device knows, during learning) never need it. */
class OutboundConn implements Outbound {
  private known: Rarity | undefined;

  constructor(readonly pair: Pair, readonly conn: ConnRecord, readonly newForDevice: boolean, private readonly engine: Engine) {}

  get rarity(): Rarity {
    return (this.known ??= this.engine.rarity(this.pair));
  }
}
