// The learned baseline on disk (--state DIR), so a restart does not forget: the pattern of life
// as one msgpack file, written atomically (to a temporary file, then renamed into place).
// Later, sensors will share it through JetStream KV; the format is the same.

import { readFileSync, writeFileSync, renameSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { pack, unpack } from 'msgpackr';
import { PatternOfLife, Device, NetworkEndpoint } from './pattern-of-life.js';

const FILE = 'baseline.msgpack';
const VERSION = 1;

type Entries<V> = [string, V][];
interface Snapshot {
  version: number;
  now: number;
  devices: (Omit<Device, 'endpoints' | 'domains' | 'userAgents' | 'ja3' | 'ja4'> & Record<'endpoints' | 'domains' | 'userAgents' | 'ja3' | 'ja4', Entries<unknown>>)[];
  endpoints: Entries<{ first: number; last: number; devices: Entries<number> }>;
  domains: Entries<{ first: number; last: number; devices: Entries<number> }>;
}

const endpointOut = (e: NetworkEndpoint) => ({ first: e.first, last: e.last, devices: [...e.devices] });
const endpointIn = (e: { first: number; last: number; devices: Entries<number> }): NetworkEndpoint =>
  ({ first: e.first, last: e.last, devices: new Map(e.devices) });

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
  for (const d of snap.devices) {
    pol.devices.set(d.key, {
      ...d,
      endpoints: new Map(d.endpoints) as Device['endpoints'], domains: new Map(d.domains) as Device['domains'],
      userAgents: new Map(d.userAgents) as Device['userAgents'], ja3: new Map(d.ja3) as Device['ja3'], ja4: new Map(d.ja4) as Device['ja4'],
    });
  }
  for (const [k, e] of snap.endpoints) pol.endpoints.set(k, endpointIn(e));
  for (const [k, e] of snap.domains) pol.domains.set(k, endpointIn(e));
  return pol;
}
