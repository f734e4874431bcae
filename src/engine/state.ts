// The learned baseline on disk (--state DIR), so a restart does not forget: the pattern of life
// as one msgpack file, written atomically (to a temporary file, then renamed into place).
// Later, sensors will share it through JetStream KV; the format is the same.

import { readFileSync, writeFileSync, renameSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pack, unpack } from 'msgpackr';
import { PatternOfLife, Device, EndpointUse, NetworkEndpoint, Seen } from './pattern-of-life.js';
import type { BoundedMap } from './bounded-map.js';

const FILE = 'baseline.msgpack';
const VERSION = 1;

type Entries<V> = [string, V][];
type DeviceMaps = 'endpoints' | 'domains' | 'userAgents' | 'ja3' | 'ja4';
type EndpointSnapshot = { first: number; last: number; devices: Entries<number> };
interface Snapshot {
  version: number;
  now: number;
  devices: (Omit<Device, DeviceMaps> & { endpoints: Entries<EndpointUse> } & Record<Exclude<DeviceMaps, 'endpoints'>, Entries<Seen>>)[];
  endpoints: Entries<EndpointSnapshot>;
  domains: Entries<EndpointSnapshot>;
}

const endpointOut = (e: NetworkEndpoint): EndpointSnapshot => ({ first: e.first, last: e.last, devices: [...e.devices] });

function fill<V>(map: BoundedMap<string, V>, entries: Entries<V>): void {
  for (const [k, v] of entries) map.set(k, v);
}

export function saveBaseline(dir: string, pol: PatternOfLife): void {
  mkdirSync(dir, { recursive: true });
  const snap: Snapshot = {
    version: VERSION,
    now: pol.now,
    devices: [...pol.devices.values()].map((d) => ({
      ...d, endpoints: [...d.endpoints], domains: [...d.domains], userAgents: [...d.userAgents], ja3: [...d.ja3], ja4: [...d.ja4],
    })),
    endpoints: [...pol.endpoints].map(([k, e]) => [k, endpointOut(e)]),
    domains: [...pol.domains].map(([k, e]) => [k, endpointOut(e)]),
  };
  const file = path.join(dir, FILE);
  writeFileSync(`${file}.tmp`, pack(snap));
  renameSync(`${file}.tmp`, file);
}

/** The baseline saved in dir, or undefined when there is none yet. Throws on a file it cannot read. */
export function loadBaseline(dir: string): PatternOfLife | undefined {
  const file = path.join(dir, FILE);
  if (!existsSync(file)) return undefined;
  const snap = unpack(readFileSync(file)) as Snapshot;
  if (snap?.version !== VERSION) throw new Error(`${file}: baseline format ${snap?.version}, this sensor reads ${VERSION}`);
  const pol = new PatternOfLife();
  pol.now = snap.now;
  // each device and network endpoint filled before it is added, so that its maps' bounds apply
  // and the budgets weigh it whole
  for (const { endpoints, domains, userAgents, ja3, ja4, ...rest } of snap.devices) {
    const d = Object.assign(pol.newDevice(rest.key, rest.ip, rest.last), rest);
    fill(d.endpoints, endpoints);
    fill(d.domains, domains);
    fill(d.userAgents, userAgents);
    fill(d.ja3, ja3);
    fill(d.ja4, ja4);
    pol.devices.set(d.key, d);
  }
  for (const [map, entries] of [[pol.endpoints, snap.endpoints], [pol.domains, snap.domains]] as const) {
    for (const [k, e] of entries) {
      const n = pol.networkEndpoint(e.first, e.last);
      fill(n.devices, e.devices);
      map.set(k, n);
    }
  }
  return pol;
}
