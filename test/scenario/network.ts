// The network the scenario runs on, and what every conversation needs from it.
//
//   VPC 10.0.0.0/16, mirrored to the sensor 10.255.0.10
//   10.0.0.0/24  services, not mirrored: VPC resolver .2, database .20, internal API .30,
//                monitoring server .50
//   10.0.1.0/24  workstations, mirror session VNI 101, mirror source ENI 10.255.1.1
//   10.0.2.0/24  servers,      mirror session VNI 102, mirror source ENI 10.255.2.1
//   outside      documentation ranges only (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24),
//                documentation names only (*.example, example.com/.net/.org)
//
// Each device keeps a DNS cache: a name is looked up (UDP to the resolver) when the device has no
// unexpired answer, and a connection by name waits for the answer.

import { Flow, Host, Mirror, Packet } from './pcap.js';
import { ip4, ipString } from '../helpers/wire.js';
import { Rng } from './rng.js';
import { udpExchange } from './tcp.js';
import { dnsQuery, dnsResponse } from './payloads.js';

/** Something to start at a given time: a conversation, or a schedule that starts more. */
export interface Spawn {
  us: number;
  start: () => Iterator<Item>;
}
export type Item = Packet | Spawn;
export const isSpawn = (x: Item): x is Spawn => 'start' in x;

export type Role = 'workstation' | 'server';

export interface Device {
  index: number;
  name: string;
  role: Role;
  ip: string;
  host: Host;
  mirror: Mirror;
  /** Sends the SaaS telemetry. */
  telemetry: boolean;
  userAgent: string;
  nextPort: number;
  dns: Map<string, { from: number; until: number }>;
}

/** A host a device talks to. */
export interface Remote {
  name?: string;
  ip: string;
  host: Host;
  /** TTL of its DNS answers, s. */
  dnsTtl: number;
  /** Round trip from the VPC, µs. */
  rtt: number;
  internal: boolean;
}

/** What the generator made, as the sensor should count it. */
export interface Stats {
  /** HTTP request/response pairs (http records). */
  http: number;
  /** TLS handshakes (ssl records). */
  ssl: number;
  /** DNS queries answered (dns records). */
  dns: number;
  /** TCP connections, and those of them that complete and close with FINs. */
  tcp: number;
  tcpClosed: number;
  /** UDP flows. */
  udp: number;
}

const ROUTER_MAC = 0x0a000001;
const macOf = (ip: number) => ip >>> 0;

const WINDOWS_UA = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
];

export class Network {
  readonly devices: Device[];
  readonly resolver: Remote;
  readonly monitor: Remote;
  readonly db: Remote;
  readonly api: Remote;
  readonly stats: Stats = { http: 0, ssl: 0, dns: 0, tcp: 0, tcpClosed: 0, udp: 0 };
  /** External addresses not handed out yet, shuffled. */
  private readonly free: string[];
  private readonly byName = new Map<string, Remote>();
  private readonly rng: Rng;
  private readonly mirrors: Mirror[];

  constructor(rng: Rng, count: number) {
    this.rng = rng.fork('network');
    const r = this.rng;
    this.mirrors = [
      { vni: 101, src: ip4('10.255.1.1'), ipId: r.int(65536) },
      { vni: 102, src: ip4('10.255.2.1'), ipId: r.int(65536) },
    ];
    const workstations = Math.round((count * 10) / 16);
    // most devices send the SaaS telemetry (14 of 16): all but every eighth, from the last
    const quiet = Math.ceil(count / 8);
    this.devices = Array.from({ length: count }, (_, i) => {
      const role: Role = i < workstations ? 'workstation' : 'server';
      const ip = role === 'workstation' ? `10.0.1.${10 + i}` : `10.0.2.${10 + i - workstations}`;
      const n = ip4(ip);
      return {
        index: i,
        name: role === 'workstation' ? `ws-${String(i + 1).padStart(2, '0')}` : `srv-${String(i - workstations + 1).padStart(2, '0')}`,
        role,
        ip,
        host: { ip: n, mac: macOf(n), ttl: role === 'workstation' ? 128 : 64 },
        mirror: this.mirrors[role === 'workstation' ? 0 : 1],
        telemetry: i < count - quiet,
        userAgent: WINDOWS_UA[i % WINDOWS_UA.length],
        nextPort: 32768 + r.int(20000),
        dns: new Map(),
      };
    });
    this.resolver = this.internal('10.0.0.2');
    this.monitor = this.internal('10.0.0.50');
    this.db = this.internal('10.0.0.20', 'db.internal.example', 300);
    this.api = this.internal('10.0.0.30', 'api.internal.example', 60);
    const ranges = ['192.0.2', '198.51.100', '203.0.113'];
    this.free = ranges.flatMap((p) => Array.from({ length: 250 }, (_, i) => `${p}.${i + 4}`));
    for (let i = this.free.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [this.free[i], this.free[j]] = [this.free[j], this.free[i]];
    }
  }

  /** A new external host (a documentation address no other remote has), named or not. */
  external(name: string | undefined, dnsTtl = 300, rtt?: number): Remote {
    const ip = this.free.shift();
    if (!ip) throw new Error('out of documentation addresses');
    const r: Remote = {
      name, ip, dnsTtl, internal: false,
      host: { ip: ip4(ip), mac: ROUTER_MAC, ttl: 40 + this.rng.int(20) },
      rtt: rtt ?? Math.round(this.rng.range(8_000, 90_000)),
    };
    if (name) this.byName.set(name, r);
    return r;
  }

  private internal(ip: string, name?: string, dnsTtl = 300): Remote {
    const r: Remote = { name, ip, dnsTtl, internal: true, host: { ip: ip4(ip), mac: ROUTER_MAC, ttl: 64 }, rtt: Math.round(this.rng.range(250, 700)) };
    if (name) this.byName.set(name, r);
    return r;
  }

  device(ip: string): Device | undefined {
    return this.devices.find((d) => d.ip === ip);
  }

  /** The device's next ephemeral port (sequential, as Linux and Windows hand them out). */
  port(d: Device): number {
    const p = d.nextPort;
    d.nextPort = d.nextPort >= 60999 ? 32768 : d.nextPort + 1 + this.rng.int(3);
    return p;
  }

  /** A flow from the device to a remote. */
  flowTo(d: Device, to: Remote, dport: number, proto: 6 | 17 = 6, rng = this.rng): Flow {
    return { mirror: d.mirror, proto, client: d.host, server: to.host, cport: this.port(d), sport: dport, idC: rng.int(65536), idS: rng.int(65536) };
  }

  /** A flow from a remote (the monitoring server) to the device. */
  flowFrom(from: Remote, d: Device, dport: number, cport: number, rng = this.rng): Flow {
    return { mirror: d.mirror, proto: 6, client: from.host, server: d.host, cport, sport: dport, idC: rng.int(65536), idS: rng.int(65536) };
  }

  /**
   * Resolve `to`'s name for the device at time t: a DNS exchange with the resolver when the
   * device's cache has no answer, none when it has. Returns when the device knows the address.
   */
  *resolve(d: Device, to: Remote, t: number, rng: Rng): Generator<Packet, number> {
    if (!to.name) return t;
    const cached = d.dns.get(to.name);
    if (cached && cached.until > t) return Math.max(t, cached.from + 200);
    // the resolver answers from its cache in under a millisecond, or asks upstream
    const rtt = rng.chance(0.25) ? Math.round(rng.range(6_000, 40_000)) : Math.round(rng.range(300, 1_200));
    const id = rng.int(65536);
    const flow = this.flowTo(d, this.resolver, 53, 17, rng);
    this.stats.dns++;
    this.stats.udp++;
    d.dns.set(to.name, { from: t + rtt, until: t + rtt + to.dnsTtl * 1e6 });
    yield* udpExchange(flow, t, rtt, dnsQuery(id, to.name), dnsResponse(id, to.name, [ip4(to.ip)], to.dnsTtl));
    return t + rtt + Math.round(rng.range(100, 2_000));
  }
}

export { ipString };
